"""Plots: the numbers behind the gradient-flow picture, and that each figure is drawn."""

import itertools
import json
import math
import re

import pytest

from nn import MLP, SGD, fit
from nn.data import make_moons, make_spirals
from nn.plots import decision_grid, gradient_flow

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_gradient_flow_is_mean_and_max_abs_grad_of_each_layers_weights():
    model = MLP(2, [3, 2, 1], seed=0)
    model([0.5, -1.0]).backward()
    rows = gradient_flow(model)
    assert [r[0] for r in rows] == ["layers.0", "layers.1", "layers.2"]
    for (_, mean, biggest), layer in zip(rows, model.layers):
        grads = [abs(w.grad) for n in layer.neurons for w in n.w]
        assert mean == pytest.approx(sum(grads) / len(grads), rel=1e-15)
        assert biggest == max(grads)
    model.layers[0].neurons[0].b.grad = 1e9  # biases are left out
    assert gradient_flow(model) == rows


def test_plot_gradient_flow_draws_two_bars_per_layer():
    model = MLP(2, [4, 4, 1], seed=0)
    model([0.5, -1.0]).backward()
    from nn.plots import plot_gradient_flow

    figure = plot_gradient_flow(model)
    ax = figure.axes[0]
    assert len(ax.patches) == 6 and ax.get_yscale() == "log"


def test_plot_gradient_flow_before_backward_says_so_instead_of_drawing_equal_bars():
    from nn.plots import NO_GRADIENTS, plot_gradient_flow

    model = MLP(2, [4, 4, 1], seed=0)
    ax = plot_gradient_flow(model).axes[0]  # no backward yet: every .grad is 0
    assert not ax.patches and [t.get_text() for t in ax.texts] == [NO_GRADIENTS]
    model([0.5, -1.0]).backward()
    for w in model.layers[1].parameters():
        w.grad = 0.0  # a dead layer: no bar, a "0", and the axis fits the others
    ax = plot_gradient_flow(model).axes[0]
    smallest = min(size for _, mean, biggest in gradient_flow(model) for size in (mean, biggest)
                   if size)  # fmt: skip
    bottom = ax.get_ylim()[0]
    assert bottom <= smallest / 10**0.5 and bottom > smallest / 100  # a decade or so below
    assert [(t.get_text(), t.get_position()[0]) for t in ax.texts] == [("0", 1)]
    assert all(math.isnan(p.get_height()) for p in ax.patches[1::3])  # layers.1: no bars


def test_plot_gradient_flow_names_what_it_cannot_draw_and_never_raises_on_it():
    """An exploded layer (inf) made set_ylim raise; NaN gradients were said to be "0: run
    loss.backward() first"; a NaN among a layer's gradients could hide in its max."""
    from nn.plots import NO_GRADIENTS, plot_gradient_flow

    model = MLP(2, [4, 4, 4, 1], seed=0)
    model([0.5, -1.0]).backward()
    for w in model.layers[1].parameters():
        w.grad = 0.0
    model.layers[0].neurons[0].w[1].grad = math.nan  # (not the first: max() would skip it)
    model.layers[2].neurons[0].w[0].grad = math.inf
    rows = gradient_flow(model)
    assert math.isnan(rows[0][1]) and math.isnan(rows[0][2]) and rows[2][1:] == (math.inf,) * 2
    ax = plot_gradient_flow(model).axes[0]
    assert [(t.get_text(), t.get_position()[0]) for t in ax.texts] == [
        ("nan", 0), ("0", 1), ("inf", 2),
    ]  # fmt: skip
    assert ax.get_xlim()[0] < 0 < 3 < ax.get_xlim()[1]  # every layer in view, bar or not
    for w in model.parameters():
        w.grad = math.nan
    ax = plot_gradient_flow(model).axes[0]
    assert NO_GRADIENTS not in [t.get_text() for t in ax.texts]


@pytest.mark.parametrize(
    ("grads", "words"),
    [
        ((1e-3, 1e280), ["1e+280"]),  # matplotlib overflowed on its margin: OverflowError
        ((1e308, 1e308), ["1e+308", "1e+308"]),  # their sum overflowed: the mean was inf
        ((5e-324, 5e-324), ["5e-324", "5e-324"]),  # not "every gradient is 0"
        ((5e-324, 1e-2), ["5e-324"]),  # the floor underflowed to 0
        ((1e-3, 1e250), []),  # the ends of DRAWN are drawn as bars
        ((1e-250, 1e-3), []),
    ],
)
def test_plot_gradient_flow_names_the_figures_too_far_out_for_a_bar(grads, words):
    from nn.plots import plot_gradient_flow

    model = MLP(2, [3, 1], seed=0)
    for layer, grad in zip(model.layers, grads):
        for p in layer.parameters():
            p.grad = grad
    figure = plot_gradient_flow(model)
    figure.canvas.draw()  # (where matplotlib overflowed)
    assert [t.get_text() for t in figure.axes[0].texts] == words


@pytest.mark.parametrize(
    ("grads", "size"),
    [
        ((1e-100, 1e250), (6, 3.5)),  # (the plot's own size)
        ((1e-250, 1e220), (6, 3.5)),
        ((1e-100, 1e100), (2, 1)),  # a small subplot: fewer ticks, a longer stride
        ((1e-3, 1e250), (3, 2)),
        ((1e-250, 1e250), (6, 3.5)),  # both ends of DRAWN at once
    ],
)
@pytest.mark.filterwarnings("ignore:Tight layout not applied")  # (2 by 1 inches is cramped)
def test_plot_gradient_flow_draws_any_span_of_figures_on_axes_of_any_size(grads, size):
    # matplotlib's log ticks reach a stride past the top of the axis: over hundreds of
    # decades that tick was inf, and labelling it raised OverflowError
    from nn.plots import plot_gradient_flow

    model = MLP(2, [3, 1], seed=0)
    for layer, grad in zip(model.layers, grads):
        for p in layer.parameters():
            p.grad = grad
    _, ax = plt.subplots(figsize=size)
    figure = plot_gradient_flow(model, ax=ax)
    figure.canvas.draw()
    assert [t.get_text() for t in ax.texts] == []  # both figures drawn as bars
    ticks = ax.get_yticks()
    assert len(ticks) >= 2 and all(0 < t < math.inf for t in ticks)


def test_plot_gradient_flow_starts_its_axis_at_least_half_a_decade_below_the_smallest_bar():
    from nn.plots import plot_gradient_flow

    model = MLP(2, [3, 1], seed=0)
    for layer, grad in zip(model.layers, (1.5e-3, 2e-2)):  # (a power of ten just below 1.5e-3)
        for p in layer.parameters():
            p.grad = grad
    bottom = plot_gradient_flow(model).axes[0].get_ylim()[0]
    assert 1.5e-3 / 100 < bottom <= 1.5e-3 / 10**0.5


def test_plot_gradient_flow_shows_its_scale_again_after_a_plot_without_one():
    from nn.plots import plot_gradient_flow

    _, ax = plt.subplots()
    plot_gradient_flow(MLP(2, [4, 1], seed=0), ax=ax)  # no backward: a message, no scale
    ax.clear()  # (the notebook's redraw: it keeps the ticks hidden)
    model = MLP(2, [4, 1], seed=0)
    model([0.5, -1.0]).backward()
    plot_gradient_flow(model, ax=ax)
    ax.figure.canvas.draw()
    assert any(label.get_visible() and label.get_text() for label in ax.get_yticklabels())


def test_plot_gradient_flow_of_a_model_without_layers_says_so():
    from nn import Neuron
    from nn.plots import plot_gradient_flow

    with pytest.raises(ValueError, match="the model has no Layer"):
        plot_gradient_flow(Neuron(2, seed=0))


def test_plot_gradient_flow_keeps_what_the_axes_already_show():
    from nn.plots import plot_gradient_flow

    model = MLP(2, [4, 4, 1], seed=0)
    model([0.5, -1.0]).backward()
    _, ax = plt.subplots()
    ax.set_yscale("log")
    ax.bar([0, 1, 2], [1e3] * 3)  # something of the user's, far above the gradients
    plot_gradient_flow(model, ax=ax)
    assert ax.get_ylim()[1] > 1e3
    _, (left, right) = plt.subplots(1, 2, sharey=True)
    plot_gradient_flow(model, ax=left)
    plot_gradient_flow(MLP(2, [4, 1], seed=0), ax=right)  # no backward: the message
    assert len(left.get_yticks()) > 0  # the message's panel hid only its own ticks


def test_plot_gradient_flow_on_a_shared_axis_spans_every_plot():
    """Notebook 4 draws nets side by side on one y axis: a sigmoid net (gradients down to
    1e-7), and ReLU nets with weights too small (up to 3e-3) and too large (up to 7e2). A
    later plot must neither raise the axis's bottom above an earlier one's bars nor keep
    the top below its own."""
    from nn.plots import plot_gradient_flow

    def backward_of(activation, scale):
        model = MLP(2, [12] * 9 + [1], activation=activation, seed=0)
        for p in model.parameters():
            p.data *= scale
        model([0.5, -1.0]).backward()
        return model

    models = [backward_of("sigmoid", 1.0), backward_of("relu", 0.5), backward_of("relu", 2.0)]
    sizes = [size for model in models for _, mean, biggest in gradient_flow(model)
             for size in (mean, biggest)]  # fmt: skip
    for order in itertools.permutations(models):
        _, axes = plt.subplots(1, 3, sharey=True)
        for ax, model in zip(axes, order):
            plot_gradient_flow(model, ax=ax)
        low, high = axes[0].get_ylim()
        assert low < min(sizes) / 3 and high > max(sizes)
        plt.close("all")


def test_history_plot_draws_loss_and_accuracy_curves():
    X, y = make_moons(30, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)
    history = fit(
        model, X, y, "bce", SGD(model.parameters(), lr=0.1), 3, validation=(X, y), progress=False
    )
    figure = history.plot()
    loss_axis, accuracy_axis = figure.axes
    assert [line.get_label() for line in loss_axis.lines] == ["loss", "val loss"]
    assert [line.get_label() for line in accuracy_axis.lines] == ["accuracy", "val accuracy"]
    assert list(loss_axis.lines[0].get_ydata()) == history.loss
    assert loss_axis.get_title().endswith("; validation: at its end")  # (said when there is one)
    alone = fit(model, X, y, "bce", SGD(model.parameters(), lr=0.1), 1, progress=False)
    assert "validation" not in alone.plot().axes[0].get_title()


def test_decision_grid_and_boundary():
    model = MLP(2, [1], seed=0)
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 1.0, 0.0, 0.0  # class 1 where x0 > 0
    xs, ys, grid = decision_grid(model, [[-1.0, -1.0], [1.0, 1.0]], resolution=5, padding=0.0)
    assert xs == [-1.0, -0.5, 0.0, 0.5, 1.0] and ys == xs
    assert all(row == [0, 0, 0, 1, 1] for row in grid)
    from nn.plots import plot_decision_boundary

    X, y = make_spirals(30, classes=3, seed=0)
    figure = plot_decision_boundary(MLP(2, [8, 3], seed=0), X, y, resolution=10)
    ax = figure.axes[0]
    assert ax.collections  # the filled regions and the points


def _outputs_after_training_steps(model):
    """Outputs in training mode (dropout on), which consume the dropout generators' draws."""
    outputs = [model([0.3 * i, -0.2 * i]) for i in range(5)]
    return [[v.data for v in out] if isinstance(out, list) else out.data for out in outputs]


@pytest.mark.parametrize("nouts", [[8, 8, 1], [8, 8, 3]])
def test_drawing_a_boundary_leaves_the_mode_and_the_dropout_draws_alone(nouts):
    from nn.plots import plot_decision_boundary

    X, y = make_spirals(20, classes=max(nouts[-1], 2), seed=0)
    untouched = MLP(2, nouts, dropout=0.5, seed=0)
    drawn = MLP(2, nouts, dropout=0.5, seed=0)
    plot_decision_boundary(drawn, X, y, resolution=5)
    assert drawn.training
    expected = _outputs_after_training_steps(untouched)
    assert _outputs_after_training_steps(drawn) == expected


def test_drawing_a_boundary_restores_the_mode_after_an_error():
    from nn.plots import plot_decision_boundary

    model = MLP(2, [4, 1], dropout=0.5, seed=0)
    with pytest.raises(ValueError):
        plot_decision_boundary(model, [[0.0, 0.0, 0.0]], [1])  # 3 inputs for a 2-input model
    assert model.training


def test_gradient_flow_shows_sigmoid_gradients_vanishing_towards_the_input():
    deep = MLP(2, [8] * 6 + [1], activation="sigmoid", seed=0)
    deep([0.5, -1.0]).backward()
    means = [mean for _, mean, _ in gradient_flow(deep)]
    assert means[0] < means[-2] / 100  # sigmoid' <= 1/4 per layer: the signal fades


def test_the_boundary_of_one_output_is_where_the_score_crosses_zero():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib.contour import ContourSet

    from nn import Neuron
    from nn.plots import plot_decision_boundary

    neuron = Neuron(2, activation="linear", seed=0)
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 1.0, 0.0, -0.25  # score = x0 - 0.25
    X, y = [[-1.0, -1.0], [1.0, 1.0], [-0.5, 0.5], [0.5, -0.5]], [0, 1, 0, 1]
    figure = plot_decision_boundary(neuron, X, y, resolution=21)
    lines = [c for c in figure.axes[0].collections if isinstance(c, ContourSet) and not c.filled]
    points = [p for path in lines[0].get_paths() for p in path.vertices]
    assert points and all(abs(x - 0.25) < 1e-9 for x, _ in points)


def test_the_best_epoch_line_sits_at_history_best_epoch():
    from nn import History

    history = History()
    history.loss = [3.0, 1.0, 2.0, 2.5]
    history.best_epoch, history.stopped_early = 2, True  # counted from 1, as the x axis is
    ax = history.plot().axes[0]
    (line,) = [line for line in ax.get_lines() if line.get_label() == "best epoch"]
    assert list(line.get_xdata()) == [2, 2]
    assert list(ax.get_lines()[0].get_xdata()) == [1, 2, 3, 4]
    assert "best: epoch 2)" in repr(history)


def test_decision_grid_checks_its_arguments():
    model = MLP(2, [2, 1], seed=0)
    X = [[0.0, 0.0], [1.0, 1.0]]
    with pytest.raises(TypeError, match=r"^resolution must be a positive int"):
        decision_grid(model, X, resolution=10.0)
    with pytest.raises(ValueError, match=r"^resolution must be 2 or more"):
        decision_grid(model, X, resolution=1)
    with pytest.raises(ValueError, match=r"^padding must be a finite number >= 0"):
        decision_grid(model, X, padding=-1)


def test_gradient_flow_needs_a_module():
    with pytest.raises(TypeError, match=r"^model must be an nn Module"):
        gradient_flow([1, 2])


def test_the_two_sides_of_a_boundary_have_the_same_colours_whatever_the_scores_reach():
    from matplotlib.contour import ContourSet

    from nn import Neuron
    from nn.plots import plot_decision_boundary

    X, y = [[-1.0, -1.0], [1.0, 1.0], [-0.5, 0.5], [0.5, -0.5]], [0, 1, 0, 1]

    def side_colours(bias):  # score = x0 + bias: the red side reaches further as bias grows
        neuron = Neuron(2, activation="linear", seed=0)
        neuron.w[0].data, neuron.w[1].data, neuron.b.data = 1.0, 0.0, bias
        axis = plot_decision_boundary(neuron, X, y, resolution=11).axes[0]
        filled = [c for c in axis.collections if isinstance(c, ContourSet) and c.filled]
        return filled[0].get_facecolor().tolist()

    assert side_colours(0.1) == side_colours(0.9)


def test_each_class_has_one_colour_in_the_plot_and_in_the_replay(tmp_path):
    """The spirals' three classes were red, white and blue in the plot (a diverging colour
    map: the middle class white on grey) and blue, red and green in the replay."""
    from matplotlib.colors import to_hex
    from matplotlib.contour import ContourSet

    from nn.plots import CLASS_COLOURS, class_colour, plot_decision_boundary
    from nn.replay import _rgb

    X, y = make_spirals(30, classes=3, seed=0)
    model = MLP(2, [8, 3], seed=0)
    history = fit(model, X, y, "cross_entropy", SGD(model.parameters(), lr=0.1), 2,
                  record=True, progress=False)  # fmt: skip
    axis = plot_decision_boundary(model, X, y, resolution=11).axes[0]
    (regions,) = [c for c in axis.collections if isinstance(c, ContourSet) and c.filled]
    assert [to_hex(c) for c in regions.get_facecolor()] == list(CLASS_COLOURS[:3])
    dots = axis.collections[-1].get_facecolor()
    assert [to_hex(c) for c in dots] == [class_colour(k) for k in y]
    text = history.replay(tmp_path / "run.html").read_text()
    palette = json.loads(re.search(r'"palette":(\[\[.*?\]\])', text).group(1))
    assert palette == [_rgb(c) for c in CLASS_COLOURS] and palette[0] == [33, 102, 172]


def test_ten_classes_have_ten_colours_and_a_single_negative_label_is_class_0():
    from matplotlib.colors import to_hex

    from nn import Neuron
    from nn.plots import CLASS_COLOURS, plot_decision_boundary

    assert len(set(CLASS_COLOURS)) == 10  # (class 5 had class 0's colour)
    X, y = [[-1.0, 0.0], [-0.5, 0.5]], [-1, -1]  # one output, every point on the - side
    axis = plot_decision_boundary(Neuron(2, activation="linear", seed=0), X, y).axes[0]
    dots = axis.collections[-1].get_facecolor()
    assert [to_hex(c) for c in dots] == [CLASS_COLOURS[0]] * 2  # (was the last colour)


def test_a_soft_label_has_the_class_bces_accuracy_gives_it_in_the_plot_and_the_replay(tmp_path):
    """BCE's 0.3 is class 0 (fit's accuracy reads a target above 0.5 as positive): the plot
    coloured it by its sign (class 1) and the replay by > 0.5 (class 0). Hinge's -1/+1 and
    class indices read as before."""
    from matplotlib.colors import to_hex

    from nn import Neuron
    from nn.plots import class_colour, classes_of, plot_decision_boundary

    assert classes_of([0.3, 0.7, 0.0, 1.0], one_output=True) == [0, 1, 0, 1]
    assert classes_of([-1, 1, 1], one_output=True) == [0, 1, 1]
    assert classes_of([2, 0, 1], one_output=False) == [2, 0, 1]
    assert classes_of([0.5, 1.0], one_output=True) == [0, 1]  # 0.5 is not above 0.5
    assert classes_of([-1, 0, 1], one_output=True) == [0, 0, 1]  # hinge reads 0 as -1
    X, y = [[-1.0, 0.0], [-0.5, 0.5], [0.5, 0.5]], [0.3, 0.2, 0.9]
    model = Neuron(2, activation="linear", seed=0)
    axis = plot_decision_boundary(model, X, y).axes[0]
    dots = axis.collections[-1].get_facecolor()
    assert [to_hex(c) for c in dots] == [class_colour(0), class_colour(0), class_colour(1)]
    history = fit(model, X, y, "bce", SGD(model.parameters(), lr=0.1), 1, record=True,
                  progress=False)  # fmt: skip
    text = history.replay(tmp_path / "run.html").read_text()
    assert json.loads(re.search(r'"classes":(\[.*?\])', text).group(1)) == [0, 0, 1]
    # targets written as rows, [0.3], or one per output: read by the first number (the
    # replay crashed on them, after training, with "float() argument must be ... not 'list'")
    assert classes_of([[0.3], [0.9]], one_output=True) == [0, 1]
    assert classes_of([True, False], one_output=True) == [1, 0]  # (bools worked, then not)
    numpy = pytest.importorskip("numpy")
    assert classes_of(numpy.array([0.2, -1.0]) > 0, one_output=True) == [1, 0]
    with pytest.raises(ValueError, match=r"y\[1\] is empty"):
        classes_of([[1.0], []], one_output=True)
    rows = fit(model, X, [[t] for t in y], "bce", SGD(model.parameters(), lr=0.1), 1,
               record=True, progress=False)  # fmt: skip
    text = rows.replay(tmp_path / "rows.html").read_text()
    assert json.loads(re.search(r'"classes":(\[.*?\])', text).group(1)) == [0, 0, 1]
    two = MLP(2, [3, 2], seed=0)
    both = fit(two, X, [[t, 1 - t] for t in y], "bce", SGD(two.parameters(), lr=0.1), 1,
               record=True, progress=False)  # fmt: skip
    both.replay(tmp_path / "two.html")


def test_the_history_legend_sits_beside_the_plot_not_over_its_curves():
    X, y = make_moons(30, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, X, y, "bce", SGD(model.parameters(), lr=0.1), 3, progress=False)
    figure = history.plot()
    figure.canvas.draw()
    legend = figure.axes[0].get_legend().get_window_extent()
    assert legend.x0 > figure.axes[1].get_window_extent().x1  # right of the accuracy axis


def test_a_gradient_flow_figure_can_be_pickled():
    # (matplotlib pickles figures; a tick locator defined inside a function could not be)
    import pickle

    from nn.plots import plot_gradient_flow

    model = MLP(2, [3, 1], seed=0)
    model([0.5, -1.0]).backward()
    figure = pickle.loads(pickle.dumps(plot_gradient_flow(model)))
    figure.canvas.draw()
    assert figure.axes[0].get_title() == "Gradient flow per layer"
