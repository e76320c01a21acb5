"""Turning a graph description into an SVG or PNG: finding and running a Graphviz program.

``draw_dot`` only writes a description (the DOT language); a Graphviz program lays it out
and draws it. We look for one once and remember it:

1. the environment variable ``AUTOGRAD_LITE_GRAPHVIZ``, if set (a path to a program);
2. the system ``dot`` (``apt-get install graphviz``, ``brew install graphviz``);
3. ``graphviz-pure`` (``pip install graphviz-pure``, no root needed), next to the running
   Python or on ``PATH``.

Both speak the same command line (``-Tsvg``, ``-Tpng``), so we call the program directly.
Every run has a time bound (``DEFAULT_TIMEOUT``, or ``timeout=``), a format the program
cannot write (PDF with ``graphviz-pure``) is refused before anything runs, PNGs are drawn
at 144 dpi (two pixels per point), and files are written atomically (``files.py``).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from ..extras import needs
from ..files import check_writable, write_atomic

try:
    import graphviz
except ModuleNotFoundError as error:
    raise needs(error, "autograd_lite.viz (pictures of graphs)") from None
from ..graph import is_node

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


def graphviz_program() -> str:
    """The Graphviz program that draws our pictures (see the module docstring).

    Found once for each setting of ``PATH`` and ``AUTOGRAD_LITE_GRAPHVIZ``, so installing a
    program or changing ``PATH`` in a running session is noticed.
    """
    return _find_once(os.environ.get("AUTOGRAD_LITE_GRAPHVIZ"), os.environ.get("PATH"))


@functools.lru_cache(maxsize=8)
def _find_once(chosen, path) -> str:
    if chosen:
        if shutil.which(chosen) is None:
            raise GraphvizNotFoundError(
                f"AUTOGRAD_LITE_GRAPHVIZ is {chosen!r}, which is not a program here; "
                + INSTALL_HINT
            )
        return chosen
    programs = find_programs()
    program = programs["dot"] or programs["graphviz-pure"]
    if program is None:
        raise GraphvizNotFoundError(INSTALL_HINT)
    return program


graphviz_program.cache_clear = _find_once.cache_clear  # forget what was found


class GraphvizTimeoutError(RuntimeError):
    """Graphviz took longer than the time it was given."""


#: Seconds a Graphviz run may take unless told otherwise: our pictures are shaped to lay
#: out in well under a second, so a run this long is a tangle, and it is stopped.
DEFAULT_TIMEOUT = 30.0
#: Resolution of raster pictures: 144 dpi is two pixels per point, sharp on a high-density
#: screen (Graphviz's own default, 96 dpi, looks blurred there).
RASTER_DPI = 144
RASTER_FORMATS = {"png", "jpg", "jpeg", "jpe", "gif", "bmp", "tif", "tiff", "webp"}


def _check_timeout(timeout) -> float:
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, got {type(timeout).__name__}")
    if not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    return float(timeout)


@functools.lru_cache(maxsize=8)
def output_formats(program: str) -> frozenset[str] | None:
    """The formats ``program`` can write (``svg``, ``png``, ...), asked once; None if it
    does not say. (Both ``dot`` and ``graphviz-pure`` list them when asked for ``-T?``.)"""
    try:
        done = subprocess.run([program, "-T?"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    _, found, listed = done.stderr.decode("utf-8", "replace").partition("Use one of:")
    if not found:
        return None
    return frozenset(word.split(":")[0] for word in listed.split())


def check_format(format: str, program: str | None = None) -> str:
    """``format`` if the Graphviz program can write it, else a ValueError saying which it
    can (``graphviz-pure`` writes SVG and PNG, not PDF)."""
    program = program or graphviz_program()
    known = output_formats(program)
    base = format.split(":")[0].lower()
    if known is not None and base not in known:
        shown = ", ".join(f for f in ("svg", "png", "jpg", "dot") if f in known)
        hint = (
            " For PDF, install the system Graphviz (apt-get install graphviz, brew install "
            "graphviz) or convert the SVG (rsvg-convert -f pdf g.svg > g.pdf)."
            if base in ("pdf", "ps", "eps")
            else ""
        )
        raise ValueError(
            f"format {format!r}: the Graphviz program {Path(program).name} cannot write it; "
            f"it writes {shown} and others.{hint}"
        )
    return format


def run_graphviz(
    source: str, format: str = "svg", program: str | None = None, timeout: float | None = None
) -> bytes:
    """Lay out and draw DOT ``source`` in ``format`` ("svg", "png", ...).

    ``timeout``: seconds to wait at most (default ``DEFAULT_TIMEOUT``); past it the run is
    stopped and ``GraphvizTimeoutError`` says what to do. Raster formats are drawn at
    ``RASTER_DPI``. A format the program cannot write is refused before anything runs.
    """
    timeout = _check_timeout(timeout)
    program = program or graphviz_program()
    check_format(format, program)
    command = [program, f"-T{format}"]
    if format.split(":")[0].lower() in RASTER_FORMATS:
        command.append(f"-Gdpi={RASTER_DPI}")
    try:
        done = subprocess.run(
            command, input=source.encode("utf-8"), capture_output=True, timeout=timeout
        )
    except FileNotFoundError:
        raise GraphvizNotFoundError(f"{program!r} is not there. " + INSTALL_HINT) from None
    except subprocess.TimeoutExpired:
        raise GraphvizTimeoutError(
            f"Graphviz could not lay out this graph in {timeout:g} s and was stopped. Draw "
            "fewer nodes (draw_dot(..., max_nodes=100)), or give it longer (timeout=...)"
        ) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{program} -T{format} failed ({done.returncode}): {message}")
    return done.stdout


def to_svg(digraph: graphviz.Digraph, program: str | None = None, timeout=None) -> str:
    """The picture as SVG text, ready to embed in HTML or to parse as XML."""
    return run_graphviz(_source_of(digraph, "to_svg"), "svg", program, timeout).decode("utf-8")


def render(
    digraph: graphviz.Digraph, path, format: str | None = None, program=None, timeout=None
) -> Path:
    """Write the picture to ``path`` atomically; the format comes from the suffix (.svg,
    .png) if not given. ``timeout`` is as in ``run_graphviz``.

    >>> render(draw_dot(loss), "loss.svg")          # doctest: +SKIP
    """
    source = _source_of(digraph, "render")
    path = writable_path(path, "render")  # before Graphviz runs
    format = format or path.suffix.lstrip(".").lower() or "svg"
    return write_atomic(path, run_graphviz(source, format, program, timeout))


def writable_path(path, who: str) -> Path:
    """``path`` checked before any work (``files.check_writable``): a TypeError naming
    ``who``'s ``path`` when it is not a str or a ``pathlib.Path`` (None, a number)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{who}: path must be a file name, a str or a pathlib.Path, "
                        f"got {type(path).__name__}")  # fmt: skip
    return check_writable(path)


def _source_of(picture, who) -> str:
    """The DOT text of a picture (what ``draw_dot`` returns), or a TypeError saying what to give."""
    source = getattr(picture, "source", None)
    if isinstance(source, str):
        return source
    hint = f"draw it first: {who}(draw_dot(y), ...)" if is_node(picture) else "give draw_dot(y)"
    raise TypeError(f"{who} needs a picture, got {type(picture).__name__}: {hint}")


class Picture(graphviz.Digraph):
    """A ``graphviz.Digraph`` that draws with the Graphviz program found above.

    So it shows in Jupyter, and ``.pipe()`` / ``.render()`` work, even with only
    ``graphviz-pure`` installed. ``.write("graph.png")`` writes a picture file.
    """

    #: Seconds Graphviz may take for this picture (None: ``DEFAULT_TIMEOUT``).
    timeout: float | None = None

    def __repr__(self):
        return f"<Picture: {len(self.body)} lines of Graphviz DOT; .write(path) saves it as a file>"

    def _spec(self, format, renderer, formatter) -> str:
        """Graphviz's ``-T`` value, such as ``svg`` or ``png:cairo``."""
        return ":".join(part for part in (format or self.format, renderer, formatter) if part)

    def pipe(self, format=None, renderer=None, formatter=None, neato_no_op=None, quiet=False,
             *, engine=None, encoding=None):  # fmt: skip
        data = run_graphviz(self.source, self._spec(format, renderer, formatter),
                            timeout=self.timeout)  # fmt: skip
        return data.decode(encoding) if encoding else data

    def render(self, filename=None, directory=None, view=False, cleanup=False, format=None,
               renderer=None, formatter=None, neato_no_op=None, quiet=False, quiet_view=False,
               *, outfile=None, engine=None, raise_if_result_exists=False,
               overwrite_source=False):  # fmt: skip
        """Like ``graphviz.Digraph.render``: writes the DOT source, then the picture beside
        it (``<filename>.<format>``, or ``outfile``), and returns the picture's path.

        The layout is always ``dot``'s; ``view`` is not supported (there may be no screen).
        """
        if view or quiet_view:
            raise TypeError("Picture.render cannot open a viewer: open the file it returns")
        if engine not in (None, "dot"):
            raise ValueError(f"Picture.render lays out with dot only, not {engine!r}")
        if outfile is not None:
            outfile = Path(outfile)
            format = format or outfile.suffix.lstrip(".") or self.format
            filename = filename or outfile.with_suffix(".gv")
        spec = check_format(self._spec(format, renderer, formatter))  # before writing anything
        if filename is not None:
            self.filename = filename
        if directory is not None:
            self.directory = directory
        source_path = Path(self.filepath)
        target = outfile if outfile is not None else Path(f"{source_path}.{format or self.format}")
        if raise_if_result_exists and target.exists():
            raise FileExistsError(f"Picture.render: {target} exists already")
        data = run_graphviz(self.source, spec, timeout=self.timeout)  # first: nothing written yet
        source_path.parent.mkdir(parents=True, exist_ok=True)
        if not cleanup:  # the DOT source beside the picture, as graphviz's render keeps it
            write_atomic(source_path, self.source)
        write_atomic(target, data)
        return str(target)

    def write(self, path, format: str | None = None, timeout: float | None = None) -> Path:
        """Write the picture to ``path`` (SVG, PNG at 144 dpi, ... from the suffix).
        ``timeout``: seconds Graphviz may take (default: ``self.timeout``, then 30)."""
        writable_path(path, "Picture.write")
        return render(self, path, format, timeout=self.timeout if timeout is None else timeout)

    def svg(self, timeout: float | None = None) -> str:
        """The picture as SVG text."""
        return to_svg(self, timeout=self.timeout if timeout is None else timeout)
