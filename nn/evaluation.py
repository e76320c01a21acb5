"""How good a model is: ``predict``, ``evaluate``, and the accuracy rules ``fit`` reports.

Accuracy is counted for classification losses (hinge, BCE, cross-entropy) and skipped for
regression (MSE), where "correct" has no meaning. A rule takes one prediction and its target
and returns ``(right, counted)``: a sample of a multi-output hinge model counts each output.
"""

from __future__ import annotations

from functools import partial

import autograd_lite as ag

from .losses import LOSSES, bce_with_logits, cross_entropy, hinge_loss
from .validate import is_one_number, number, numbers_of, takes

__all__ = ["UserAccuracy", "accuracy_counter", "accuracy_of", "evaluate", "predict", "resolve_loss"]

# --- how many predictions are right: (correct, counted) for one sample --------------------


def _sign_correct(threshold, prediction, target):
    """Scores above 0 mean the positive class; a target above ``threshold`` is positive."""
    scores, labels = numbers_of(prediction), numbers_of(target)
    right = sum((s > 0.0) == (t > threshold) for s, t in zip(scores, labels))
    return right, len(scores)


def _argmax_correct(prediction, target):
    logits = numbers_of(prediction)
    best = max(range(len(logits)), key=logits.__getitem__)
    return int(best == int(target)), 1


#: The accuracy rule that goes with each known loss (MSE has none). (partial, not a
#: function made inside a function: a recorded History holds one, and pickles.)
_ACCURACY_FOR = {
    hinge_loss: partial(_sign_correct, 0.0),
    bce_with_logits: partial(_sign_correct, 0.5),
    cross_entropy: _argmax_correct,
}


def resolve_loss(loss):
    """The loss function ``loss`` names ("mse", "hinge", ...), or ``loss`` itself when it is
    a function."""
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(
                f"loss must be one of {sorted(LOSSES)} or a function; unknown loss {loss!r}"
            )
        return LOSSES[loss]
    if not callable(loss):
        raise TypeError(f"loss must be a name or a function, got {loss!r}")
    return loss


class UserAccuracy:
    """A user's ``accuracy(prediction, target) -> bool`` as a ``(right, counted)`` rule."""

    def __init__(self, accuracy):
        self.accuracy = accuracy

    def __call__(self, prediction, target):
        return int(bool(self.accuracy(prediction, target))), 1


def accuracy_counter(accuracy, loss_fn):
    """How ``fit`` counts right predictions, from its ``accuracy`` argument: a function
    ``(prediction, target) -> (right, counted)``, or None for no accuracy ("auto" reads it
    off the loss: the sign of the score for hinge and BCE, the largest logit for
    cross-entropy, none for a regression)."""
    if isinstance(accuracy, str):
        if accuracy != "auto":
            raise ValueError(f"accuracy must be 'auto', None or a function, got {accuracy!r}")
        return _ACCURACY_FOR.get(loss_fn)
    if accuracy is None:
        return None
    if not callable(accuracy):
        raise TypeError(
            f"accuracy must be 'auto', None, or a function (prediction, target), got {accuracy!r}"
        )
    if not takes(accuracy, 2):
        raise TypeError(
            f"accuracy must take two arguments, (prediction, target), as fit calls it; "
            f"{accuracy!r} does not"
        )
    return UserAccuracy(accuracy)


# --- evaluation ---------------------------------------------------------------------------


def predict(model, X) -> list:
    """The model's outputs for every sample, as floats (lists of floats for many outputs).

    Runs in evaluation mode (no dropout) and records no graph.
    """
    with model.evaluating(), ag.no_grad():
        out = [model(x) for x in X]
    return [number(o) if is_one_number(o) else numbers_of(o) for o in out]


def evaluate(model, X, y, loss="mse", accuracy="auto"):
    """``(mean loss, accuracy or None)`` on ``X, y``, in evaluation mode, without a graph."""
    loss_fn = resolve_loss(loss)
    counter = accuracy_counter(accuracy, loss_fn)
    X, y = list(X), list(y)
    if len(X) != len(y):
        raise ValueError(f"y has {len(y)} targets but X has {len(X)} samples")
    with model.evaluating(), ag.no_grad():
        predictions = [model(x) for x in X]
        value = number(loss_fn(predictions, y))
    return value, accuracy_of(counter, predictions, y)


def accuracy_of(counter, predictions, targets):
    """The share of ``predictions`` that ``counter`` finds right against ``targets`` (the
    counter ``fit`` resolves from its ``accuracy`` argument); None without a counter."""
    if counter is None:
        return None
    right = counted = 0
    for p, t in zip(predictions, targets):
        r, c = counter(p, t)
        right += r
        counted += c
    return right / counted
