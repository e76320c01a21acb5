"""``autograd-lite demo``: micrograd's demo, trained and drawn in a few seconds."""

from __future__ import annotations

import time

from ..value import Value
from .common import check_files_writable, check_options, output_folder, say, write_files
from .pictures import write_picture
from .train import MAX_EPOCHS, QUIET, check_converged, check_tools, summary, write_model
from .train import write_plots as plots

FILES = ("neuron.svg", "neuron-backprop.html", "decision-boundary.png", "loss.png",
         "model.json")  # fmt: skip


def add_parser(commands) -> None:
    from .common import number

    command = commands.add_parser(
        "demo",
        help="train micrograd's moons classifier and write pictures of it",
        description="Train an MLP(2, [16, 16, 1]) on 100 points of two moons (hinge loss, "
        "L2 1e-4, SGD with a learning rate falling from 1.0 to 0.1), as in micrograd's "
        "demo. Writes the graph of one neuron, with the gradient the loss sends it on one "
        "point (neuron.svg), its backward "
        "pass step by step (neuron-backprop.html), the decision boundary and the training "
        "curves (decision-boundary.png, loss.png) and the trained model (model.json).",
    )
    command.add_argument("--out", default="autograd-lite-demo", metavar="DIR",
                         help="folder for the files, not - (standard output): they are "
                         "several (default: %(default)s)")  # fmt: skip
    command.add_argument("--epochs", type=number, default=100, metavar="N",
                         help="training epochs (default: %(default)s)")  # fmt: skip
    command.add_argument("--seed", type=number, default=1, metavar="S",
                         help="seed of data and weights (default: %(default)s)")  # fmt: skip
    command.add_argument("--quiet", action="store_true", help=QUIET)
    command.set_defaults(run=run)


def run(args) -> int:
    """micrograd's demo: an MLP learns the two moons; five files show what happened."""
    import nn
    from nn.data import make_moons
    from nn.validate import non_negative_int, positive_int

    check_options(args, {"epochs": (positive_int, MAX_EPOCHS), "seed": non_negative_int})
    started = time.perf_counter()
    folder = output_folder(args.out)
    check_tools(pictures=True)
    check_files_writable(folder, FILES)
    X, y = make_moons(100, noise=0.1, seed=args.seed)
    model = nn.MLP(2, [16, 16, 1], seed=args.seed)
    optimizer = nn.SGD(model.parameters(), lr=1.0)
    schedule = nn.LinearDecay(optimizer, start=1.0, end=0.1, steps=args.epochs)
    history = nn.fit(model, X, y, "hinge", optimizer, args.epochs, schedule=schedule, l2=1e-4,
                     progress=not args.quiet)  # fmt: skip
    check_converged(model, history)
    if not args.quiet:
        say(f"MLP(2, [16, 16, 1]): {model.num_parameters()} parameters, {len(X)} points")
        say(summary(model, X, y, "hinge", history))

    neuron = one_neuron_recipe(model, X, y)
    title = neuron_title(neuron)
    written = write_files(
        folder,
        {
            "neuron.svg": lambda tmp: write_picture(one_neuron, neuron, "svg", tmp, title=title),
            "neuron-backprop.html": lambda tmp: write_picture(
                one_neuron, neuron, "html", tmp, title=title
            ),
            **plots(model, history, X, y),
            "model.json": lambda tmp: write_model(model, tmp),
        },
    )
    for path in written:
        say(f"wrote {path}")
    if not args.quiet:
        say(f"done in {time.perf_counter() - started:.1f} s")
    return 0


def one_neuron_recipe(model, X, y) -> tuple:
    """What ``one_neuron`` needs, as plain numbers: the first neuron of the first layer
    (its weights, bias and activation), a point that switches it on (one the loss still
    pushes on, if there is one) and the loss's gradient that reaches the neuron there."""
    trained = model.layers[0].neurons[0]
    recipe = ([w.data for w in trained.w], trained.b.data, model.layers[0].activation)
    on = [(p, t) for p, t in zip(X, y) if one_neuron(*recipe, p).data > 0] or [(X[0], y[0])]
    pushed = ((p, g) for p, t in on if (g := loss_reaching(model, trained, p, t)) != 0.0)
    point, upstream = next(pushed, (on[0][0], 1.0))
    return (*recipe, list(point), upstream)


def neuron_title(recipe) -> str:
    """What the neuron pictures show, and why backward starts where it does."""
    *_, point, upstream = recipe
    at = ", ".join(f"{x:.3g}" for x in point)
    return (
        f"The first neuron of the trained model (layers.0.neurons.0) on the point ({at}). "
        f"Backward starts at out with {upstream:.4g}, the gradient the loss sends back to "
        "it there (out is not the loss, so it is not 1)."
    )


def loss_reaching(model, neuron, point, label) -> float:
    """d loss / d (the neuron's output) for the hinge loss of the whole model on one point."""
    import nn
    from autograd_lite import gradients, topological_order

    with model.evaluating():
        loss = nn.hinge_loss(model(point), label)
    for node in topological_order(loss):  # the neuron's activation: its parent is the sum
        if node.parents and neuron.w[0] in node.parents[0].parents:
            return gradients(loss, [node])[0]
    return 0.0


def one_neuron(weights, bias, activation, point, upstream=1.0) -> Value:
    """That neuron on that point, after a backward pass that starts from ``upstream`` (the
    loss's gradient arriving at its output), with every leaf labelled: a small graph worth
    looking at (a recipe for ``write_picture``). It is built from ``*`` and ``+`` as a
    learner writes it, ``w0*x0 + w1*x1 + b``, so every product has a box and a step."""
    import autograd_lite as ag

    ws = [Value(w, label=f"w{i}") for i, w in enumerate(weights)]
    xs = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    z = ws[0] * xs[0]
    for w, x in zip(ws[1:], xs[1:]):
        z = z + w * x
    z = z + Value(bias, label="b")
    z.label = "z"
    out = z if activation == "linear" else getattr(ag, activation)(z)
    out.label = "out"
    out.backward(upstream)  # the gradient the loss sends back to this neuron's output
    return out
