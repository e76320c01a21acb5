"""What the subcommands share: their errors, the checks of their options, and file writing.

One rule for options, as everywhere in the project (``nn.validate``): text that is not a
number at all, or a number of the wrong kind (``--epochs 1.5``), is the wrong type; a
number of the right kind out of range (``--epochs 0``) is a bad value. Either way the
message starts with the option's name and says what would be accepted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import unicodedata
from pathlib import Path


class CommandError(Exception):
    """A problem to report without a traceback; ``status`` is the exit status (2 for bad
    input, 1 when the machine lacks something or a file cannot be written)."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


#: The characters that reverse or embed a direction of text (U+202A-202E, U+2066-2069).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def say(text: str, file=None) -> None:
    """Print ``text``, whatever the terminal's encoding: a character it cannot show is
    written as an escape (``\\uff58``) instead of crashing the program, and so is a control
    character (a file name from the command line with ``\\x1b`` could clear the screen).

    When the reader of the output has gone (``autograd-lite draw ... | head -1``), the rest
    is not printed, and the command carries on: its files are written all the same.
    """
    file = file or sys.stdout
    if file is None:  # the output was closed earlier
        return
    encoding = getattr(file, "encoding", None) or "utf-8"
    text = "".join(repr(char)[1:-1] if _controls(char) else char for char in text)
    try:
        print(text.encode(encoding, "backslashreplace").decode(encoding), file=file, flush=True)
    except BrokenPipeError:
        if file is sys.stdout:
            sys.stdout = None  # print nothing more (Python skips a stream that is None)


#: The file name that means standard output (``draw -o -``), as for most Unix tools. A file
#: really named "-" is still reachable as ``./-``.
STANDARD_OUTPUT = "-"


def write_to_standard_output(data: bytes) -> None:
    """Write ``data`` to standard output as it is (``draw -o -``): the bytes a file would
    hold, whatever the terminal's encoding. When the reader has gone (``... -o - | head -c
    5``), the rest is dropped without a word, as ``say`` drops its lines: the reader has
    what it wanted. Another failure (``-o - > g.svg`` on a full disk) raises its OSError,
    once: what is left for standard output is dropped too."""
    out = sys.stdout
    if out is None:  # closed earlier (a reader gone while printing)
        return
    try:
        out.flush()  # what was printed before comes first
        binary = getattr(out, "buffer", None)
        if binary is None:  # (text only, set by a program that runs main(): draw sends no PNG)
            out.write(data.decode("utf-8", "backslashreplace"))
            out.flush()
        else:
            binary.write(data)
            binary.flush()
    except BrokenPipeError:
        sys.stdout = None  # print nothing more (and Python's flush at exit skips it)
    except OSError:
        sys.stdout = None  # (else Python's flush at exit fails again)
        raise


def _controls(char: str) -> bool:
    """True for a character that steers the terminal instead of showing: a control
    character but the newline (ESC, a carriage return), a line or paragraph separator, or
    one that reverses the direction of text. Other characters print as they are (a narrow
    no-break space in a file name, an emoji joined by a zero-width joiner)."""
    if char == "\n":
        return False
    return unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _BIDI


# --- options -----------------------------------------------------------------------------


def number(text: str) -> int | float:
    """An argparse type: the number written in ``text``, an int if it is whole (``"3"``),
    else a float (``"1.5"``, ``"1e-3"``). Its kind and range are checked later, by name."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"{text!r} is not a number")


def numbers(text: str) -> list[int | float]:
    """An argparse type: a comma-separated list of numbers, ``"16,16"`` -> ``[16, 16]``."""
    try:
        return [number(part) for part in text.split(",")]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of numbers, such as 16,16"
        ) from None


def option_name(dest: str) -> str:
    """The option an argparse ``dest`` comes from: ``batch_size`` -> ``--batch-size``."""
    return "--" + dest.replace("_", "-")


def check_options(args, checks: dict) -> None:
    """Check and convert each option of ``args`` in place with its ``nn.validate`` check.

    ``checks`` maps a ``dest`` to ``check`` or ``(check, most)``; an option left unset
    (``None``) is skipped. A failed check becomes a one-line ``CommandError``.
    """
    for dest, check in checks.items():
        check, most = check if isinstance(check, tuple) else (check, None)
        value = getattr(args, dest)
        if value is None:
            continue
        if isinstance(value, list):
            value = [checked(item, option_name(dest), check, most) for item in value]
        else:
            value = checked(value, option_name(dest), check, most)
        setattr(args, dest, value)


def checked(value, name: str, check, most=None):
    """``check(value, name)`` (an ``nn.validate`` function), and at most ``most``."""
    try:
        value = check(value, name)
    except (TypeError, ValueError) as error:
        raise CommandError(str(error)) from None
    if most is not None and value > most:
        shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        raise CommandError(f"{name} must be at most {most:,}, got {shown}")
    return value


# --- files -------------------------------------------------------------------------------


def output_folder(name) -> Path:
    """The folder to write into, checked now (before any work) and made only when there is
    something to write. Its nearest existing ancestor must be a folder we may write in."""
    if not name:  # ("" would quietly mean this folder)
        raise CommandError("--out: the folder name is empty; give one, such as --out results")
    if name == STANDARD_OUTPUT:  # (what "-" means to draw -o; a folder so named would surprise)
        raise CommandError(
            "--out -: the files go into a folder, not to standard output; give a folder "
            "name, such as --out results (a folder named - is --out ./-)"
        )
    folder = Path(os.path.expanduser(name))  # (~ the shell left: --out=~/x, or a quoted "~")
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        raise CommandError(f"--out {name}: {existing} is a file, not a folder", status=1)
    return folder


def _nearest_existing(folder: Path) -> Path:
    """``folder``, or the nearest of its parents that exists."""
    try:
        return next(p for p in (folder, *folder.parents) if p.exists())
    except OSError as error:  # a name too long for the file system
        raise CommandError(f"--out {folder}: {error.strerror}", status=1) from None


def check_files_writable(folder: Path, names) -> None:
    """Fail now, before any training, if a file of ``names`` could not be written in
    ``folder`` (a folder or a FIFO in its place, no permission to write), or ``folder``
    could not be made."""
    from ..files import check_writable

    existing = _nearest_existing(folder)
    if existing == folder:
        paths = [folder / name for name in names]
    else:  # the folder is to be made inside ``existing``: may its first part be written?
        made = folder
        while made.parent != existing:
            made = made.parent
        paths = [made]
    for path in paths:
        try:
            check_writable(path)
        except ValueError as error:
            raise CommandError(f"--out {folder}: {error}", status=1) from None


def write_files(folder: Path, writers: dict) -> list[Path]:
    """Write every file of ``writers`` (name -> function of a temporary path) into
    ``folder``: all of them or none, as far as the renames allow.

    Each writer fills a temporary file beside its target; only when every one has
    succeeded are they renamed into place. On a failure while writing (a full disk, an
    error, Ctrl-C) the temporary files, and the folder if this call made it, are removed,
    and the old files stay as they were. The renames themselves come one after another:
    if one of them fails (a file made read-only meanwhile), the files renamed before it
    are already new.
    """
    from ..files import atomic_path

    made = [p for p in (folder, *folder.parents) if not p.exists()]  # innermost first
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / name for name in writers]
    try:
        with contextlib.ExitStack() as files:
            for path, write in zip(paths, writers.values()):
                write(files.enter_context(atomic_path(path, suffix=path.suffix)))
    except BaseException:
        with contextlib.suppress(OSError):
            for made_folder in made:
                made_folder.rmdir()  # empty again: its files were never renamed into place
        raise
    return paths
