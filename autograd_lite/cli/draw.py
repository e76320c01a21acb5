"""``autograd-lite draw EXPR NAME=VALUE ...``: a formula's value, gradients and graph.

``-o -`` writes the picture to standard output, as most Unix tools do; then the value and
gradients are printed on standard error, so that only the picture goes down the pipe.
"""

from __future__ import annotations

import argparse
import contextlib
import keyword
import math
import os
import sys
import tempfile
from pathlib import Path

from ..value import Value
from . import pictures
from .common import (
    STANDARD_OUTPUT,
    CommandError,
    check_options,
    number,
    say,
    write_to_standard_output,
)
from .expression import FUNCTIONS, ExpressionError, listed, normalize_name, parse
from .pictures import write_picture, write_source

FORMATS = ("svg", "png", "dot", "html")
# The format each known suffix means; a file with another suffix needs --format.
SUFFIX_FORMATS = {"svg": "svg", "png": "png", "dot": "dot", "gv": "dot", "html": "html",
                  "htm": "html"}  # fmt: skip
MAX_TIME_LIMIT = 3600
TOO_SLOW_HINT = (
    f"Allow more time (--time-limit SECONDS, at most {MAX_TIME_LIMIT:,}), or write the graph "
    "without a layout (--format dot -o graph.dot)"
)
TANGLE = "A node used many times makes a tangle that is slow to untie. "
# The options of draw that take a value: the word after one is that value, not the formula.
TAKE_A_VALUE = ("-o", "--output", "--format", "--time-limit")


def add_parser(commands) -> None:
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
        'to a pipe: autograd-lite draw "x*y" x=2 y=3 --format dot -o - | dot -Tpdf > g.pdf\n'
        'An EXPR that starts with "-" goes after "--": autograd-lite draw -- "-x*y" x=2 y=3',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("expression", metavar="EXPR", help='the formula, e.g. "x*y + sin(x)"')
    command.add_argument("variables", nargs="*", type=assignment, metavar="NAME=VALUE",
                         default=[],  # (without a default, argparse lists it as required)
                         help="a value for each variable, e.g. x=2 y=-3")  # fmt: skip
    command.add_argument("-o", "--output", metavar="FILE",
                         help="where to write (default: graph.svg, or backprop.html "
                         "with --steps); the suffix sets the format. -o - writes to "
                         "standard output (svg, unless --format or --steps says otherwise; "
                         "PNG only to a pipe or a file) and prints the values on standard "
                         "error; a file named - is ./-")  # fmt: skip
    command.add_argument("--format", choices=FORMATS,
                         help="svg, png, or html (the backward pass step by step, as "
                         "--steps): these need a Graphviz program (graphviz-pure or dot); "
                         "or dot (the Graphviz source, needs no program)")  # fmt: skip
    command.add_argument("--steps", action="store_true",
                         help="write the backward pass, step by step, as HTML")  # fmt: skip
    command.add_argument("--time-limit", type=number, metavar="SECONDS",
                         help="the most a picture may take to lay out (default: "
                         f"{pictures.SECONDS} s; at most {MAX_TIME_LIMIT:,})")  # fmt: skip
    command.set_defaults(run=run)


def run(args) -> int:
    """Evaluate an expression, run backward, print the gradients and write the picture."""
    from nn.validate import real

    from ..files import atomic_path

    check_options(args, {"time_limit": (real, MAX_TIME_LIMIT)})
    if args.time_limit is not None and args.time_limit <= 0:
        raise CommandError(f"--time-limit must be a number of seconds > 0, got {args.time_limit:g}")
    numbers = _variables(args.variables)
    try:
        expression = parse(args.expression, numbers)
    except ExpressionError as error:
        raise CommandError(str(error)) from None
    unused = [name for name in numbers if name not in expression.names]
    if unused:
        raise CommandError(f"{listed(unused)}: given but not used in {args.expression!r}")
    path, format = _picture_path(args)

    inputs, result = build(args.expression, numbers, keep_inputs=True)
    # With -o -, standard output is the picture's: the values go to standard error.
    tell = say if path is not None else _say_on_standard_error
    f = result_name(numbers)
    tell(f"{f} = {args.expression} = {result.data:.6g}")
    for name, value in inputs.items():
        tell(f"d{f}/d{name} = {value.grad:.6g}")

    def draw(tmp: Path) -> None:
        if format == "dot":
            write_source(result, tmp)
        else:
            hint = (TANGLE if uses_a_node_twice(result) else "") + TOO_SLOW_HINT
            write_picture(build, (args.expression, numbers), format, tmp, hint,
                          seconds=args.time_limit)  # fmt: skip

    if path is None:  # drawn whole first: a failure sends nothing down the pipe
        with tempfile.TemporaryDirectory(prefix="autograd-lite-") as scratch:
            drawn = Path(scratch) / f"graph.{format}"
            draw(drawn)
            try:
                write_to_standard_output(drawn.read_bytes())
            except OSError as error:  # (a full disk under -o - > g.svg)
                raise CommandError(f"-o -: cannot write to standard output: "
                                   f"{error.strerror or error}", status=1) from None  # fmt: skip
        return 0
    with atomic_path(path, suffix=path.suffix) as tmp:
        draw(tmp)
    say(f"wrote {'./-' if str(path) == STANDARD_OUTPUT else path}")  # (Path("./-") is "-")
    return 0


def _say_on_standard_error(text: str) -> None:
    if sys.stderr is not None:  # (closed: ``say`` would print on standard output instead)
        say(text, file=sys.stderr)


def build(source: str, numbers: dict[str, float], keep_inputs: bool = False):
    """The graph of the formula ``source`` at ``numbers``, after backward (a recipe for
    ``write_picture``); with ``keep_inputs``, also the input Values by name."""
    inputs = {name: Value(number, label=name) for name, number in numbers.items()}
    try:
        result = parse(source, numbers).evaluate(inputs)
    except ExpressionError as error:
        raise CommandError(str(error)) from None
    if not isinstance(result, Value):  # no variables: a constant, drawn all the same
        result = Value(result)
    result.label = result.label or result_name(numbers)
    try:
        result.backward()
    except (ArithmeticError, ValueError) as error:
        raise CommandError(f"backward failed: {type(error).__name__}: {error}") from None
    return (inputs, result) if keep_inputs else result


def uses_a_node_twice(root) -> bool:
    """True if a node of the graph is an input of two operations, or twice of one (x*x):
    what makes a graph slow to lay out."""
    from ..graph import topological_order

    uses = [id(parent) for node in topological_order(root) for parent in node.parents]
    return len(uses) > len(set(uses))


def result_name(variables) -> str:
    """What the formula's value is called, in the output and the picture: "f", or when a
    variable has that name, the first of g, h, f1, f2, ... that none has (``draw "f*x"
    f=3 x=2`` prints dg/df and dg/dx, not a puzzling df/df)."""
    candidates = ["f", "g", "h", *(f"f{i}" for i in range(1, len(variables) + 2))]
    return next(name for name in candidates if name not in variables)


def _variables(assignments: list[tuple[str, float]]) -> dict[str, float]:
    """``[("x", 2.0), ...]`` as a dict, refusing a name given twice."""
    numbers = {}
    for name, value in assignments:
        if name in numbers:
            raise CommandError(f"{name} is given twice")
        numbers[name] = value
    return numbers


def assignment(text: str) -> tuple[str, float]:
    """Read ``NAME=VALUE`` (an argparse type): ``"y=-3"`` -> ``("y", -3.0)``."""
    name, equals, number = text.partition("=")
    name = normalize_name(name.strip())
    if not equals or not name.isidentifier():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE, such as x=2")
    if name in FUNCTIONS:
        raise argparse.ArgumentTypeError(f"{name} is a function; choose another variable name")
    if keyword.iskeyword(name):  # (the formula could not use it: lambda*2 is not a product)
        raise argparse.ArgumentTypeError(
            f"{name} is a Python keyword; choose another variable name"
        )
    try:
        value = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: {number!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r}: the value must be a finite number")
    return name, value


def _picture_path(args) -> tuple[Path | None, str]:
    """Where ``draw`` writes (None: standard output, for ``-o -``), and in which format
    ("svg", "png", "dot" or "html").

    The format comes from ``--steps`` (html), ``--format``, or the file's suffix; a suffix
    that means another format (``-o g.svg --format png``) is refused, not obeyed. A name
    without a suffix, and standard output, get svg.
    """
    from ..files import check_writable

    if args.steps and args.format not in (None, "html"):
        raise CommandError("--steps writes an HTML animation: leave out --format")
    chosen = "html" if args.steps else args.format
    if args.output == "":  # (as a Path, "" would be this folder)
        raise CommandError("-o: give a file name, got an empty one")
    if args.output == STANDARD_OUTPUT:
        format = chosen or "svg"
        _check_standard_output(format)
        return None, format
    if args.output is None:
        format = chosen or "svg"
        path = Path("backprop.html" if format == "html" else f"graph.{format}")
    else:
        path = Path(os.path.expanduser(args.output))  # (~ the shell left: --output=~/g.svg)
        suffix = path.suffix.lstrip(".").lower()
        implied = SUFFIX_FORMATS.get(suffix)
        format = chosen or implied or ("svg" if not suffix else None)
        if format is None:
            known = ", ".join(FORMATS[:-1]) + " or " + FORMATS[-1]
            raise CommandError(f"cannot write {suffix!r} pictures: use --format {known}")
        if implied and implied != format:
            raise CommandError(f"-o {path}: a .{suffix} file would not hold {format.upper()}; "
                               f"name it .{format}")  # fmt: skip
    if not os.path.isdir(path.parent):  # (isdir: False for a folder name too long, too)
        raise CommandError(f"-o {path}: there is no folder {str(path.parent)!r}", status=1)
    try:
        check_writable(path)
    except ValueError as error:
        raise CommandError(f"-o {error}" if args.output else str(error), status=1) from None
    return path, format


def _check_standard_output(format: str) -> None:
    """Refuse ``-o -`` where standard output cannot take the picture: closed, or a terminal
    for PNG (bytes that would garble it), as ``gzip`` and ``curl`` refuse."""
    if sys.stdout is None:
        raise CommandError("-o -: standard output is closed; give a file name, such as "
                           f"-o graph.{format}")  # fmt: skip
    if format != "png":
        return
    if not hasattr(sys.stdout, "buffer"):  # (set by a program that runs main() itself)
        raise CommandError("-o -: standard output takes only text here, and PNG is not text; "
                           "give a file name (-o graph.png), or --format svg or dot")  # fmt: skip
    with contextlib.suppress(AttributeError, OSError, ValueError):  # (no isatty: not a terminal)
        if sys.stdout.isatty():
            raise CommandError(
                "-o -: standard output is a terminal, and PNG is not text; pipe it into a "
                "program (-o - | display) or into a file (-o - > graph.png), or give "
                "--format svg or dot"
            )


def hint_for(argv: list[str]) -> str:
    """For a ``draw`` command line that argparse refused, the hint when the formula (the
    first word that is neither an option nor an option's value) starts with "-", so that it
    was taken for an option. (NAME=VALUE pairs after an option are fine: ``main`` reads them.)
    """
    words = argv[: argv.index("--")] if "--" in argv else argv
    if "draw" not in words:
        return ""
    rest = iter(words[words.index("draw") + 1 :])
    for word in rest:
        if word in TAKE_A_VALUE:
            next(rest, None)  # its value (-o -weird.svg), even one that starts with "-"
        elif not word.startswith("-"):
            return ""  # the formula, and it does not start with "-"
        elif not (word.startswith("--") or word == "-h"):  # the formula
            return f'; a formula that starts with "-" goes after "--": draw -- "{word}" ...'
    return ""
