"""The ``autograd-lite`` command: ``demo``, ``draw`` and ``train``, one module each.

Each subcommand module has ``add_parser`` (its options) and ``run`` (takes the parsed
arguments, returns the exit status). Problems the user can fix are raised as
``CommandError`` and printed by ``main`` after ``autograd-lite COMMAND: error:``, never as
a traceback: one line, but for a formula's mistake (the formula and a caret under it follow)
and a missing Graphviz program (the ways to install one follow). The exit status is 2 for
bad input, 1 when the machine lacks something or a file cannot be written, 128 + the signal
when stopped (130 for Ctrl-C). The libraries with dependencies
(``autograd_lite.viz``, ``nn`` and its plots) are imported inside the subcommands, so the
engine itself never needs them.

- ``expression``: formulas typed by a user, read safely (never ``eval``);
- ``common``: the errors, option checks and all-or-nothing file writing they share;
- ``pictures``: drawing within a time limit.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys

from .. import __version__
from ..extras import install_hint
from . import demo, draw, train
from .common import CommandError, say


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP (``kill``, a closed terminal), raised as Ctrl-C is, so that it
    cleans up in the same way: the old files stay, temporary ones and the drawing process go."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class UsageError(Exception):
    """argparse's complaint about the command line, raised instead of exiting."""

    def __init__(self, prog: str, message: str):
        super().__init__(message)
        self.prog = prog


class Parser(argparse.ArgumentParser):
    """argparse, with its errors raised (``main`` prints them on one line)."""

    def error(self, message):
        raise UsageError(self.prog, message)


def build_parser() -> Parser:
    parser = Parser(
        prog="autograd-lite",
        description="Learn backpropagation: draw the graph of a formula, or train a tiny network.",
        epilog="Run 'autograd-lite COMMAND --help' for the options of each command.",
    )
    parser.add_argument("--version", action="version", version=f"autograd-lite {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (demo, draw, train):
        command.add_parser(commands)
    return parser


def main(argv=None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    _tolerate_any_terminal()
    parser = build_parser()
    try:
        args, unread = parser.parse_known_args(argv)
        before = argv[: argv.index(args.command)] if args.command in argv else []
        early = [arg for arg in unread if arg in before]
        if early:  # before the command's name, where only --version and --help go
            raise UsageError(
                parser.prog,
                f"unrecognized arguments: {' '.join(early)}; a command's options go after its "
                f"name: {parser.prog} {args.command} {early[0]} ...",
            )
        if args.command == "draw":
            unread = _late_pairs(args, unread, f"{parser.prog} draw")
        if unread:  # said by the command's parser
            raise UsageError(
                f"{parser.prog} {args.command}", f"unrecognized arguments: {' '.join(unread)}"
            )
    except SystemExit as exit:  # --help or --version: argparse has printed it
        return exit.code or 0
    except UsageError as error:
        message = f"{error}{draw.hint_for(argv)} (see {error.prog} --help)"
        return _fail(error.prog, message, 2)
    where = f"{parser.prog} {args.command}"
    try:
        with _stopped_by_signals():
            return args.run(args)
    except CommandError as error:
        return _fail(where, str(error), error.status)
    except ModuleNotFoundError as error:  # (the library's own say how to install it)
        hint = install_hint(error.name)
        told = not hint or hint in str(error)
        return _fail(where, str(error) if told else f"{error}: {hint}", 1)
    except OSError as error:  # cannot write a file: "graph.svg: File too large"
        named = error.filename is not None and error.strerror
        return _fail(where, f"{error.filename}: {error.strerror}" if named else str(error), 1)
    except RuntimeError as error:  # no Graphviz program
        return _fail(where, str(error), 1)
    except Stopped as stop:
        return _fail(where, f"stopped by {signal.Signals(stop.signum).name}", 128 + stop.signum)
    except KeyboardInterrupt:
        return _fail(where, "interrupted", 130)


def _late_pairs(args, unread: list, prog: str) -> list:
    """Read the NAME=VALUE pairs that argparse left over because an option came between them
    and the formula (``draw "x*y" -o g.svg x=2 y=3``: it reads a run of positionals once);
    return the words that are still unread. After a "--" it left over, every word is a
    pair, as argparse reads the words after "--" (``draw "x*y" -o g.svg -- x=2 y=3``)."""
    rest, after_dashes = [], False
    for word in unread:
        if word == "--" and not after_dashes:
            after_dashes = True
        elif after_dashes or ("=" in word and not word.startswith("-")):
            try:
                args.variables.append(draw.assignment(word))
            except argparse.ArgumentTypeError as error:
                raise UsageError(prog, f"argument NAME=VALUE: {error}") from None
        else:
            rest.append(word)
    return rest


@contextlib.contextmanager
def _stopped_by_signals():
    """While a command runs, SIGTERM and SIGHUP raise ``Stopped`` instead of ending the
    program on the spot (which would leave a temporary file and a drawing process behind).
    A signal the command was started ignoring stays ignored (``nohup`` ignores SIGHUP)."""

    def stop(signum, frame):
        raise Stopped(signum)

    names = [name for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]  # (Windows: no HUP)
    signums = [getattr(signal, name) for name in names]
    before = {}
    try:
        for signum in signums:
            if signal.getsignal(signum) not in (signal.SIG_IGN, None):  # None: set in C
                before[signum] = signal.signal(signum, stop)
    except ValueError:  # not the main thread: only the main thread may handle signals
        pass
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def _tolerate_any_terminal() -> None:
    """Write what the terminal's encoding cannot show as escapes (``\\uff58``), never crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # cannot change now: say() copes
                reconfigure(errors="backslashreplace")


def _fail(where: str, message: str, status: int) -> int:
    """Print the error (``say`` shows a control character from the command line as an
    escape, never sends it to the terminal)."""
    say(f"{where}: error: {message}", file=sys.stderr)
    return status
