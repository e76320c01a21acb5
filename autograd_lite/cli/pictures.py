"""Pictures for the command line, drawn within a time limit.

A command must answer in seconds, but Graphviz's layout time grows very fast on some
graphs (one node used by a long chain of operations), and a running Graphviz program
cannot be interrupted from Python. So the drawing runs in a child process in a process
group of its own; when the time is up we stop the whole group, the child and every
Graphviz program it started, and say what to do instead.

The child is given a *recipe* (a module-level function and plain arguments) that builds
the graph again: a recipe can be sent to a new process on any system, a graph may not be.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

from ..files import WRITE_ERRORS
from .common import CommandError

SECONDS = 20  # the most a drawing may take; a picture that needs more is refused
# Graphviz's layout slows down sharply with size: bigger graphs show the nodes nearest the
# output (with a note). An animation lays its graph out once, so it can show more.
MAX_PICTURE_NODES = 150
MAX_ANIMATED_NODES = 500
# What a picture's note advises for seeing the nodes left out: no option of the command line
# shows more, but the library does (its own note names its parameters).
MORE_IN_A_PICTURE = (
    "the command line draws no more; from Python, draw_dot with max_nodes at least that "
    "total draws them all"
)
MORE_IN_AN_ANIMATION = (
    "the command line animates no more; from Python, backprop_animation with a larger "
    "max_nodes does"
)
TOO_SLOW = "the time limit was reached: Graphviz could not lay out this graph in {seconds:g} s."


def write_source(root, path: Path) -> None:
    """The graph as Graphviz source (DOT): needs no Graphviz program, takes no time."""
    from ..viz import draw_dot

    picture = draw_dot(root, max_nodes=MAX_PICTURE_NODES, to_see_more=MORE_IN_A_PICTURE)
    path.write_text(picture.source, encoding="utf-8")


def write_picture(recipe, args: tuple, format: str, path: Path, hint: str = "",
                  seconds: float | None = None, title: str | None = None) -> None:  # fmt: skip
    """Draw the graph that ``recipe(*args)`` returns into ``path`` as ``format`` ("svg",
    "png", or "html" for the animation of its backward pass), in at most ``seconds``
    (default ``SECONDS``), with ``title`` above it.

    ``path`` is written plainly: callers hand in a temporary path from ``atomic_path``.
    Too slow raises ``CommandError`` ending with ``hint``.
    """
    import autograd_lite.viz  # noqa: F401  (here, not in the child: a missing package is named)

    seconds = SECONDS if seconds is None else seconds
    context = multiprocessing.get_context(_start_method())
    with tempfile.TemporaryDirectory(prefix="autograd-lite-") as scratch:
        drawn = Path(scratch) / f"picture.{format}"
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_draw, args=(recipe, args, format, drawn, send, title))
        child.start()
        send.close()  # ours; the child holds its own copy
        outcome = None
        try:
            if receive.poll(seconds):
                outcome = receive.recv()
        except EOFError:  # the child died without a word (killed, crashed)
            outcome = ("died",)
        finally:
            if outcome is None:
                _stop(child)
            child.join()
            receive.close()
        if outcome == ("died",):
            raise CommandError(f"the drawing process stopped (exit code {child.exitcode})", 1)
        if outcome is None:
            raise CommandError(f"{TOO_SLOW.format(seconds=seconds)} {hint}".strip(), status=1)
        if outcome[0] == "cannot write":
            raise OSError(outcome[1], outcome[2])  # (atomic_path names the file)
        if outcome[0] == "error":
            raise CommandError(outcome[1], outcome[2])
        path.write_bytes(drawn.read_bytes())


def _start_method() -> str:
    """``fork`` is quick and safe while this process has one thread; else ``spawn``.

    Not on macOS: its system libraries may run threads that Python does not count, so a
    forked child can crash there (Python has spawned on macOS by default since 3.8).
    """
    if sys.platform == "darwin" or "fork" not in multiprocessing.get_all_start_methods():
        return "spawn"
    return "fork" if threading.active_count() == 1 else "spawn"


def _draw(recipe, args, format: str, target: Path, send, title=None) -> None:
    """In the child: build the graph, draw it into ``target``, report how it went."""
    if hasattr(os, "setsid"):
        os.setsid()  # a process group of our own, so Graphviz is stopped with us
    from ..viz import backprop_animation, draw_dot, render

    try:
        root = recipe(*args)
        if format == "html":
            seed = root.grad or 1.0  # replay the pass that was run (the demo seeds a loss gradient)
            more = MORE_IN_AN_ANIMATION
            animation = backprop_animation(root, gradient=seed, max_nodes=MAX_ANIMATED_NODES,
                                           title=title, to_see_more=more)  # fmt: skip
            animation.save(target)
        else:
            picture = draw_dot(root, max_nodes=MAX_PICTURE_NODES, title=title,
                               to_see_more=MORE_IN_A_PICTURE)  # fmt: skip
            render(picture, target, format)
        send.send(("done",))
    except CommandError as error:
        send.send(("error", str(error), error.status))
    except Exception as error:  # a missing Graphviz program, a full disk: the user's to fix
        if isinstance(error, OSError) and error.errno in WRITE_ERRORS:  # (a full disk, say)
            send.send(("cannot write", error.errno, error.strerror))
        else:
            send.send(("error", str(error) or type(error).__name__, 1))
    finally:
        send.close()


def _stop(child) -> None:
    """Stop the child and every program it started (its process group, where there are
    process groups)."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (AttributeError, OSError):  # no process groups here, or not made yet
        with contextlib.suppress(OSError):
            child.kill()
