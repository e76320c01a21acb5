"""Pictures of a network at work: decision boundaries, training curves, gradient flow.

matplotlib is imported inside each plotting function, so ``import nn`` never needs it.
Each function draws on ``ax`` when given (else on a new figure) and returns the Figure.
"""

from __future__ import annotations

import math

import autograd_lite as ag
from autograd_lite.extras import needs

from .layers import Layer
from .module import Module
from .validate import is_one_number, number, numbers_of, positive_int, rate


def _axes(ax, **figure_options):
    try:
        import matplotlib.pyplot as plt
    except ModuleNotFoundError as error:
        raise needs(error, "nn.plots (and History.plot)") from None

    if ax is None:
        figure, ax = plt.subplots(**figure_options)
        return figure, ax
    return ax.figure, ax


# --- gradient flow ---------------------------------------------------------------------------


def gradient_flow(model) -> list[tuple[str, float, float]]:
    """``(layer name, mean |grad|, max |grad|)`` of each layer's weights (biases left out).

    Call it after ``backward()``. Means that shrink layer by layer towards the input are
    vanishing gradients; means that grow are exploding ones. A NaN gradient makes both
    figures of its layer NaN.
    """
    if isinstance(model, Layer):
        layers = [("layer", model)]
    elif not isinstance(model, Module):
        raise TypeError(f"model must be an nn Module (an MLP, say), got {type(model).__name__}")
    else:
        layers = [(name, m) for name, m in model.named_modules() if isinstance(m, Layer)]
    rows = []
    for name, layer in layers:
        sizes = [abs(w.grad) for n in layer.neurons for w in n.w]
        total = sum(sizes)
        if math.isfinite(total):
            mean = total / len(sizes)
        else:  # too big to add up (1e308s), or a NaN or an inf among them
            mean = sum(size / len(sizes) for size in sizes)
        rows.append((name, mean, math.nan if math.isnan(mean) else max(sizes)))
    return rows


#: Said in the plot when no weight has a gradient: there is nothing to compare.
NO_GRADIENTS = "Every weight's gradient is 0:\nrun loss.backward() first"
#: The figures drawn as bars; outside, a word. (matplotlib's margin around a bar near 1e308
#: overflows; a gradient of 1e-250 or 1e250 has vanished or exploded anyway.)
DRAWN = (1e-250, 1e250)


def _drawn(x: float) -> bool:
    return DRAWN[0] <= x <= DRAWN[1]


def _word(x: float) -> str:
    """A figure that has no bar, as a word: 0, inf, nan, 5e-324, 1e+280."""
    return "0" if x == 0.0 else f"{x:.0e}" if math.isfinite(x) else str(x)


def plot_gradient_flow(model, ax=None):
    """Bars of mean and max |grad| per layer, on a log scale (input layer on the left).

    A log axis cannot show 0, inf or NaN: the axis starts at a power of ten at least half a
    decade below the smallest figure, and a layer whose mean is 0 (a dead layer), inf, NaN,
    or beyond ``DRAWN`` has no bar but that figure as a word. When every gradient is 0
    (before ``backward()``, or after ``zero_grad()``) the plot says so instead. The axis is
    matplotlib's own, fitted to everything on it: other plots on the same axes, or on axes
    that share it (``sharey``).
    """
    rows = gradient_flow(model)
    if not rows:
        raise ValueError(
            "plot_gradient_flow: the model has no Layer, and the plot has a bar per Layer; "
            "for a single Neuron, look at its .grad values (or gradient_flow(Layer(...)))"
        )
    figure, ax = _axes(ax, figsize=(6, 3.5))
    positions = list(range(len(rows)))
    ax.set_xticks(positions, [r[0] for r in rows], rotation=30)
    ax.set_ylabel("|gradient| of the weights")
    ax.set_title("Gradient flow per layer")
    alone = len(ax.get_shared_y_axes().get_siblings(ax)) == 1  # (its ticks are its own)
    if all(mean == 0.0 for _, mean, _ in rows):
        if alone:  # no scale to show (tick_params: set_yticks would empty a shared axis's)
            ax.tick_params(axis="y", which="both", left=False, labelleft=False)
        if len(ax.get_shared_x_axes().get_siblings(ax)) == 1:  # (no bars to place the layers)
            ax.set_xlim(-0.5, len(rows) - 0.5)
        ax.text(0.5, 0.5, NO_GRADIENTS, transform=ax.transAxes, ha="center", va="center")
        figure.tight_layout()
        return figure
    if alone:  # (ticks hidden by an earlier call on these axes, which ax.clear() keeps)
        ax.tick_params(axis="y", which="both", left=True, labelleft=True)
    drawable = [x for _, mean, biggest in rows for x in (mean, biggest) if _drawn(x)]
    floor = 10.0 ** math.floor(math.log10(min(drawable, default=1.0)) - 0.5)

    def heights(figures):  # no bar where there is no number to draw
        return [x if _drawn(x) else math.nan for x in figures]

    ax.bar(positions, heights(r[2] for r in rows), color="#9ecae1", label="max |grad|")
    ax.bar(positions, heights(r[1] for r in rows), color="#08519c", label="mean |grad|")
    ax.set_yscale("log")
    from .log_ticks import FiniteLogLocator

    ax.yaxis.set_major_locator(FiniteLogLocator())  # (no tick past 1e308: see there)
    # The axis is fitted to the data: with a point at the floor under every layer it reaches
    # down there and across every layer, with bars or not (and with other plots sharing it)
    ax.update_datalim([(i, floor) for i in positions])
    ax.autoscale_view()
    from matplotlib.transforms import blended_transform_factory

    at_the_bottom = blended_transform_factory(ax.transData, ax.transAxes)
    for i, (_, mean, _) in enumerate(rows):
        if not _drawn(mean):  # a dead layer (0), an exploded one (inf), NaN, ...
            ax.text(i, 0.01, _word(mean), ha="center", va="bottom", transform=at_the_bottom)
    ax.legend()
    figure.tight_layout()
    return figure


# --- training curves -----------------------------------------------------------------------


def plot_history(history, ax=None):
    """Loss per epoch (training and validation) and, on a second axis, accuracy."""
    figure, ax = _axes(ax, figsize=(7.5, 3.5))  # (wide enough for the legend beside it)
    epochs = range(1, history.epochs + 1)
    ax.plot(epochs, history.loss, color="C0", label="loss")
    if history.val_loss:
        ax.plot(
            epochs[: len(history.val_loss)], history.val_loss, "--", color="C0", label="val loss"
        )
    if history.best_epoch is not None:
        ax.axvline(history.best_epoch, color="grey", linestyle=":", label="best epoch")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    handles, labels = ax.get_legend_handles_labels()
    if history.accuracy or history.val_accuracy:
        right = ax.twinx()
        if history.accuracy:
            right.plot(epochs, history.accuracy, color="C1", label="accuracy")
        if history.val_accuracy:
            right.plot(epochs, history.val_accuracy, "--", color="C1", label="val accuracy")
        right.set_ylabel("accuracy")
        right.set_ylim(0.0, 1.05)
        more_handles, more_labels = right.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
    # beside the plot (past the accuracy axis, when there is one): never over a curve
    beside = 1.15 if len(figure.axes) > 1 else 1.02
    ax.legend(handles, labels, loc="center left", bbox_to_anchor=(beside, 0.5))
    # (what the figures are: the replay page measures training figures at each epoch's end)
    when = "; validation: at its end" if history.val_loss else ""
    ax.set_title(f"Training: the mean of each epoch's steps{when}", fontsize=10)
    figure.tight_layout()
    return figure


# --- decision boundary -------------------------------------------------------------------------

#: One colour per class (class k: ``CLASS_COLOURS[k % 10]``), in every picture of classes:
#: this plot, its background (paler), and the training replay's page.
CLASS_COLOURS = (
    "#2166ac", "#d6604d", "#5aae61", "#9970ab", "#bf812d",
    "#35978f", "#de77ae", "#7f7f7f", "#e6ab02", "#1b1b1b",
)  # fmt: skip


def class_colour(k: int) -> str:
    """The colour of class ``k``."""
    return CLASS_COLOURS[k % len(CLASS_COLOURS)]


def classes_of(labels, one_output: bool) -> list[int]:
    """The class of each label, for colouring the points (here and in the replay page).

    Several outputs: the label is the class index. One output: 1 for the positive side,
    which is above 0.5 when every label is in [0, 1] (BCE's 0/1, or probabilities, as fit's
    accuracy reads them) and above 0 otherwise (the hinge loss's -1/+1). A label written
    as a row (``[1.0]``, or one per output) is read by its first number, as the pictures
    read a score.
    """
    labels = [_first_number(label, i) for i, label in enumerate(labels)]
    if not one_output:
        return [int(label) for label in labels]
    threshold = 0.5 if all(0.0 <= label <= 1.0 for label in labels) else 0.0
    return [int(label > threshold) for label in labels]


def _first_number(label, i) -> float:
    """A label as a number: itself, the first of a row, or a bool's 1.0 / 0.0."""
    if is_one_number(label):
        return number(label)
    if isinstance(label, (str, bytes)) or not hasattr(label, "__iter__"):
        return float(label)  # (True, or NumPy's bool: class 1; text says what it is)
    row = numbers_of(label)
    if not row:
        raise ValueError(f"y[{i}] is empty: give each point its label")
    return row[0]


def decision_grid(model, X, resolution=60, padding=0.5):
    """``(xs, ys, grid)``: the model's class at each point of a grid around the data.

    One output: class 1 where the score is > 0 (logits and hinge scores), else 0.
    Several outputs: the index of the largest one.
    """
    return _grid(model, X, resolution, padding, _decide)


def _grid(model, X, resolution, padding, read):
    """``read(model(point))`` on a grid around the data, in eval mode and without a graph."""
    resolution = positive_int(resolution, "resolution")
    if resolution < 2:
        raise ValueError(f"resolution must be 2 or more (points per side), got {resolution}")
    padding = rate(padding, "padding")
    x0 = [p[0] for p in X]
    x1 = [p[1] for p in X]
    lo0, hi0 = min(x0) - padding, max(x0) + padding
    lo1, hi1 = min(x1) - padding, max(x1) + padding
    xs = [lo0 + (hi0 - lo0) * i / (resolution - 1) for i in range(resolution)]
    ys = [lo1 + (hi1 - lo1) * j / (resolution - 1) for j in range(resolution)]
    with model.evaluating(), ag.no_grad():
        grid = [[read(model([a, b])) for a in xs] for b in ys]
    return xs, ys, grid


def _decide(output):
    if is_one_number(output):
        return 1 if number(output) > 0.0 else 0
    values = numbers_of(output)
    return max(range(len(values)), key=values.__getitem__)


def plot_decision_boundary(model, X, y, ax=None, resolution=60, padding=0.5):
    """The regions a 2-D classifier assigns to each class, with the data on top.

    The model runs in eval mode (no dropout) for the whole picture, including the first
    call that counts its outputs, so plotting takes no draws from the dropout generators:
    later training gives exactly what it would have without the plot. The mode is put
    back afterwards, even on an error.
    """
    with model.evaluating():
        return _draw_decision_boundary(model, X, y, ax, resolution, padding)


def _draw_decision_boundary(model, X, y, ax, resolution, padding):
    figure, ax = _axes(ax, figsize=(5, 4.5))
    with ag.no_grad():
        one_output = is_one_number(model(list(X[0])))
    labels = classes_of(y, one_output)
    if one_output:  # contour the score itself: the boundary is where it crosses 0
        xs, ys, scores = _grid(model, X, resolution, padding, float)
        low = min(min(row) for row in scores)
        high = max(max(row) for row in scores)
        levels = [min(low, -1e-9), 0.0, max(high, 1e-9)]
        # one colour per side, its class's: the shade says only which class, the same in
        # every picture (not how far the scores reach)
        ax.contourf(xs, ys, scores, levels=levels, colors=[class_colour(0), class_colour(1)],
                    alpha=0.35)  # fmt: skip
        ax.contour(xs, ys, scores, levels=[0.0], colors="k", linewidths=1)
    else:
        xs, ys, grid = decision_grid(model, X, resolution, padding)
        classes = sorted(set(labels) | {c for row in grid for c in row})
        levels = [c - 0.5 for c in classes] + [classes[-1] + 0.5]
        ax.contourf(xs, ys, grid, levels=levels, colors=[class_colour(c) for c in classes],
                    alpha=0.35)  # fmt: skip
    ax.scatter(
        [p[0] for p in X],
        [p[1] for p in X],
        c=[class_colour(k) for k in labels],
        s=18,
        edgecolors="k",
    )
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    ax.set_title("Decision boundary")
    figure.tight_layout()
    return figure
