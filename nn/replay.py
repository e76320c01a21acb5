"""A replay of training: one self-contained HTML page with a slider over the epochs.

``fit(..., record=True)`` keeps a ``Recorder``: at the end of every epoch it notes the
weights, the loss and accuracy of the model as it stands, the predictions on the training
data, and how large the gradients of each layer were in the epoch's last step.
``history.replay("run.html")`` writes the page. Move the slider (or press play) and see,
side by side,

- the decision boundary with the data, for a 2-D problem (computed in the page from that
  epoch's weights), predictions against targets for a regression, or for another
  classifier a square per true and predicted class, each sample a dot in its square,
- the loss and accuracy curves, with a marker at that epoch (and the validation data's,
  dashed, when ``fit`` was given validation data),
- the gradient flow: mean |grad| per layer at that epoch, on a log scale.

The page needs no network: the data, the weights and a small script are inside it.
"""

from __future__ import annotations

import json
import math
import operator
import re
from html import escape
from pathlib import Path

import autograd_lite as ag
from autograd_lite.files import check_writable, write_atomic

from .evaluation import accuracy_counter, accuracy_of
from .layers import MLP
from .losses import LOSSES, bce_with_logits, cross_entropy, hinge_loss
from .plots import CLASS_COLOURS, classes_of, gradient_flow
from .validate import number, numbers_of

__all__ = ["Recorder", "write_replay"]

#: The known losses in words, for the page's title ("Training replay: 20 epochs of
#: cross-entropy", not "..., cross_entropy").
LOSS_WORDS = {
    "mse": "mean squared error",
    "hinge": "hinge loss",
    "bce": "binary cross-entropy",
    "bce_with_logits": "binary cross-entropy",
    "cross_entropy": "cross-entropy",
}

MAX_KEPT = 400  # epochs a page shows at most: the page stays small and quick for any run

# Which accuracy a loss implies: how a prediction is read as a class.
_SIGN_LOSSES = {hinge_loss: "sign", bce_with_logits: "logit"}


def _class_names(task: str, labels: list) -> list[str] | None:
    """What the page calls the classes: -1 and +1 for a hinge loss's labels written so,
    else None, and the page numbers them 0, 1, ... (the class index, or BCE's 0/1)."""
    if task != "sign":
        return None
    rows = [label if isinstance(label, list) else [label] for label in labels]
    return ["-1", "+1"] if any(row and row[0] < 0 for row in rows) else None


def _round(x: float) -> float | None:
    """Six significant digits keep the page small; inf and NaN become null (JSON has none)."""
    x = float(x)
    return float(f"{x:.6g}") if math.isfinite(x) else None


def _figure(x: float) -> float | str:
    """A loss for the page: six significant digits, or "inf", "-inf" or "nan" as text (JSON
    has no such numbers, and a learner should see which one it was)."""
    x = float(x)
    return _round(x) if math.isfinite(x) else str(x)


def _layer_of(name: str) -> str:
    """The layer a parameter belongs to: ``layers.0.neurons.3.w.1`` -> ``layers.0``."""
    parts = name.split(".")
    if len(parts) >= 2 and parts[1].isdigit():
        return ".".join(parts[:2])
    return parts[0]


def _flow(model) -> dict[str, float]:
    """Mean |grad| per layer, as ``plots.gradient_flow`` and ``plot_gradient_flow`` give it
    (each layer's weights, biases left out), so that the page's bars and notebook 4's are the
    same figures; for a model without layers, each top-level part's parameters."""
    rows = gradient_flow(model)
    if rows:
        return {name: mean for name, mean, _ in rows}
    grads: dict[str, list[float]] = {}
    for name, p in model.named_parameters():
        grads.setdefault(_layer_of(name), []).append(abs(p.grad))
    return {k: sum(v) / len(v) for k, v in grads.items()}


def _as_values(prediction):
    """A prediction of plain floats as leaf Values (a list for several outputs)."""
    if isinstance(prediction, list):
        return [ag.Value(v) for v in prediction]
    return ag.Value(prediction)


class Recorder:
    """What ``fit(..., record=True)`` keeps of each epoch, for ``History.replay``."""

    def __init__(self, model, X, y, loss, counter="auto"):
        """``counter``: how ``fit`` counts right predictions, ``(prediction, target) ->
        (right, counted)``, or None for no accuracy; "auto" reads it off the loss."""
        self.X = [numbers_of(row) for row in X]
        self.targets = list(y)  # as fit gives them to the loss (a class index stays an int)
        self.y = [numbers_of(t) if isinstance(t, (list, tuple)) else float(t) for t in y]
        self.loss_fn = LOSSES[loss] if isinstance(loss, str) else loss
        self.loss_name = loss if isinstance(loss, str) else getattr(loss, "__name__", "loss")
        if self.loss_fn is cross_entropy:
            self.task = "argmax"
        else:
            self.task = _SIGN_LOSSES.get(self.loss_fn, "regression")
        self.layers = _mlp_layers(model)  # None: the page shows predictions, no boundary
        self.counter = accuracy_counter(counter, self.loss_fn) if counter == "auto" else counter
        self.epochs: list[dict] = []  # one per epoch, or every stride-th one in a long run
        self.stride = 1
        self.latest: dict | None = None  # the last epoch, shown even when off the stride
        self.best: dict | None = None  # early stopping's best epoch so far, shown too
        self.best_epoch: int | None = None  # set by fit when early stopping restored it

    def end_epoch(self, model, epoch: int, validation=None, best=False) -> None:
        """Note the model as it stands after ``epoch`` (numbered from 1). ``validation`` is
        the epoch's ``(loss, accuracy)`` on the validation data, as ``fit`` measured them
        for the History (accuracy None when there is none), or None without validation.
        ``best``: early stopping's best epoch so far, whose weights ``fit`` may give back."""
        weights = None if self.layers is None else _mlp_weights(model)
        if weights is not None:  # plain floats: the same arithmetic, without making nodes
            predictions = [_mlp_forward(self.layers, weights, x) for x in self.X]
            # as Values (leaves), what the loss and the accuracy get in training: a function
            # of your own may read p.data or call p.relu()
            predictions = [_as_values(p[0] if len(p) == 1 else p) for p in predictions]
        else:
            with model.evaluating(), ag.no_grad():
                predictions = [model(x) for x in self.X]
        with ag.no_grad():
            loss = number(self.loss_fn(predictions, self.targets))
        flow = _flow(model)
        entry = {
                "epoch": int(epoch),
                "loss": _figure(loss),
                "accuracy": accuracy_of(self.counter, predictions, self.targets),
                "predictions": [[_round(v) for v in numbers_of(p)] for p in predictions],
                "weights": None if weights is None else _rounded(weights),
                "flow": {k: _round(v) for k, v in flow.items()},
                "val_loss": None if validation is None else _figure(validation[0]),
                "val_accuracy": None if validation is None or validation[1] is None
                                else float(validation[1]),
        }  # fmt: skip
        self.latest = entry
        if best:
            self.best = entry
        if (epoch - 1) % self.stride == 0:
            self.epochs.append(entry)
            if len(self.epochs) > MAX_KEPT:  # a long run: keep every other one, evenly spaced
                self.epochs = self.epochs[::2]
                self.stride *= 2

    def as_data(self) -> dict:
        """Everything the page needs, as JSON-ready data."""
        two_d = len(self.X[0]) == 2 if self.X else False
        # each target's class, for the points' colours, read as the decision-boundary plot
        # reads it (a regression has none)
        classes = None if self.task == "regression" else classes_of(self.y, self.task != "argmax")
        return {
            "task": self.task,
            "loss_name": self.loss_name,
            "X": [[_round(v) for v in row] for row in self.X],
            "y": self.y,
            "classes": classes,
            "class_names": _class_names(self.task, self.y),
            "layers": self.layers,
            "boundary": two_d and self.layers is not None and self.task != "regression",
            "epochs": self.kept(),
            "best_epoch": self.best_epoch,
            # (a figure on validation data is a number or "nan", never None)
            "validation": any(e.get("val_loss") is not None for e in self.kept()),
            "palette": [_rgb(colour) for colour in CLASS_COLOURS],  # the plots' own
        }

    def kept(self) -> list[dict]:
        """The epochs the page shows: every one, or at most about MAX_KEPT evenly spaced
        (always the first, the last and early stopping's best)."""
        shown = list(self.epochs)
        for entry in (self.best, self.latest):  # (each may fall between the kept ones)
            if entry is not None and not any(entry is e for e in shown):
                shown.append(entry)
        return sorted(shown, key=lambda e: e["epoch"])


def _rgb(colour: str) -> list[int]:
    """``"#2166ac"`` -> ``[33, 102, 172]``."""
    return [int(colour[i : i + 2], 16) for i in (1, 3, 5)]


def _mlp_layers(model):
    """[{"activation": name, "sizes": [nin, nout]}] per layer, or None for other models."""
    if not isinstance(model, MLP):
        return None
    return [
        {"activation": layer.activation, "nin": layer.nin, "nout": layer.nout}
        for layer in model.layers
    ]


def _mlp_weights(model) -> list:
    """Per layer: [[w_1 .. w_n, b] per neuron], as floats."""
    return [
        [[w.data for w in neuron.w] + [neuron.b.data] for neuron in layer.neurons]
        for layer in model.layers
    ]


def _rounded(weights) -> list:
    return [[[_round(v) for v in row] for row in layer] for layer in weights]


def _mlp_forward(layers, weights, x) -> list[float]:
    """An MLP's output in evaluation mode, on floats (the page's script does the same)."""
    a = [float(v) for v in x]
    for layer, rows in zip(layers, weights):
        activation = layer["activation"]
        function = None if activation == "linear" else getattr(ag, activation)
        z = [sum(map(operator.mul, row, a)) + row[-1] for row in rows]
        a = z if function is None else [function(v) for v in z]
    return a


def _page_template() -> str:
    """The page: replay.html beside this file (HTML, CSS and the script that draws)."""
    return (Path(__file__).with_name("replay.html")).read_text(encoding="utf-8")


def write_replay(recorder: Recorder, path) -> Path:
    """Write the replay page to ``path`` (atomically) and return the path."""
    if not isinstance(recorder, Recorder):
        raise TypeError(f"write_replay: recorder must be a Recorder, got {type(recorder).__name__}")
    if not recorder.epochs:
        raise ValueError("write_replay: nothing was recorded (the run had no epochs)")
    path = check_writable(path)  # (a path that is not one, or cannot be written, is said now)
    data = json.dumps(recorder.as_data(), separators=(",", ":"), allow_nan=False)
    data = re.sub(r"</", r"<\\/", data)  # never end the script element early
    epochs = recorder.latest["epoch"]
    loss = LOSS_WORDS.get(recorder.loss_name, recorder.loss_name)
    title = f"Training replay: {epochs} epoch{'' if epochs == 1 else 's'} of {loss}"
    page = _page_template().replace("__TITLE__", escape(title)).replace("__DATA__", data)
    return write_atomic(path, page)
