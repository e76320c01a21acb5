"""Training: ``fit`` runs the loop (forward, loss, backward, step) and returns a ``History``.

One epoch visits every sample once, in mini-batches. For each batch::

    predictions = [model(x) for x in batch]      # forward: builds the graph
    loss = loss_fn(predictions, targets)         # one Value: the mean over the batch
    optimizer.zero_grad(); loss.backward()       # gradients of every parameter
    optimizer.step()                             # move the parameters downhill

Before the first step, ``check_fit`` (``fit_checks.py``) checks every argument and sample;
``evaluation.py`` counts accuracy, and ``history.py`` keeps the figures.
"""

from __future__ import annotations

import math
import time

import autograd_lite as ag

from .evaluation import evaluate
from .fit_checks import check_fit
from .history import History

__all__ = ["EarlyStopping", "fit", "run_epoch"]

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
    """fit's progress bar (``progress.py``), or None when it is off or tqdm is missing."""
    if not enabled:
        return None
    try:
        from .progress import EpochBar
    except ImportError:
        return None
    return EpochBar(total=epochs, unit="epoch", desc="fit")


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
