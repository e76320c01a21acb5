"""Writing files atomically: the old file stays whole until the new one is complete.

Everything autograd-lite writes (a saved model, a picture, an animation, a history) goes
through here. The bytes go to a temporary file in the same folder, which is then renamed
over the target with ``os.replace`` (atomic on POSIX and Windows). If anything fails on
the way (a full disk, an interrupted program), the old file is untouched and the temporary
one is removed: no half-written file is ever left behind. Replacing a file keeps its
permission bits (not its owner or group), and a path that is a symbolic link has the file
it points to replaced, so the link stays a link. Only a regular file is replaced: a FIFO
or a device (``/dev/null``) in the way is refused, since the rename would delete it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
import tempfile
from pathlib import Path

__all__ = ["atomic_path", "check_writable", "write_atomic"]


#: What writing a file can run into, once it is open: a full disk or quota, a file too large
#: for a limit, a failing device. Such an error names the file being written.
WRITE_ERRORS = {errno.ENOSPC, errno.EFBIG, errno.EIO, getattr(errno, "EDQUOT", errno.ENOSPC)}


@contextlib.contextmanager
def atomic_path(path, suffix=""):
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    For writers that want a file name rather than bytes (a Graphviz program, a plotting
    library). On an exception the temporary file is removed and ``path`` is left as it was.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("hello")
    >>> target.read_text()
    'hello'
    """
    path = _target(path)
    try:
        tmp = _new_file(path.parent, *_temporary_name(path, suffix or ".tmp"))
    except OSError as error:  # (a read-only folder): named by the file, not the temporary one
        raise OSError(error.errno, f"cannot write {path}: {error.strerror or error}") from None
    try:
        try:
            yield tmp
        except OSError as error:  # (a full disk): named by the file, not the temporary one
            if error.errno not in WRITE_ERRORS or not _names(error.filename, tmp):
                raise  # not writing this file went wrong (an input missing, say): as it is
            raise OSError(error.errno, error.strerror, str(path)) from None
        with contextlib.suppress(OSError):  # (no old file: the new one keeps the usual mode)
            shutil.copymode(path, tmp)
        try:
            os.replace(tmp, path)
        except OSError as error:  # named by the file, not by the temporary one
            raise OSError(error.errno, f"cannot replace {path}: {error.strerror}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _target(path) -> Path:
    """``path`` as a Path to write to, or a ValueError when it cannot be a file there."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"the path to write to must be a str or a Path, got {type(path).__name__} {path!r}"
        )
    given, path = path, Path(path)
    if not str(given):
        raise ValueError("the path is empty; give a file name to write to")
    if "\0" in str(path):  # (no system takes one: os calls would say "embedded null byte")
        raise ValueError(f"the path {str(given)!r} holds a NUL character; no file can be named so")
    try:
        if path.is_symlink():  # the file it points to is what gets written, so check that one
            path = Path(os.path.realpath(path))
        if path.is_dir():
            raise ValueError(f"{path}: is a folder; give a file name to write to")
        if path.exists() and not path.is_file():  # renamed over, a FIFO or a device is lost
            raise ValueError(
                f"{path}: is not a regular file ({_kind(path)}); give a file name to write to"
            )
        if not path.parent.is_dir():
            raise ValueError(f"{path}: the folder {path.parent} does not exist; create it first")
    except OSError as error:  # a name too long for the file system, a folder we may not enter
        raise ValueError(f"{given}: {error.strerror}") from None
    return path


def _names(filename, tmp: Path) -> bool:
    """True when an error's ``filename`` is the temporary file ``tmp`` (as a str, bytes or
    a Path, relative or absolute), or when the error names no file."""
    if filename is None:
        return True
    try:
        return os.path.abspath(os.fsdecode(filename)) == os.path.abspath(tmp)
    except TypeError:  # (a file descriptor, say)
        return False


def _kind(path: Path) -> str:
    """What a path that is neither a file nor a folder is: "a FIFO", "a device", ..."""
    mode = path.stat().st_mode
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket" if stat.S_ISSOCK(mode) else "not a file"


def _temporary_name(path: Path, suffix: str) -> tuple[str, str]:
    """How the name of a temporary file beside ``path`` starts and ends: ``.NAME.`` and
    ``suffix`` around 8 random characters, shortened when that would be too long for the
    file system (a name of 244 bytes is fine, but 14 bytes more would pass the usual 255)."""
    limit = _longest_name(path.parent)
    for start, end in ((f".{path.name}.", suffix), (".", suffix)):
        if len(os.fsencode(f"{start}12345678{end}")) <= limit:
            return start, end
    return ".", ".tmp"  # (a suffix too long to keep: 13 bytes fit anywhere)


def _longest_name(folder: Path) -> int:
    """The most bytes a file name may have in ``folder`` (255 where the system won't say)."""
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):  # (no pathconf on Windows)
        return 255


def _new_file(folder: Path, prefix: str, suffix: str) -> Path:
    """A new empty file with a name of its own in ``folder``, made with the usual mode (the
    user's umask applies, as for any file they write; ``mkstemp`` would make it private)."""
    for _ in range(100):
        name = folder / f"{prefix}{secrets.token_hex(4)}{suffix}"
        try:
            os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return name
    raise FileExistsError(f"no free temporary name in {folder}")


def write_atomic(path, data) -> Path:
    """Write ``data`` (``str`` as UTF-8, or ``bytes``) to ``path`` atomically; return the path."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    elif not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"write_atomic: data must be str or bytes, got {type(data).__name__}")
    with atomic_path(path) as tmp, open(tmp, "wb") as f:  # (atomic_path checks the path)
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return Path(path)


def check_writable(path) -> Path:
    """Check, before any work, that ``path`` can be written; raise ``ValueError`` if not.

    ``path`` must not be a folder, and its folder must exist and accept a new file (found by
    creating and removing a temporary one, which is the only sure test).
    """
    path = _target(path)
    folder = path.parent
    try:
        prefix, suffix = _temporary_name(path, ".check")
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    except OSError as error:
        raise ValueError(f"{path}: cannot write in {folder} ({error.strerror})") from None
    os.close(fd)
    os.unlink(name)
    return path
