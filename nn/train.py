"""Training: ``fit`` runs the loop (forward, loss, backward, step) and returns a ``History``.

One epoch visits every sample once, in mini-batches. For each batch::

    predictions = [model(x) for x in batch]      # forward: builds the graph
    loss = loss_fn(predictions, targets)         # one Value: the mean over the batch
    optimizer.zero_grad(); loss.backward()       # gradients of every parameter
    optimizer.step()                             # move the parameters downhill

Accuracy is reported for classification losses (hinge, BCE, cross-entropy) and skipped for
regression (MSE), where "correct" has no meaning.
"""

from __future__ import annotations

import math
import numbers
import time

import autograd_lite as ag

from .layers import make_rng
from .losses import LOSSES, bce_with_logits, cross_entropy, hinge_loss
from .optim import _check_rate


def _floats(prediction):
    if isinstance(prediction, (list, tuple)):
        return [float(p) for p in prediction]
    return [float(prediction)]


def _targets(target):
    return [float(t) for t in target] if isinstance(target, (list, tuple)) else [float(target)]


# --- how many predictions are right: (correct, counted) for one sample --------------------


def _sign_correct(threshold):
    """Scores above 0 mean the positive class; a target above ``threshold`` is positive."""

    def count(prediction, target):
        scores, labels = _floats(prediction), _targets(target)
        right = sum((s > 0.0) == (t > threshold) for s, t in zip(scores, labels))
        return right, len(scores)

    return count


def _argmax_correct(prediction, target):
    logits = _floats(prediction)
    best = max(range(len(logits)), key=logits.__getitem__)
    return int(best == int(target)), 1


#: The accuracy rule that goes with each known loss (MSE has none).
_ACCURACY_FOR = {
    hinge_loss: _sign_correct(0.0),
    bce_with_logits: _sign_correct(0.5),
    cross_entropy: _argmax_correct,
}


def _resolve_loss(loss):
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}: use one of {sorted(LOSSES)} or a function")
        return LOSSES[loss]
    if not callable(loss):
        raise TypeError(f"loss must be a name or a function, got {loss!r}")
    return loss


def _resolve_accuracy(accuracy, loss_fn):
    if accuracy == "auto":
        return _ACCURACY_FOR.get(loss_fn)
    if accuracy is None:
        return None
    if not callable(accuracy):
        raise TypeError("accuracy must be 'auto', None, or a function (prediction, target)")
    return lambda prediction, target: (int(bool(accuracy(prediction, target))), 1)


# --- evaluation ---------------------------------------------------------------------------


def predict(model, X) -> list:
    """The model's outputs for every sample, as floats (lists of floats for many outputs).

    Runs in evaluation mode (no dropout) and records no graph.
    """
    was_training = model.training
    model.eval()
    try:
        with ag.no_grad():
            out = [model(x) for x in X]
    finally:
        model.train(was_training)
    return [[float(v) for v in o] if isinstance(o, (list, tuple)) else float(o) for o in out]


def evaluate(model, X, y, loss="mse", accuracy="auto"):
    """``(mean loss, accuracy or None)`` on ``X, y``, in evaluation mode, without a graph."""
    loss_fn = _resolve_loss(loss)
    counter = _resolve_accuracy(accuracy, loss_fn)
    was_training = model.training
    model.eval()
    try:
        with ag.no_grad():
            predictions = [model(x) for x in X]
            value = float(loss_fn(predictions, list(y)))
    finally:
        model.train(was_training)
    return value, _accuracy(counter, predictions, y)


def _accuracy(counter, predictions, targets):
    if counter is None:
        return None
    right = counted = 0
    for p, t in zip(predictions, targets):
        r, c = counter(p, t)
        right += r
        counted += c
    return right / counted


# --- the record of a run -------------------------------------------------------------------


class History:
    """Per-epoch figures of a training run; ``plot()`` draws the curves.

    ``loss`` and ``accuracy`` are training figures (averaged over the epoch's batches, so
    measured while the weights were still moving); ``val_loss`` and ``val_accuracy`` are
    measured at the end of each epoch. Lists stay empty for figures that do not apply
    (no accuracy for regression, no validation figures without validation data).
    """

    def __init__(self):
        self.loss: list[float] = []
        self.accuracy: list[float] = []
        self.val_loss: list[float] = []
        self.val_accuracy: list[float] = []
        self.lr: list[float] = []
        self.best_epoch: int | None = None  # set by early stopping (0-based)
        self.stopped_early = False
        self.steps = 0  # optimizer steps taken
        self.seconds = 0.0  # wall-clock time of the run

    @property
    def epochs(self) -> int:
        return len(self.loss)

    def __len__(self):
        return self.epochs

    def last(self) -> dict:
        """The latest epoch's figures by name."""
        names = ("loss", "accuracy", "val_loss", "val_accuracy")
        return {n: getattr(self, n)[-1] for n in names if getattr(self, n)}

    def __repr__(self):
        figures = ", ".join(f"{k}={v:.4g}" for k, v in self.last().items())
        # best_epoch indexes the lists; people count epochs from 1, as the plot does
        stop = f", stopped early (best: epoch {self.best_epoch + 1})" if self.stopped_early else ""
        return f"History({self.epochs} epochs{', ' if figures else ''}{figures}{stop})"

    def plot(self, ax=None):
        """Loss (and accuracy, when measured) per epoch; needs matplotlib."""
        from .plots import plot_history

        return plot_history(self, ax=ax)


# --- the loop --------------------------------------------------------------------------------


def _progress_bar(epochs, enabled):
    """A tqdm bar (a widget in notebooks, text in a terminal), or None without tqdm."""
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=epochs, unit="epoch", desc="fit")


def fit(
    model,
    X,
    y,
    loss,
    optimizer,
    epochs,
    batch_size=None,
    validation=None,
    early_stopping=None,
    progress=True,
    *,
    schedule=None,
    l2=0.0,
    shuffle=True,
    seed=0,
    accuracy="auto",
) -> History:
    """Train ``model`` on ``X, y`` for ``epochs`` passes; return the ``History``.

    - ``loss``: a name ("mse", "hinge", "bce", "cross_entropy") or a function
      ``loss(predictions, targets) -> Value``.
    - ``batch_size``: None for the whole set per step; otherwise mini-batches, in an order
      shuffled each epoch by a private generator seeded with ``seed``.
    - ``validation``: ``(X_val, y_val)``, measured after every epoch.
    - ``early_stopping``: a patience in epochs. Stops when the validation loss (the
      training loss, re-measured after each epoch, without validation data) has not
      improved for that many epochs, and puts back the best weights.
    - ``schedule``: a learning-rate schedule from ``nn.optim``, stepped after every step.
    - ``l2``: adds ``l2 * sum(p * p)`` over the parameters to the loss being minimised
      (the figures in the History are the loss alone).
    - ``accuracy``: "auto" (from the loss), None, or a function ``(prediction, target) -> bool``.

    Each step runs inside ``ag.gc_paused()``: Python's cyclic garbage collector would
    otherwise walk the step's graph again and again while it grows, though the graph holds
    no cycles and is freed by reference counting anyway. The collector is back on (if it
    was on) as soon as the step is over.
    """
    X, y = list(X), list(y)
    if len(X) != len(y) or not X:
        raise ValueError(f"fit needs as many targets as samples, got {len(X)} and {len(y)}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be an int >= 0, got {epochs!r}")
    n = len(X)
    # No silent int(): batch_size=2.5 must not quietly become 2.
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral)
    ):
        raise TypeError(f"batch_size must be None (the whole set) or an int, got {batch_size!r}")
    size = n if batch_size is None else int(batch_size)
    if size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size!r}")
    l2 = _check_rate(l2, "l2")
    if schedule is not None and not callable(getattr(schedule, "step", None)):
        raise TypeError(f"schedule must be None or have a step() method, got {schedule!r}")
    if early_stopping is not None and (
        isinstance(early_stopping, bool)
        or not isinstance(early_stopping, int)
        or early_stopping < 1
    ):
        raise ValueError(f"early_stopping must be a patience >= 1 (epochs), got {early_stopping!r}")
    loss_fn = _resolve_loss(loss)
    counter = _resolve_accuracy(accuracy, loss_fn)
    params = model.parameters()
    watch = validation if validation is not None else (X, y)
    rng = make_rng(seed)  # an int (or None, or a random.Random); 2.5 or "a" are refused
    order = list(range(n))
    history = History()
    best, best_state, waited = math.inf, None, 0
    was_training = model.training
    bar = _progress_bar(epochs, progress)
    started = time.perf_counter()
    try:
        for epoch in range(epochs):
            model.train()
            if shuffle and size < n:
                rng.shuffle(order)
            history.lr.append(optimizer.lr)
            total, right, counted = 0.0, 0, 0
            for start in range(0, n, size):
                batch = order[start : start + size]
                targets = [y[i] for i in batch]
                with ag.gc_paused():  # one step builds a large graph with no cycles in it
                    predictions = [model(X[i]) for i in batch]
                    data_loss = loss_fn(predictions, targets)
                    objective = data_loss + l2 * ag.dot(params, params) if l2 else data_loss
                    optimizer.zero_grad()
                    objective.backward()
                    optimizer.step()
                if schedule is not None:
                    schedule.step()
                history.steps += 1
                total += data_loss.data * len(batch)
                if counter is not None:
                    for p, t in zip(predictions, targets):
                        r, c = counter(p, t)
                        right += r
                        counted += c
            history.loss.append(total / n)
            if counter is not None:
                history.accuracy.append(right / counted)
            if validation is not None:
                val_loss, val_acc = evaluate(model, *validation, loss=loss_fn, accuracy=accuracy)
                history.val_loss.append(val_loss)
                if val_acc is not None:
                    history.val_accuracy.append(val_acc)
            if early_stopping is not None:
                watched = history.val_loss[-1] if validation is not None else None
                if watched is None:
                    watched = evaluate(model, *watch, loss=loss_fn, accuracy=None)[0]
                if watched < best:
                    best, best_state, waited = watched, model.state_dict(), 0
                    history.best_epoch = epoch
                else:
                    waited += 1
            if bar is not None:
                bar.set_postfix(_short(history.last()), refresh=False)
                bar.update(1)
            if early_stopping is not None and waited >= early_stopping:
                history.stopped_early = True
                break
    finally:
        if bar is not None:
            bar.close()
        model.train(was_training)
    if best_state is not None:
        model.load_state_dict(best_state)
    history.seconds = time.perf_counter() - started
    return history


def _short(figures):
    names = {"loss": "loss", "accuracy": "acc", "val_loss": "val_loss", "val_accuracy": "val_acc"}
    return {names[k]: f"{v:.4f}" for k, v in figures.items()}
