"""The ``autograd-lite`` command: ``demo``, ``draw`` and ``train``.

Each subcommand is one function that takes the parsed arguments and returns the exit
status. Problems the user can fix are raised as ``CommandError`` and printed by ``main``
as one line (exit status 2 for bad input, 1 when the machine lacks something), never as a
traceback. The libraries with dependencies (``autograd_lite.viz``, ``nn``'s plots) are
imported inside the subcommands, so the engine itself never needs them.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from pathlib import Path

from .expression import FUNCTIONS, ExpressionError, normalize_name, parse
from .value import Value

PICTURE_FORMATS = ("svg", "png", "dot")
# The format each known suffix means; a file with another suffix needs --format.
SUFFIX_FORMATS = {
    "svg": "svg",
    "png": "png",
    "dot": "dot",
    "gv": "dot",
    "html": "html",
    "htm": "html",
}
DATASETS = ("moons", "circles", "spirals")
CLASSES = {"moons": 2, "circles": 2, "spirals": 3}
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu")
# Graphviz's layout slows down sharply with size: bigger pictures show the nodes nearest the
# output (with a note). An animation lays out every frame, so its frames are kept smaller.
MAX_PICTURE_NODES = 150
MAX_ANIMATED_NODES = 50
GRAPHVIZ_SECONDS = 30  # a picture that takes longer is a tangle: say so instead of hanging
QUIET = "no progress bar and no summary: print only the files written"
# The extra that installs each optional package, for the "please install" message.
EXTRAS = {"graphviz": "viz", "matplotlib": "train", "tqdm": "train"}


class CommandError(Exception):
    """A problem to report without a traceback; ``status`` is the exit status."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


class Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line and a pointer to ``--help``."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# --- demo ------------------------------------------------------------------------------------


def demo(args) -> int:
    """micrograd's demo: an MLP learns the two moons; five files show what happened."""
    import nn
    from nn.data import make_moons

    started = time.perf_counter()
    folder = _output_folder(args.out)
    _check_tools(pictures=True)
    X, y = make_moons(100, noise=0.1, seed=args.seed)
    model = nn.MLP(2, [16, 16, 1], seed=args.seed)
    optimizer = nn.SGD(model.parameters(), lr=1.0)
    schedule = nn.LinearDecay(optimizer, start=1.0, end=0.1, steps=args.epochs)
    history = nn.fit(model, X, y, "hinge", optimizer, args.epochs, schedule=schedule, l2=1e-4,
                     progress=not args.quiet)  # fmt: skip
    _check_converged(model, history)
    if not args.quiet:
        print(f"MLP(2, [16, 16, 1]): {model.num_parameters()} parameters, {len(X)} points")
        print(_summary(model, X, y, "hinge", history))

    neuron = _one_neuron(model, X)
    folder.mkdir(parents=True, exist_ok=True)
    written = [
        _write_graph(neuron, folder / "neuron.svg", "svg"),
        _write_animation(neuron, folder / "neuron-backprop.html"),
        *_write_plots(model, history, X, y, folder),
        _write_model(model, folder / "model.json"),
    ]
    for path in written:
        print(f"wrote {path}")
    if not args.quiet:
        print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


def _one_neuron(model, X) -> Value:
    """The first neuron of the first layer on a point that switches it on, after backward,
    with every leaf labelled: a small graph worth looking at."""
    import nn

    trained = model.layers[0].neurons[0]
    neuron = nn.Neuron(trained.nin, trained.activation)  # a copy: the model stays as it is
    neuron.load_state_dict(trained.state_dict())
    for i, w in enumerate(neuron.w):
        w.label = f"w{i}"
    neuron.b.label = "b"
    point = next((p for p in X if neuron(p).data > 0), X[0])
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    out = neuron(inputs)
    out.label, out.parents[0].label = "out", "z"  # out = relu(z), z = w . x + b
    out.backward()
    return out


# --- draw ------------------------------------------------------------------------------------


def draw(args) -> int:
    """Evaluate an expression, run backward, print the gradients and write the picture."""
    numbers = _variables(args.variables)
    try:
        expression = parse(args.expression, numbers)
    except ExpressionError as error:
        raise CommandError(str(error)) from None
    unused = [name for name in numbers if name not in expression.names]
    if unused:
        raise CommandError(f"{', '.join(unused)}: given but not used in {args.expression!r}")
    path, format = _picture_path(args)

    inputs = {name: Value(number, label=name) for name, number in numbers.items()}
    try:
        result = expression.evaluate(inputs)
    except ExpressionError as error:
        raise CommandError(str(error)) from None
    if not isinstance(result, Value):  # no variables: a constant, drawn all the same
        result = Value(result)
    result.label = result.label or "f"
    try:
        result.backward()
    except (ArithmeticError, ValueError) as error:
        raise CommandError(f"backward failed: {type(error).__name__}: {error}") from None

    print(f"f = {args.expression} = {result.data:.6g}")
    for name, value in inputs.items():
        print(f"df/d{name} = {value.grad:.6g}")
    if args.steps:
        print(f"wrote {_write_animation(result, path)}")
    else:
        print(f"wrote {_write_graph(result, path, format)}")
    return 0


def _variables(assignments: list[tuple[str, float]]) -> dict[str, float]:
    """``[("x", 2.0), ...]`` as a dict, refusing a name given twice."""
    numbers = {}
    for name, number in assignments:
        if name in numbers:
            raise CommandError(f"{name} is given twice")
        numbers[name] = number
    return numbers


def assignment(text: str) -> tuple[str, float]:
    """Read ``NAME=VALUE`` (an argparse type): ``"y=-3"`` -> ``("y", -3.0)``."""
    name, equals, number = text.partition("=")
    name = normalize_name(name.strip())
    if not equals or not name.isidentifier():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE, such as x=2")
    if name in FUNCTIONS:
        raise argparse.ArgumentTypeError(f"{name} is a function; choose another variable name")
    try:
        value = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: {number!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r}: the value must be a finite number")
    return name, value


def _picture_path(args) -> tuple[Path, str]:
    """Where ``draw`` writes, and in which format ("svg", "png", "dot" or "html").

    The format comes from ``--steps`` (html), ``--format``, or the file's suffix; a suffix
    that means another format (``-o g.svg --format png``) is refused, not obeyed.
    """
    if args.steps and args.format:
        raise CommandError("--steps writes an HTML animation: leave out --format")
    chosen = "html" if args.steps else args.format
    if args.output is None:
        format = chosen or "svg"
        path = Path("backprop.html" if format == "html" else f"graph.{format}")
    else:
        path = Path(args.output)
        suffix = path.suffix.lstrip(".").lower()
        implied = SUFFIX_FORMATS.get(suffix)
        format = chosen or implied or ("svg" if not suffix else None)
        if format is None:
            raise CommandError(f"cannot write {suffix!r} pictures: use --format svg, png or dot")
        if implied and implied != format:
            raise CommandError(f"-o {path}: a .{suffix} file would not hold {format.upper()}; "
                               f"name it .{format}")  # fmt: skip
    if not path.parent.is_dir():
        raise CommandError(f"-o {path}: there is no folder {str(path.parent)!r}", status=1)
    return path, format


# --- train -----------------------------------------------------------------------------------


def train(args) -> int:
    """Train an MLP on a toy data set; save the model, its history and two plots."""
    import nn
    from nn import data

    folder = _output_folder(args.out)
    _check_tools(pictures=False)
    make = {"moons": data.make_moons, "circles": data.make_circles, "spirals": data.make_spirals}
    X, y = make[args.dataset](args.samples, noise=args.noise, seed=args.seed)
    classes = len(set(y))
    if classes < CLASSES[args.dataset]:
        needed = CLASSES[args.dataset]
        raise CommandError(f"--samples {args.samples} is too few for {args.dataset}: its "
                           f"{needed} classes need at least {needed} points")  # fmt: skip
    # Two classes: one score and the hinge loss; more: one logit per class, cross-entropy.
    outputs, loss = (1, "hinge") if classes == 2 else (classes, "cross_entropy")
    model = nn.MLP(2, [*args.hidden, outputs], activation=args.activation, seed=args.seed)
    if args.optimizer == "adam":
        optimizer = nn.Adam(model.parameters(), lr=args.lr or 0.01)
    else:
        optimizer = nn.SGD(model.parameters(), lr=args.lr or 0.1, momentum=0.9)
    history = nn.fit(model, X, y, loss, optimizer, args.epochs, batch_size=args.batch_size,
                     progress=not args.quiet, seed=args.seed)  # fmt: skip
    _check_converged(model, history)
    if not args.quiet:
        sizes = " -> ".join(map(str, [2, *args.hidden, outputs]))
        print(f"MLP {sizes} ({model.num_parameters()} parameters), {args.dataset} "
              f"({len(X)} points), {args.optimizer} lr={optimizer.lr:g}")  # fmt: skip
        print(_summary(model, X, y, loss, history))
    folder.mkdir(parents=True, exist_ok=True)
    written = [
        _write_model(model, folder / "model.json"),
        _write_history(history, folder / "history.csv"),
        *_write_plots(model, history, X, y, folder),
    ]
    for path in written:
        print(f"wrote {path}")
    return 0


def _write_history(history, path: Path) -> Path:
    """One row per epoch: epoch, loss, accuracy, learning rate."""
    with path.open("w", newline="", encoding="utf-8") as file:
        rows = csv.writer(file)
        rows.writerow(["epoch", "loss", "accuracy", "lr"])
        for epoch, loss in enumerate(history.loss):
            accuracy = history.accuracy[epoch] if history.accuracy else ""
            rows.writerow([epoch + 1, loss, accuracy, history.lr[epoch]])
    return path


# --- shared by the subcommands ---------------------------------------------------------------


def _summary(model, X, y, loss, history) -> str:
    """The trained model's figures on the training data (History's are taken mid-step)."""
    import nn

    loss_value, accuracy = nn.evaluate(model, X, y, loss)
    accuracy = "" if accuracy is None else f"accuracy {accuracy:.1%}, "
    return (
        f"{accuracy}loss {loss_value:.4f} after {history.epochs} epochs in {history.seconds:.1f} s"
    )


def _check_converged(model, history) -> None:
    """Refuse to save a model whose training blew up (a rate far too large)."""
    finite = all(math.isfinite(p.data) for p in model.parameters())
    if not (finite and math.isfinite(history.loss[-1])):
        raise CommandError(
            f"training diverged: the loss became {history.loss[-1]:g} and some weights are "
            "not finite; try a smaller --lr",
            status=1,
        )


def _output_folder(name) -> Path:
    """The folder to write into, checked now and made only when there is something to write
    (so a run that fails leaves nothing behind)."""
    folder = Path(name)
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not existing.is_dir():
        raise CommandError(f"--out {name}: {existing} is a file, not a folder", status=1)
    return folder


def _check_tools(pictures: bool) -> None:
    """Before any training: fail now, not after it, if the plots or pictures cannot be made."""
    import matplotlib  # noqa: F401  (ModuleNotFoundError names its extra in main)

    if pictures:
        from .viz.programs import graphviz_program

        graphviz_program()  # GraphvizNotFoundError says how to install one


def _write_graph(root: Value, path: Path, format: str) -> Path:
    """The graph behind ``root`` as a picture (svg, png) or as Graphviz source (dot)."""
    from .viz import draw_dot, render
    from .viz.programs import GraphvizTimeoutError

    picture = draw_dot(root, max_nodes=MAX_PICTURE_NODES)
    if format == "dot":
        path.write_text(picture.source, encoding="utf-8")
        return path
    try:
        return render(picture, path, format, timeout=GRAPHVIZ_SECONDS)
    except GraphvizTimeoutError:
        raise CommandError(
            f"Graphviz could not lay out this graph in {GRAPHVIZ_SECONDS} s: a node used many "
            "times makes a tangle that is slow to untie. Write the graph without a layout "
            "instead: --format dot -o graph.dot",
            status=1,
        ) from None


def _write_animation(root: Value, path: Path) -> Path:
    from .viz import backprop_animation

    return backprop_animation(root, max_nodes=MAX_ANIMATED_NODES).save(path)


def _write_plots(model, history, X, y, folder: Path) -> list[Path]:
    """The decision boundary and the training curves, as PNG files."""
    import matplotlib

    matplotlib.use("Agg")  # files only: never open a window
    import matplotlib.pyplot as plt

    from nn.plots import plot_decision_boundary, plot_history

    written = []
    for name, figure in (
        ("decision-boundary.png", plot_decision_boundary(model, X, y)),
        ("loss.png", plot_history(history)),
    ):
        figure.savefig(folder / name, dpi=120)
        plt.close(figure)
        written.append(folder / name)
    return written


def _write_model(model, path: Path) -> Path:
    import nn

    nn.save(model, path)
    return path


# --- the command line ------------------------------------------------------------------------


def positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def positive_float(text: str) -> float:
    """An argparse type: a finite number > 0."""
    number = _finite_float(text)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
    return number


def noise_level(text: str) -> float:
    """An argparse type: a spread from 0 to 10 (the data sets span about two units, so
    more than that is noise without a shape)."""
    number = _finite_float(text)
    if not 0 <= number <= 10:
        raise argparse.ArgumentTypeError(f"must be from 0 to 10, got {text}")
    return number


def _finite_float(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text}")
    return number


def layer_sizes(text: str) -> list[int]:
    """An argparse type: ``"16,16"`` -> ``[16, 16]``."""
    try:
        return [positive_int(part) for part in text.split(",")]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of layer sizes, such as 16,16"
        ) from None


def build_parser() -> Parser:
    parser = Parser(
        prog="autograd-lite",
        description="Learn backpropagation: draw the graph of a formula, or train a tiny network.",
        epilog="Run 'autograd-lite COMMAND --help' for the options of each command.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_demo(commands)
    _add_draw(commands)
    _add_train(commands)
    return parser


def _add_demo(commands) -> None:
    command = commands.add_parser(
        "demo",
        help="train micrograd's moons classifier and write pictures of it",
        description="Train an MLP(2, [16, 16, 1]) on 100 points of two moons (hinge loss, "
        "L2 1e-4, SGD with a learning rate falling from 1.0 to 0.1), as in micrograd's "
        "demo. Writes the graph of one neuron after backward (neuron.svg), its backward "
        "pass step by step (neuron-backprop.html), the decision boundary and the training "
        "curves (decision-boundary.png, loss.png) and the trained model (model.json).",
    )
    command.add_argument("--out", default="autograd-lite-demo", metavar="DIR",
                         help="folder for the files (default: %(default)s)")  # fmt: skip
    command.add_argument("--epochs", type=positive_int, default=100, metavar="N",
                         help="training epochs (default: %(default)s)")  # fmt: skip
    command.add_argument("--seed", type=int, default=1, metavar="S",
                         help="seed of data and weights (default: %(default)s)")  # fmt: skip
    command.add_argument("--quiet", action="store_true", help=QUIET)
    command.set_defaults(run=demo)


def _add_draw(commands) -> None:
    command = commands.add_parser(
        "draw",
        help="evaluate a formula, run backward, print the gradients, draw the graph",
        description=(
            "Build EXPR from Values, run backward, print d(EXPR)/d(NAME) for each variable\n"
            "and write the computation graph.\n\n"
            "EXPR may use numbers, the variables, + - * / **, parentheses and the functions\n"
            f"{', '.join(FUNCTIONS)}\n"
            "(leaky_relu takes an optional slope: leaky_relu(x, 0.1)). Nothing else: EXPR is\n"
            "checked against this list, never run as Python."
        ),
        epilog='example: autograd-lite draw "x*y + sin(x)" x=2 y=-3 -o graph.svg\n'
        'An EXPR that starts with "-" goes after "--": autograd-lite draw -- "-x*y" x=2 y=3',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("expression", metavar="EXPR", help='the formula, e.g. "x*y + sin(x)"')
    command.add_argument("variables", nargs="*", type=assignment, metavar="NAME=VALUE",
                         help="a value for each variable, e.g. x=2 y=-3")  # fmt: skip
    command.add_argument("-o", "--output", metavar="FILE",
                         help="where to write (default: graph.svg, or backprop.html "
                         "with --steps); the suffix sets the format")  # fmt: skip
    command.add_argument("--format", choices=PICTURE_FORMATS,
                         help="svg or png (need a Graphviz program: graphviz-pure or dot), "
                         "or dot (the Graphviz source, needs no program)")  # fmt: skip
    command.add_argument("--steps", action="store_true",
                         help="write the backward pass, step by step, as HTML")  # fmt: skip
    command.set_defaults(run=draw)


def _add_train(commands) -> None:
    command = commands.add_parser(
        "train",
        help="train an MLP on a toy data set and save the model, its history and plots",
        description="Train an MLP on a 2-D toy data set. Two classes (moons, circles): one "
        "output and the hinge loss; spirals (three classes): one output per class and "
        "cross-entropy. Writes model.json, history.csv (loss, accuracy and learning rate "
        "per epoch), decision-boundary.png and loss.png.",
    )
    command.add_argument("--dataset", choices=DATASETS, default="moons",
                         help="default: %(default)s")  # fmt: skip
    command.add_argument("--samples", type=positive_int, default=100, metavar="N",
                         help="points in the data set (default: %(default)s)")  # fmt: skip
    command.add_argument("--noise", type=noise_level, default=0.1, metavar="STD",
                         help="spread of the points (default: %(default)s)")  # fmt: skip
    command.add_argument("--hidden", type=layer_sizes, default=[16, 16], metavar="SIZES",
                         help="hidden layer sizes, comma separated (default: 16,16)")  # fmt: skip
    command.add_argument("--activation", choices=ACTIVATIONS, default="relu",
                         help="of the hidden layers (default: %(default)s)")  # fmt: skip
    command.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd",
                         help="sgd (with momentum 0.9) or adam (default: %(default)s)")  # fmt: skip
    command.add_argument("--lr", type=positive_float, metavar="RATE",
                         help="learning rate (default: 0.1 for sgd, 0.01 for adam)")  # fmt: skip
    command.add_argument("--epochs", type=positive_int, default=100, metavar="N",
                         help="default: %(default)s")  # fmt: skip
    command.add_argument("--batch-size", type=positive_int, metavar="N",
                         help="samples per step (default: all of them)")  # fmt: skip
    command.add_argument("--seed", type=int, default=0, help="default: %(default)s")
    command.add_argument("--out", default="autograd-lite-train", metavar="DIR",
                         help="folder for the files (default: %(default)s)")  # fmt: skip
    command.add_argument("--quiet", action="store_true", help=QUIET)
    command.set_defaults(run=train)


def main(argv=None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help (0) or a bad argument (2): argparse has printed it
        return exit.code or 0
    where = f"{parser.prog} {args.command}"
    try:
        return args.run(args)
    except CommandError as error:
        return _fail(where, str(error), error.status)
    except ModuleNotFoundError as error:
        extra = EXTRAS.get((error.name or "").partition(".")[0])
        hint = f": pip install 'autograd-lite[{extra}]'" if extra else ""
        return _fail(where, f"{error}{hint}", 1)
    except (OSError, RuntimeError) as error:  # cannot write a file; no Graphviz program
        return _fail(where, str(error), 1)
    except KeyboardInterrupt:
        return _fail(where, "interrupted", 130)


def _fail(where: str, message: str, status: int) -> int:
    print(f"{where}: error: {message}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
