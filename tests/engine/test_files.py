"""Tests of ``autograd_lite/files.py``: atomic writes (the old file stays whole until the new
one is complete, and no temporary file is left behind) and the check that a path can be
written."""

import os
import sys
import tempfile

import pytest

from autograd_lite.files import atomic_path, check_writable, write_atomic


def test_write_atomic_writes_text_as_utf8_and_bytes_as_they_are(tmp_path):
    text, raw = tmp_path / "text.txt", tmp_path / "raw.bin"
    assert write_atomic(str(text), "é ✓\n") == text  # a str path comes back as a Path
    assert text.read_bytes() == "é ✓\n".encode()
    for data in (b"\x00\xff", bytearray(b"\x01"), memoryview(b"\x02\x03")):
        write_atomic(raw, data)
        assert raw.read_bytes() == bytes(data)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw.bin", "text.txt"]


def test_write_atomic_replaces_an_old_file_and_refuses_data_that_is_not_text(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")
    with pytest.raises(TypeError, match="data must be str or bytes, got int"):
        write_atomic(path, 3)
    assert path.read_text() == "old"
    write_atomic(path, "new")
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_path_writes_beside_the_target_and_replaces_it_on_success(tmp_path):
    path = tmp_path / "picture.svg"
    path.write_text("old")
    with atomic_path(path, suffix=".svg") as tmp:
        assert tmp.parent == tmp_path and tmp.name.endswith(".svg") and tmp != path
        tmp.write_text("new")
        assert path.read_text() == "old"  # not yet replaced
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["picture.svg"]


def test_atomic_path_leaves_the_old_file_and_no_temporary_one_after_an_error(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("old")
    with pytest.raises(OSError, match="No space left") as error, atomic_path(path) as tmp:
        tmp.write_text("half")
        raise OSError(28, "No space left on device", str(tmp))
    assert error.value.filename == str(path)  # named by the file, not the temporary one
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_a_written_file_gets_the_users_umask_not_a_private_mode(tmp_path):
    before = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "shared.txt", "hello")
    finally:
        os.umask(before)
    assert path.stat().st_mode & 0o777 == 0o644


def test_check_writable_accepts_a_new_or_existing_file_and_leaves_nothing(tmp_path):
    existing = tmp_path / "old.txt"
    existing.write_text("kept")
    assert check_writable(tmp_path / "new.txt") == tmp_path / "new.txt"
    assert check_writable(str(existing)) == existing
    assert existing.read_text() == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["old.txt"]


def test_check_writable_refuses_a_folder_a_missing_folder_and_an_unwritable_one(
    tmp_path, monkeypatch
):
    with pytest.raises(ValueError, match="is a folder; give a file name"):
        check_writable(tmp_path)
    with pytest.raises(ValueError, match=r"the folder .* does not exist; create it first"):
        check_writable(tmp_path / "missing" / "out.txt")

    def refuse(*args, **kwargs):  # as a read-only folder would (tests may run as root)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(ValueError, match=r"cannot write in .* \(Permission denied\)"):
        check_writable(tmp_path / "out.txt")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "target, said",
    [("missing/out.svg", r"the folder .*missing does not exist; create it first"),
     (".", "is a folder; give a file name"),
     ("", "the path is empty; give a file name"),
     ("x" * 300 + ".svg", "x.svg: File name too long")],
)  # fmt: skip
def test_writing_where_no_file_can_be_says_why_and_leaves_nothing(
    tmp_path, monkeypatch, target, said
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=said):
        write_atomic(target, "hello")
    with pytest.raises(ValueError, match=said), atomic_path(target):
        pass
    assert list(tmp_path.iterdir()) == []  # no temporary file named in an error, or left


def test_replacing_a_file_keeps_its_permissions_and_writes_through_a_link(tmp_path):
    private = tmp_path / "private.json"
    private.write_text("old")
    private.chmod(0o600)
    write_atomic(private, "new")
    assert private.read_text() == "new" and (private.stat().st_mode & 0o777) == 0o600
    (tmp_path / "real").mkdir()
    target, link = tmp_path / "real" / "model.json", tmp_path / "model.json"
    target.write_text("old")
    link.symlink_to(target)
    write_atomic(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["model.json"]


@pytest.mark.parametrize("path", [5, None, b"out.txt"])
def test_a_path_that_is_not_a_str_or_a_path_is_a_type_error(path):
    with pytest.raises(TypeError, match="the path to write to must be a str or a Path"):
        write_atomic(path, "x")
    with pytest.raises(TypeError, match="the path to write to must be a str or a Path"):
        check_writable(path)


def test_a_link_is_checked_where_it_points(tmp_path):
    dangling = tmp_path / "model.json"
    dangling.symlink_to(tmp_path / "no_folder" / "model.json")
    with pytest.raises(ValueError, match="does not exist; create it first"):
        write_atomic(dangling, "x")  # said before writing, not a raw error naming a .tmp file
    with pytest.raises(ValueError, match="does not exist; create it first"):
        check_writable(dangling)
    (tmp_path / "other").mkdir()
    elsewhere = tmp_path / "out.json"
    elsewhere.symlink_to(tmp_path / "other" / "out.json")  # not there yet: made through it
    write_atomic(elsewhere, "new")
    assert elsewhere.is_symlink() and (tmp_path / "other" / "out.json").read_text() == "new"


def test_a_failed_replace_names_the_file_not_the_temporary_one(tmp_path, monkeypatch):
    import errno

    target = tmp_path / "model.json"
    target.write_text("old")

    def refuse(source, destination):
        raise PermissionError(
            errno.EPERM, "Operation not permitted", str(source), None, str(destination)
        )

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(
        OSError, match=r"cannot replace .*model\.json: Operation not permitted"
    ) as error:
        write_atomic(target, "new")
    assert ".tmp" not in str(error.value) and target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]  # no temporary file left


def test_a_folder_that_takes_no_new_file_is_named_by_the_file_not_the_temporary_one(
    tmp_path, monkeypatch
):
    import errno

    target = tmp_path / "model.json"
    target.write_text("old")
    make = os.open

    def read_only(path, flags, *args):  # as a read-only folder would (tests may run as root)
        if flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return make(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(PermissionError, match=r"cannot write .*model\.json: Permission denied"):
        write_atomic(target, "new")
    with (
        pytest.raises(PermissionError, match=r"cannot write .*model\.json") as error,
        atomic_path(target),
    ):
        pass
    assert ".tmp" not in str(error.value) and target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_in_the_way_is_refused_and_kept(tmp_path):
    fifo = tmp_path / "pipe.svg"
    os.mkfifo(fifo)
    link = tmp_path / "link.svg"
    link.symlink_to(fifo)
    for path in (fifo, link):
        with pytest.raises(ValueError, match=r"pipe\.svg: is not a regular file \(a FIFO\)"):
            check_writable(path)
        with pytest.raises(ValueError, match="is not a regular file"):
            write_atomic(path, "x")  # renamed over, the FIFO would be gone
    assert fifo.is_fifo() and link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.svg", "pipe.svg"]


@pytest.mark.parametrize("name", ["a" * 240 + ".svg", "é" * 125 + ".svg", "a." + "b" * 250])
def test_a_name_as_long_as_the_file_system_takes_can_be_written(tmp_path, name):
    # up to 254 bytes: the temporary name beside it is shortened to fit in 255
    path = tmp_path / name
    assert check_writable(path) == path
    with atomic_path(path, suffix=path.suffix) as tmp:
        tmp.write_text("new")
    assert write_atomic(path, "newer").read_text() == "newer"
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_only_an_error_in_writing_the_file_is_named_by_it(tmp_path):
    # a full disk while writing b.svg names b.svg, even inside the block of a.svg; an
    # error about another file (an input that is missing) is passed on as it is
    import errno

    a, b = atomic_path(tmp_path / "a.svg"), atomic_path(tmp_path / "b.svg")
    with pytest.raises(OSError) as raised, a, b:
        raise OSError(errno.EFBIG, "File too large")
    assert raised.value.filename == str(tmp_path / "b.svg")
    # the temporary file named as bytes, or by its absolute path: the target's name still
    for spelled in (os.fsencode, os.path.abspath):
        with pytest.raises(OSError) as raised, atomic_path(tmp_path / "c.svg") as tmp:
            raise OSError(errno.ENOSPC, "No space left on device", spelled(str(tmp)))
        assert raised.value.filename == str(tmp_path / "c.svg")
    missing = tmp_path / "input.csv"
    with pytest.raises(FileNotFoundError) as raised, atomic_path(tmp_path / "out.txt"):
        missing.read_text()
    assert raised.value.filename == str(missing)
    assert list(tmp_path.iterdir()) == []


def test_an_error_that_is_no_failed_write_keeps_its_name_even_the_temporary_files(tmp_path):
    # only a failed write (a full disk, a file too large, a failing device) is named by the
    # target: "no such file" said of a file that is being created would be wrong
    import errno

    target = tmp_path / "out.txt"
    with pytest.raises(FileNotFoundError) as raised, atomic_path(target) as tmp:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(tmp))
    assert raised.value.filename == str(tmp) != str(target)
    assert list(tmp_path.iterdir()) == []


def test_a_relative_temporary_file_named_by_its_absolute_path_is_the_file(tmp_path, monkeypatch):
    import errno

    monkeypatch.chdir(tmp_path)
    with pytest.raises(OSError) as raised, atomic_path("out.svg") as tmp:
        assert not tmp.is_absolute()
        raise OSError(errno.ENOSPC, "No space left on device", os.path.abspath(tmp))
    assert raised.value.filename == "out.svg"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_a_device_in_the_way_is_refused_as_a_device():
    with pytest.raises(ValueError, match=r"^/dev/null: is not a regular file \(a device\)"):
        check_writable("/dev/null")


def test_a_temporary_name_keeps_the_files_name_and_suffix_while_they_fit(tmp_path):
    # a temporary file left by a killed program says whose it was; a writer that picks the
    # format by the suffix (Graphviz, matplotlib) still gets it beside a long name
    limit = os.pathconf(tmp_path, "PC_NAME_MAX")
    fits = "a" * (limit - len(".") - len(".12345678.tmp"))  # the temporary name: 255 bytes
    with atomic_path(tmp_path / fits) as tmp:
        assert tmp.name.startswith(f".{fits}.") and len(tmp.name) == limit
    too_long = "b" * (limit - 8) + ".svg"
    with atomic_path(tmp_path / too_long, suffix=".svg") as tmp:
        assert tmp.name.startswith(".") and tmp.suffix == ".svg" and "bbb" not in tmp.name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([fits, too_long])


def test_a_temporary_name_fits_the_file_systems_own_limit(tmp_path, monkeypatch):
    # eCryptfs takes names of 143 bytes, not 255: the limit is asked of the folder
    monkeypatch.setattr(os, "pathconf", lambda folder, name: 100)
    name = "c" * 90 + ".json"
    with atomic_path(tmp_path / name) as tmp:
        assert len(tmp.name) <= 100 and not tmp.name.startswith(".ccc")
        tmp.write_text("{}")
    assert (tmp_path / name).read_text() == "{}"


def test_an_error_naming_a_file_descriptor_is_passed_on_as_it_is(tmp_path):
    # os.stat(fd) and the like name the descriptor: it may be any file's, so not the target's
    import errno

    with pytest.raises(OSError) as raised, atomic_path(tmp_path / "out.txt"):
        raise OSError(errno.EIO, "Input/output error", 7)
    assert raised.value.filename == 7
    assert list(tmp_path.iterdir()) == []
