"""Everything ``fit`` is given, checked before the first step: ``check_fit``.

Bad input raises before anything changes (a ``TypeError`` for a wrong type, a
``ValueError`` for a bad value, the message naming the argument or the sample), so a
mistake in epoch 3 cannot leave a half-trained model. What comes out is a ``FitPlan``:
the arguments in the form the loop uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.reals import shown

from .evaluation import UserAccuracy, accuracy_counter, accuracy_of, resolve_loss
from .layers import MLP, Layer, Neuron
from .losses import LOSSES, check_target, is_row
from .module import Module
from .validate import (
    boolean,
    finite_float,
    is_list_like,
    is_real,
    non_negative_int,
    numbers_of,
    positive_int_or_none,
    rate,
    rng,
    samples,
    takes,
)

__all__ = ["FitPlan", "check_fit", "check_samples", "output_count"]


@dataclass
class FitPlan:
    """``fit``'s arguments, checked and in the form the loop uses."""

    X: list
    y: list
    loss_fn: object
    counter: object  # (prediction, target) -> (right, counted), or None: no accuracy
    epochs: int
    batch_size: int
    validation: tuple | None
    patience: int | None
    progress: bool
    schedule: object
    l2: float
    shuffle: bool
    rng: object
    record: bool


def output_count(model, row) -> int:
    """How many numbers ``model`` returns per sample: what its class says, or else what it
    returns for ``row``, one sample, run once in eval mode without recording a graph (so
    nothing is trained and no dropout mask is drawn). A ``TypeError`` naming the model when
    what it returns is not numbers."""
    if isinstance(model, MLP):
        return model.nouts[-1]
    if isinstance(model, Layer):
        return model.nout
    if isinstance(model, Neuron):
        return 1
    with model.evaluating(), ag.no_grad():
        prediction = model(row)
    try:
        return len(numbers_of(prediction))  # 1, or the items of a list, a NumPy array, ...
    except (TypeError, ValueError):
        raise TypeError(
            "model must return a Value, a number, or a list of them for each sample; for "
            f"X[0] it returned {type(prediction).__name__} {shown(prediction)}"
        ) from None


def _features(row, nin, name, whose="the model takes") -> list[float]:
    """One sample as a list of finite floats, ``nin`` of them when that is known (``whose``:
    who says so, for the message)."""
    if is_real(row):
        row = [row]
    elif isinstance(row, Value) or not is_list_like(row):
        kind = type(row).__name__
        raise TypeError(f"{name} must be a list of numbers, got {shown(row)} ({kind})")
    row = list(row)
    if nin is not None and len(row) != nin:
        raise ValueError(f"{name} has {len(row)} feature(s) but {whose} {nin}")
    out = []
    for j, x in enumerate(row):
        if not is_real(x):
            raise TypeError(f"{name}[{j}] must be a number, got {x!r} ({type(x).__name__})")
        number = finite_float(x)  # Fraction(10**400) is inf here, never an OverflowError
        if not math.isfinite(number):
            raise ValueError(f"{name}[{j}] is {x!r}: fit needs finite numbers")
        out.append(number)
    return out


def check_samples(
    model, X, y, loss_fn, x_name="X", y_name="y", training=None
) -> tuple[list, list, int | None]:
    """``X`` and ``y`` checked entry by entry for ``model`` and the loss; nothing is trained.

    Returns the samples, the targets and how many outputs the model has (None when not
    checked). ``training``: ``(features, outputs)`` of the training samples, when these
    are the validation samples: they must have as many features, and the model's outputs
    are not counted again."""
    X, y = samples(X, x_name), samples(y, y_name)
    if len(X) != len(y):
        raise ValueError(
            f"{y_name} has {len(y)} targets but {x_name} has {len(X)} samples; "
            "fit needs as many targets as samples"
        )
    if not X:
        raise ValueError(f"{x_name} is empty: fit needs at least one sample")
    nin, whose = getattr(model, "nin", None), "the model takes"
    if not isinstance(nin, int):  # a model that does not say: like the training samples
        nin, whose = None if training is None else training[0], "the training samples have"
    rows = []
    for i, row in enumerate(X):
        rows.append(_features(row, nin, f"{x_name}[{i}]", whose))
        if nin is None:  # ... or else every row like the first
            nin, whose = len(rows[0]), f"{x_name}[0] has"
    # A loss of ours fixes each target's shape; a function of your own may read it its way.
    outputs = None
    if loss_fn in LOSSES.values():
        outputs = output_count(model, rows[0]) if training is None else training[1]
    # a row of a NumPy array (y of shape (n, 1)) becomes a list, what every loss reads
    y = [list(t) if is_row(t) and not isinstance(t, (list, tuple)) else t for t in y]
    for i, target in enumerate(y):
        check_target(loss_fn, target, outputs, f"{y_name}[{i}]")
    return rows, y, outputs


def _check_optimizer_holds_the_model(model, optimizer) -> None:
    """A ``ValueError`` when the optimizer updates none of the model's parameters: every step
    would change nothing, and the loss would stay the same epoch after epoch. (The usual
    slip in a notebook: the model's cell run again after the optimizer's, so the optimizer
    holds the old model.) An optimizer holding only some of them is fine: the others are
    frozen. An optimizer of your own is checked only if its ``params`` is a list, tuple or
    set of Values."""
    held = getattr(optimizer, "params", None)
    mine = model.parameters()
    of_values = isinstance(held, (list, tuple, set, frozenset)) and all(
        isinstance(p, Value) for p in held
    )
    if not of_values:
        return  # (a method, PyTorch-style parameter groups: its own business)
    if not mine:
        return
    if set(held).isdisjoint(mine):  # (a Value hashes by identity: the same node, not number)
        raise ValueError(
            "optimizer holds none of the model's parameters, so training would change "
            "nothing (was the model made again after the optimizer?): make the optimizer "
            "from this model, e.g. nn.Adam(model.parameters(), lr=0.01)"
        )


def check_fit(
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
    record=False,
) -> FitPlan:
    """Every argument and every sample of ``fit``, checked before anything changes.

    Takes what ``fit`` takes; returns a ``FitPlan`` or raises (``TypeError`` for a wrong
    type, ``ValueError`` for a bad value, the message naming the argument or the sample).
    """
    if not isinstance(model, Module):
        raise TypeError(f"model must be an nn Module (an MLP, say), got {type(model).__name__}")
    for method in ("step", "zero_grad"):
        if not callable(getattr(optimizer, method, None)):
            raise TypeError(
                f"optimizer must have a {method}() method (an SGD or Adam), got {optimizer!r}"
            )
    if not hasattr(optimizer, "lr"):
        raise TypeError(f"optimizer must have an lr (an SGD or Adam), got {optimizer!r}")
    _check_optimizer_holds_the_model(model, optimizer)
    epochs = non_negative_int(epochs, "epochs")
    size = positive_int_or_none(batch_size, "batch_size", "the whole set")
    patience = positive_int_or_none(
        early_stopping, "early_stopping (a patience in epochs)", "no early stopping"
    )
    progress = boolean(progress, "progress")
    if schedule is not None and not callable(getattr(schedule, "step", None)):
        raise TypeError(f"schedule must be None or have a step() method, got {schedule!r}")
    if schedule is not None and not takes(schedule.step, 0):
        raise TypeError(
            f"schedule: fit calls schedule.step() with no arguments after each step, and "
            f"{type(schedule).__name__}.step needs some"
        )
    if getattr(schedule, "optimizer", optimizer) is not optimizer:  # it would set another's lr
        raise ValueError(
            "schedule was made for another optimizer: make it with the one given to fit, "
            "e.g. LinearDecay(optimizer, 1.0, 0.1, 100)"
        )
    l2 = rate(l2, "l2")
    shuffle = boolean(shuffle, "shuffle")
    generator = rng(seed)  # an int (or None, or a random.Random); 2.5 or "a" are refused
    record = boolean(record, "record")
    loss_fn = resolve_loss(loss)
    counter = accuracy_counter(accuracy, loss_fn)
    X, y, outputs = check_samples(model, X, y, loss_fn)
    if validation is not None:
        if not isinstance(validation, (tuple, list)):
            raise TypeError(f"validation must be None or a pair (X_val, y_val), got {validation!r}")
        if len(validation) != 2:
            raise ValueError(
                f"validation must be a pair (X_val, y_val), got {len(validation)} items"
            )
        X_val, y_val, _ = check_samples(
            model, *validation, loss_fn, "validation X", "validation y", (len(X[0]), outputs)
        )
        validation = (X_val, y_val)
    if loss_fn not in LOSSES.values() or isinstance(counter, UserAccuracy):
        _try_on_the_data(model, loss_fn, counter, X, y, validation, size or len(X))
    return FitPlan(
        X=X,
        y=y,
        loss_fn=loss_fn,
        counter=counter,
        epochs=epochs,
        batch_size=len(X) if size is None else size,
        validation=validation,
        patience=patience,
        progress=progress,
        schedule=schedule,
        l2=l2,
        shuffle=shuffle,
        rng=generator,
        record=record,
    )


def _try_on_the_data(model, loss_fn, counter, X, y, validation, size) -> None:
    """A loss or an accuracy of your own, tried on the data before the first step: which
    targets it accepts, and that it returns a Value, only running it can tell, and in
    epoch 3 the model would have changed already. The model runs in evaluation mode,
    without a graph, and the loss gets what it will get: the training samples in batches
    of ``size``, the validation ones in one call. (Once per ``fit``, about an epoch's
    forward pass; a made-up prediction would be cheaper, and refuse losses that work.)"""
    sets = [("training", X, y, size)]
    if validation:
        sets.append(("validation", *validation, len(validation[0])))
    with model.evaluating(), ag.no_grad():
        for which, X, y, size in sets:
            for start in range(0, len(X), size):
                predictions = [model(x) for x in X[start : start + size]]
                targets = y[start : start + size]
                try:
                    value = loss_fn(predictions, targets)
                    accuracy_of(counter, predictions, targets)
                except Exception as error:
                    if hasattr(error, "add_note"):  # (Python 3.11 and later)
                        error.add_note(
                            f"(fit tried your loss and accuracy on the {which} data before "
                            "the first step: the model is unchanged)"
                        )
                    raise
                if not isinstance(value, Value):
                    raise TypeError(
                        f"loss must return a Value (built from the predictions, so that "
                        f"backward can reach the weights), got {type(value).__name__} {value!r}"
                    )
