"""``autograd-lite train``: an MLP on a toy data set; the model, its history and plots.

Also what ``demo`` shares with it: the size limits, the checks made before training, the
summary line and the writers of the model and the plots.
"""

from __future__ import annotations

import csv
import itertools
import math

from .common import (
    CommandError,
    check_files_writable,
    check_options,
    number,
    numbers,
    output_folder,
    say,
    write_files,
)

DATASETS = ("moons", "circles", "spirals")
CLASSES = {"moons": 2, "circles": 2, "spirals": 3}
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu")
FILES = ("model.json", "history.csv", "replay.html", "decision-boundary.png", "loss.png")
QUIET = "no progress bar and no summary: print only the files written"
# Sizes past which a scalar engine runs out of memory (or of the user's patience): refused
# with a one-line error before anything is made. One step's graph takes about 40 bytes per
# (sample in the batch x parameter).
MAX_SAMPLES = 100_000
MAX_UNITS = 1_000  # in one layer
MAX_LAYERS = 20
MAX_PARAMETERS = 1_000_000
MAX_STEP = 10_000_000  # samples per step x parameters: about 400 MB of graph
MAX_EPOCHS = 1_000_000


def add_parser(commands) -> None:
    command = commands.add_parser(
        "train",
        help="train an MLP on a toy data set and save the model, its history and plots",
        description="Train an MLP on a 2-D toy data set. Two classes (moons, circles): one "
        "output and the hinge loss; spirals (three classes): one output per class and "
        "cross-entropy. Writes model.json, history.csv (loss, accuracy and learning rate "
        "per epoch), replay.html (the run epoch by epoch, to open in a browser), "
        "decision-boundary.png and loss.png. With --validation, a share of the points is held "
        "out and measured after every epoch, beside the training data.",
    )
    command.add_argument("--dataset", choices=DATASETS, default="moons",
                         help="default: %(default)s")  # fmt: skip
    command.add_argument("--samples", type=number, default=100, metavar="N",
                         help=f"points in the data set (default: %(default)s, "
                         f"at most {MAX_SAMPLES:,})")  # fmt: skip
    command.add_argument("--noise", type=number, default=0.1, metavar="STD",
                         help="spread of the points, 0 to 10 (default: %(default)s)")  # fmt: skip
    command.add_argument("--hidden", type=numbers, default=[16, 16], metavar="SIZES",
                         help="hidden layer sizes, comma separated (default: 16,16)")  # fmt: skip
    command.add_argument("--activation", choices=ACTIVATIONS, default="relu",
                         help="of the hidden layers (default: %(default)s)")  # fmt: skip
    command.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd",
                         help="sgd (with momentum 0.9) or adam (default: %(default)s)")  # fmt: skip
    command.add_argument("--lr", type=number, metavar="RATE",
                         help="learning rate (default: 0.1 for sgd, 0.01 for adam)")  # fmt: skip
    command.add_argument("--epochs", type=number, default=100, metavar="N",
                         help="default: %(default)s")  # fmt: skip
    command.add_argument("--validation", type=number, default=0, metavar="FRACTION",
                         help="share of the points held out, never trained on, and measured "
                         "after every epoch: 0 (default, none) up to 0.9")  # fmt: skip
    command.add_argument("--batch-size", type=number, metavar="N",
                         help="samples per step (default: all of them)")  # fmt: skip
    command.add_argument("--seed", type=number, default=0, help="default: %(default)s")
    command.add_argument("--out", default="autograd-lite-train", metavar="DIR",
                         help="folder for the files, not - (standard output): they are "
                         "several (default: %(default)s)")  # fmt: skip
    command.add_argument("--quiet", action="store_true", help=QUIET)
    command.set_defaults(run=run)


def run(args) -> int:
    """Train an MLP on a toy data set; save the model, its history and two plots."""
    import nn
    from nn import data

    _check(args)
    folder = output_folder(args.out)
    check_tools(pictures=False)
    check_files_writable(folder, FILES)
    make = {"moons": data.make_moons, "circles": data.make_circles, "spirals": data.make_spirals}
    X, y = make[args.dataset](args.samples, noise=args.noise, seed=args.seed)
    classes = len(set(y))
    if classes < CLASSES[args.dataset]:
        needed = CLASSES[args.dataset]
        raise CommandError(f"--samples {args.samples} is too few for {args.dataset}: its "
                           f"{needed} classes need at least {needed} points")  # fmt: skip
    validation = None
    if args.validation:  # hold out a share of the points (the same ones for the same seed)
        try:  # (the share is in (0, 0.9]: only a test set of every point can fail here)
            X, X_val, y, y_val = data.train_test_split(X, y, args.validation, seed=args.seed)
        except ValueError:
            raise CommandError(f"--validation {args.validation:g} of {len(X)} points leaves "
                               "none to train on") from None  # fmt: skip
        if len(set(y)) < classes:
            raise CommandError(f"--validation {args.validation:g} leaves {len(X)} of the "
                               f"{args.samples} points to train on, too few for every "
                               "class")  # fmt: skip
        validation = (X_val, y_val)
    outputs, loss = _outputs(args.dataset)
    model = nn.MLP(2, [*args.hidden, outputs], activation=args.activation, seed=args.seed)
    if args.optimizer == "adam":
        optimizer = nn.Adam(model.parameters(), lr=args.lr or 0.01)
    else:
        optimizer = nn.SGD(model.parameters(), lr=args.lr or 0.1, momentum=0.9)
    history = nn.fit(model, X, y, loss, optimizer, args.epochs, batch_size=args.batch_size,
                     validation=validation, progress=not args.quiet, seed=args.seed,
                     record=True)  # fmt: skip
    check_converged(model, history)
    if not args.quiet:
        sizes = " -> ".join(map(str, [2, *args.hidden, outputs]))
        held_out = "" if validation is None else f", {len(validation[0])} of them held out"
        say(f"MLP {sizes} ({model.num_parameters()} parameters), {args.dataset} "
            f"({args.samples} points{held_out}), {args.optimizer} lr={optimizer.lr:g}")  # fmt: skip
        say(summary(model, X, y, loss, history, validation))
    written = write_files(
        folder,
        {
            "model.json": lambda tmp: write_model(model, tmp),
            "history.csv": lambda tmp: write_history(history, tmp),
            "replay.html": history.replay,
            **write_plots(model, history, X, y),
        },
    )
    for path in written:
        say(f"wrote {path}")
    return 0


def _outputs(dataset: str) -> tuple[int, str]:
    """Two classes: one score and the hinge loss; more: one logit per class, cross-entropy."""
    classes = CLASSES[dataset]
    return (1, "hinge") if classes == 2 else (classes, "cross_entropy")


def _check(args) -> None:
    """Every option, and the sizes of what they would make, before anything is made."""
    from nn.validate import non_negative_int, positive_int, real

    check_options(args, {
        "samples": (positive_int, MAX_SAMPLES),
        "noise": real,
        "validation": real,
        "hidden": (positive_int, MAX_UNITS),
        "lr": real,
        "epochs": (positive_int, MAX_EPOCHS),
        "batch_size": positive_int,
        "seed": non_negative_int,
    })  # fmt: skip
    if not 0 <= args.noise <= 10:  # the data sets span about two units
        raise CommandError(f"--noise must be from 0 to 10, got {args.noise:g}")
    if not 0 <= args.validation <= 0.9:
        raise CommandError(f"--validation must be a share from 0 to 0.9, got {args.validation:g}")
    if args.lr is not None and args.lr <= 0:
        raise CommandError(f"--lr must be a finite number > 0, got {args.lr:g}")
    if len(args.hidden) > MAX_LAYERS:
        raise CommandError(f"--hidden must list at most {MAX_LAYERS} layers, "
                           f"got {len(args.hidden)}")  # fmt: skip
    sizes = [2, *args.hidden, _outputs(args.dataset)[0]]
    parameters = sum((nin + 1) * nout for nin, nout in itertools.pairwise(sizes))
    if parameters > MAX_PARAMETERS:
        raise CommandError(f"--hidden {','.join(map(str, args.hidden))} makes {parameters:,} "
                           f"parameters; at most {MAX_PARAMETERS:,} fit in memory")  # fmt: skip
    batch = min(args.batch_size or args.samples, args.samples)
    if batch * parameters > MAX_STEP:
        raise CommandError(
            f"one step over {batch:,} samples with {parameters:,} parameters would need about "
            f"{batch * parameters * 40 / 1e9:.1f} GB of graph: use a smaller --batch-size "
            f"(at most {max(1, MAX_STEP // parameters):,} here) or smaller --hidden layers"
        )


# --- shared with demo ---------------------------------------------------------------------


def summary(model, X, y, loss, history, validation=None) -> str:
    """The trained model's figures on the training data (History's are taken mid-step), and
    on the held-out points when there are some."""
    import nn

    def figures(X, y):
        loss_value, accuracy = nn.evaluate(model, X, y, loss)
        return ("" if accuracy is None else f"accuracy {accuracy:.1%}, ") + f"loss {loss_value:.4f}"

    held_out = "" if validation is None else f"; held out: {figures(*validation)}"
    epochs = f"{history.epochs} epoch{'' if history.epochs == 1 else 's'}"
    # (said, since the progress bar and history.csv end on a different figure)
    why = "(the progress bar shows each epoch's mean, taken while the model learned)"
    return (f"trained {epochs} in {history.seconds:.1f} s; the trained model on the training "
            f"points: {figures(X, y)}{held_out}\n{why}")  # fmt: skip


def check_converged(model, history) -> None:
    """Refuse to save a model whose training blew up (a rate far too large)."""
    finite = all(math.isfinite(p.data) for p in model.parameters())
    if not (finite and math.isfinite(history.loss[-1])):
        raise CommandError(
            f"training diverged: the loss became {history.loss[-1]:g} and some weights are "
            "not finite; try a smaller --lr",
            status=1,
        )


def check_tools(pictures: bool) -> None:
    """Before any training: fail now, not after it, if the plots or pictures cannot be made."""
    import matplotlib  # noqa: F401  (ModuleNotFoundError names its extra in main)

    if pictures:
        from ..viz import graphviz_program

        graphviz_program()  # GraphvizNotFoundError says how to install one


def write_model(model, path) -> None:
    import nn

    nn.save(model, path)


def write_history(history, path) -> None:
    """One row per epoch: epoch, loss, accuracy, learning rate (and, with held-out points,
    val_loss and val_accuracy)."""
    held_out = bool(history.val_loss)
    header = ["epoch", "loss", "accuracy", "lr"]
    if held_out:
        header += ["val_loss", "val_accuracy"]
    with path.open("w", newline="", encoding="utf-8") as file:
        rows = csv.writer(file)
        rows.writerow(header)
        for epoch, loss in enumerate(history.loss):
            accuracy = history.accuracy[epoch] if history.accuracy else ""
            row = [epoch + 1, loss, accuracy, history.lr[epoch]]
            if held_out:
                val_accuracy = history.val_accuracy[epoch] if history.val_accuracy else ""
                row += [history.val_loss[epoch], val_accuracy]
            rows.writerow(row)


def write_plots(model, history, X, y) -> dict:
    """Writers of the decision boundary and the training curves, as PNG files."""
    import matplotlib

    matplotlib.use("Agg")  # files only: never open a window
    import matplotlib.pyplot as plt

    from nn.plots import plot_decision_boundary, plot_history

    def writer(plot, *data):
        def write(path):
            figure = plot(*data)
            try:
                figure.savefig(path, dpi=120, format="png")
            finally:
                plt.close(figure)

        return write

    return {
        "decision-boundary.png": writer(plot_decision_boundary, model, X, y),
        "loss.png": writer(plot_history, history),
    }
