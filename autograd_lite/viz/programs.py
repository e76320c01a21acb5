"""Turning a graph description into an SVG or PNG: finding and running a Graphviz program.

``draw_dot`` only writes a description (the DOT language); a Graphviz program lays it out
and draws it. We look for one once and remember it:

1. the environment variable ``AUTOGRAD_LITE_GRAPHVIZ``, if set (a path to a program);
2. the system ``dot`` (``apt-get install graphviz``, ``brew install graphviz``);
3. ``graphviz-pure`` (``pip install graphviz-pure``, no root needed), next to the running
   Python or on ``PATH``.

Both speak the same command line (``-Tsvg``, ``-Tpng``), so we call the program directly.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import graphviz

INSTALL_HINT = (
    "no Graphviz program found to draw the picture. Install one:\n"
    "    pip install graphviz-pure      (no root needed; or: pip install 'autograd-lite[viz]')\n"
    "    apt-get install graphviz       (or: brew install graphviz, conda install graphviz)\n"
    "or set AUTOGRAD_LITE_GRAPHVIZ to the path of a dot program."
)


class GraphvizNotFoundError(RuntimeError):
    """Raised when a picture must be drawn but no Graphviz program is installed."""


def find_programs() -> dict[str, str | None]:
    """Where each known Graphviz program is, or None: ``{"dot": ..., "graphviz-pure": ...}``."""
    exe = ".exe" if sys.platform == "win32" else ""
    pure = None
    for folder in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        candidate = folder / f"graphviz-pure{exe}"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            pure = str(candidate)
            break
    return {"dot": shutil.which("dot"), "graphviz-pure": pure or shutil.which("graphviz-pure")}


@functools.cache
def graphviz_program() -> str:
    """The Graphviz program that draws our pictures, found once (see the module docstring)."""
    chosen = os.environ.get("AUTOGRAD_LITE_GRAPHVIZ")
    if chosen:
        return chosen
    programs = find_programs()
    program = programs["dot"] or programs["graphviz-pure"]
    if program is None:
        raise GraphvizNotFoundError(INSTALL_HINT)
    return program


def run_graphviz(source: str, format: str = "svg", program: str | None = None) -> bytes:
    """Lay out and draw DOT ``source`` in ``format`` ("svg", "png", "pdf", ...)."""
    program = program or graphviz_program()
    try:
        done = subprocess.run(
            [program, f"-T{format}"], input=source.encode("utf-8"), capture_output=True
        )
    except FileNotFoundError:
        raise GraphvizNotFoundError(f"{program!r} is not there. " + INSTALL_HINT) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{program} -T{format} failed ({done.returncode}): {message}")
    return done.stdout


def to_svg(digraph: graphviz.Digraph, program: str | None = None) -> str:
    """The picture as SVG text, ready to embed in HTML or to parse as XML."""
    return run_graphviz(digraph.source, "svg", program).decode("utf-8")


def render(digraph: graphviz.Digraph, path, format: str | None = None, program=None) -> Path:
    """Write the picture to ``path``; the format comes from the suffix (.svg, .png) if not given.

    >>> render(draw_dot(loss), "loss.svg")          # doctest: +SKIP
    """
    path = Path(path)
    format = format or path.suffix.lstrip(".").lower() or "svg"
    path.write_bytes(run_graphviz(digraph.source, format, program))
    return path


class Picture(graphviz.Digraph):
    """A ``graphviz.Digraph`` that draws with the Graphviz program found above.

    So it shows in Jupyter, and ``.pipe()`` / ``.render()`` work, even with only
    ``graphviz-pure`` installed. ``.write("graph.png")`` writes a picture file.
    """

    def pipe(self, format=None, renderer=None, formatter=None, neato_no_op=None, quiet=False,
             *, engine=None, encoding=None):  # fmt: skip
        spec = ":".join(part for part in (format or self.format, renderer, formatter) if part)
        data = run_graphviz(self.source, spec)
        return data.decode(encoding) if encoding else data

    def render(self, filename=None, directory=None, view=False, cleanup=False, format=None,
               **options):  # fmt: skip
        """Like ``graphviz.Digraph.render`` for the common arguments: writes the DOT source,
        then the picture beside it (``<filename>.<format>``), and returns the picture's path."""
        if view or options:
            raise TypeError(
                "Picture.render supports filename, directory, format and cleanup; "
                "for more, use graphviz.Source(picture.source) with a system Graphviz"
            )
        source_path = self.save(filename, directory=directory)
        out = render(self, f"{source_path}.{format or self.format}")
        if cleanup:
            os.remove(source_path)
        return str(out)

    def write(self, path, format: str | None = None) -> Path:
        """Write the picture to ``path`` (SVG, PNG, ... from the suffix)."""
        return render(self, path, format)

    def svg(self) -> str:
        """The picture as SVG text."""
        return to_svg(self)
