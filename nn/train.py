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

import inspect
import math
import time
from dataclasses import dataclass
from functools import partial

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.reals import shown

from .layers import MLP, Layer, Neuron
from .losses import LOSSES, bce_with_logits, check_target, cross_entropy, hinge_loss, is_row
from .module import Module
from .validate import (
    boolean,
    finite_float,
    is_list_like,
    is_one_number,
    is_real,
    non_negative_int,
    number,
    numbers_of,
    positive_int_or_none,
    rate,
    rng,
    samples,
)

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


def _resolve_loss(loss):
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(
                f"loss must be one of {sorted(LOSSES)} or a function; unknown loss {loss!r}"
            )
        return LOSSES[loss]
    if not callable(loss):
        raise TypeError(f"loss must be a name or a function, got {loss!r}")
    return loss


class _CountTrue:
    """A user's ``accuracy(prediction, target) -> bool`` as a ``(right, counted)`` rule."""

    def __init__(self, accuracy):
        self.accuracy = accuracy

    def __call__(self, prediction, target):
        return int(bool(self.accuracy(prediction, target))), 1


def _takes(function, count) -> bool:
    """Whether ``function`` can be called with ``count`` positional arguments (True when
    Python cannot tell, as for some built-ins: then the call itself will say)."""
    try:
        inspect.signature(function).bind(*[None] * count)
    except TypeError:
        return False
    except ValueError:  # no signature to read
        return True
    return True


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
    if not _takes(accuracy, 2):
        raise TypeError(
            f"accuracy must take two arguments, (prediction, target), as fit calls it; "
            f"{accuracy!r} does not"
        )
    return _CountTrue(accuracy)


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
    loss_fn = _resolve_loss(loss)
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


# --- the record of a run -------------------------------------------------------------------


class History:
    """Per-epoch figures of a training run; ``plot()`` draws the curves.

    Epochs are counted from 1, everywhere: ``best_epoch == 3`` is the third epoch, whose
    loss is ``loss[2]`` (``loss[best_epoch - 1]``), and the plot's x axis starts at 1.

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
        self.best_epoch: int | None = None  # set by early stopping; counted from 1
        self.stopped_early = False
        self.steps = 0  # optimizer steps taken
        self.seconds = 0.0  # wall-clock time of the run
        self.recording = None  # what fit(..., record=True) recorded, for replay()

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
        stop = f", stopped early (best: epoch {self.best_epoch})" if self.stopped_early else ""
        return f"History({self.epochs} epochs{', ' if figures else ''}{figures}{stop})"

    def plot(self, ax=None):
        """Loss (and accuracy, when measured) per epoch; needs matplotlib."""
        from .plots import plot_history

        return plot_history(self, ax=ax)

    def replay(self, path):
        """Write the recorded run as one HTML page to ``path`` (needs ``fit(..., record=True)``)."""
        if self.recording is None:
            raise ValueError(
                "History.replay: this run was not recorded; call fit(..., record=True)"
            )
        from .replay import write_replay

        return write_replay(self.recording, path)


# --- checking everything before the first step ----------------------------------------------


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
    if schedule is not None and not _takes(schedule.step, 0):
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
    loss_fn = _resolve_loss(loss)
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
    if loss_fn not in LOSSES.values() or isinstance(counter, _CountTrue):
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


# --- the parts of the loop -------------------------------------------------------------------


class EarlyStopping:
    """Stop when a watched loss has not improved for ``patience`` epochs in a row.

    ``update(model, epoch, loss)`` after each epoch returns True when it is time to stop;
    the best weights are kept, and ``restore(model)`` puts them back.
    """

    def __init__(self, patience):
        self.patience = patience
        self.best = math.inf
        self.best_epoch = None  # counted from 1
        self.best_state = None
        self.waited = 0

    def update(self, model, epoch, loss) -> bool:
        if loss < self.best:  # a NaN loss never improves
            self.best, self.best_epoch, self.best_state = loss, epoch, model.state_dict()
            self.waited = 0
        else:
            self.waited += 1
        return self.waited >= self.patience

    def restore(self, model) -> None:
        if self.best_state is not None:
            model.load_state_dict(self.best_state)


def run_epoch(model, optimizer, plan, order) -> tuple[float, float | None, int]:
    """One pass over the training data in mini-batches: ``(mean loss, accuracy, steps)``.

    Each step runs inside ``ag.gc_paused()``: Python's cyclic garbage collector would
    otherwise walk the step's graph again and again while it grows, though the graph holds
    no cycles and is freed by reference counting anyway.
    """
    X, y, loss_fn, counter, size = plan.X, plan.y, plan.loss_fn, plan.counter, plan.batch_size
    n = len(X)
    params = model.parameters()
    if plan.shuffle and size < n:
        plan.rng.shuffle(order)
    total, right, counted, steps = 0.0, 0, 0, 0
    for start in range(0, n, size):
        batch = order[start : start + size]
        targets = [y[i] for i in batch]
        with ag.gc_paused():  # one step builds a large graph with no cycles in it
            predictions = [model(X[i]) for i in batch]
            data_loss = loss_fn(predictions, targets)
            objective = data_loss + plan.l2 * ag.dot(params, params) if plan.l2 else data_loss
            optimizer.zero_grad()
            objective.backward()
            optimizer.step()
        if plan.schedule is not None:
            plan.schedule.step()
        steps += 1
        total += data_loss.data * len(batch)
        if counter is not None:
            for p, t in zip(predictions, targets):
                r, c = counter(p, t)
                right += r
                counted += c
    return total / n, (right / counted if counter is not None else None), steps


def _progress_bar(epochs, enabled):
    """A tqdm bar (a widget in notebooks, text in a terminal), or None without tqdm."""
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=epochs, unit="epoch", desc="fit")


# --- the loop --------------------------------------------------------------------------------


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
    record=False,
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
    - ``record``: True keeps a recording of the run for ``history.replay(path)``.

    Every argument and every sample is checked first (``check_fit``): feature counts,
    labels the loss accepts, finite numbers, the validation set, an optimizer that holds some
    of the model's parameters. A loss or an accuracy function of your own is tried once on
    all the training and validation data, as training will call it, in evaluation mode and
    without a graph (only a call says which targets it accepts). Bad input raises before
    the first step, and the model is unchanged.
    """
    plan = check_fit(
        model,
        X,
        y,
        loss,
        optimizer,
        epochs,
        batch_size,
        validation,
        early_stopping,
        progress,
        schedule=schedule,
        l2=l2,
        shuffle=shuffle,
        seed=seed,
        accuracy=accuracy,
        record=record,
    )
    history = History()
    stopper = EarlyStopping(plan.patience) if plan.patience is not None else None
    if plan.record:
        from .replay import Recorder

        history.recording = Recorder(model, plan.X, plan.y, loss, counter=plan.counter)
    order = list(range(len(plan.X)))
    bar = _progress_bar(plan.epochs, plan.progress)
    started = time.perf_counter()
    try:
        with model.in_mode(True):
            for epoch in range(1, plan.epochs + 1):
                history.lr.append(optimizer.lr)
                loss_value, accuracy_value, steps = run_epoch(model, optimizer, plan, order)
                history.steps += steps
                history.loss.append(loss_value)
                if accuracy_value is not None:
                    history.accuracy.append(accuracy_value)
                measured = None  # the validation data's (loss, accuracy), when given
                if plan.validation is not None:
                    measured = evaluate(model, *plan.validation, plan.loss_fn, accuracy)
                    history.val_loss.append(measured[0])
                    if measured[1] is not None:
                        history.val_accuracy.append(measured[1])
                stop = stopper is not None and stopper.update(
                    model, epoch, _watched_loss(model, plan, history)
                )
                if history.recording is not None:
                    best = stopper is not None and stopper.best_epoch == epoch
                    history.recording.end_epoch(model, epoch, measured, best=best)
                if bar is not None:
                    bar.set_postfix(_short(history.last()), refresh=False)
                    bar.update(1)
                if stop:
                    history.stopped_early = True
                    break
    finally:
        if bar is not None:
            bar.close()
    if stopper is not None:
        history.best_epoch = stopper.best_epoch
        stopper.restore(model)
        if history.recording is not None:  # the replay opens where the model now is
            history.recording.best_epoch = stopper.best_epoch
    history.seconds = time.perf_counter() - started
    return history


def _watched_loss(model, plan, history) -> float:
    """What early stopping watches: the validation loss, else the training loss re-measured."""
    if plan.validation is not None:
        return history.val_loss[-1]
    return evaluate(model, plan.X, plan.y, plan.loss_fn, accuracy=None)[0]


def _short(figures):
    names = {"loss": "loss", "accuracy": "acc", "val_loss": "val_loss", "val_accuracy": "val_acc"}
    return {names[k]: f"{v:.4f}" for k, v in figures.items()}
