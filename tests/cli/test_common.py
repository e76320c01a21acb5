"""Tests of ``autograd_lite/cli/common.py``: what the subcommands share (reading numbers,
checking options, printing on any terminal, checking and writing the output files)."""

import argparse
import io
import sys
from types import SimpleNamespace

import pytest

from autograd_lite.cli.common import (
    CommandError,
    check_files_writable,
    check_options,
    checked,
    number,
    numbers,
    option_name,
    output_folder,
    say,
    write_files,
    write_to_standard_output,
)
from nn.validate import integer, positive_int, real


def test_a_number_is_an_int_when_whole_else_a_float():
    assert [number(t) for t in ("3", "-2", "1.5", "1e-3", "2.0")] == [3, -2, 1.5, 1e-3, 2.0]
    assert type(number("3")) is int and type(number("2.0")) is float
    with pytest.raises(argparse.ArgumentTypeError, match="'ten' is not a number"):
        number("ten")


def test_numbers_are_separated_by_commas():
    assert numbers("16,16") == [16, 16] and numbers("0.5") == [0.5]
    with pytest.raises(argparse.ArgumentTypeError, match="'16,x' is not a list of numbers"):
        numbers("16,x")


def test_an_option_is_named_as_it_is_written():
    assert option_name("batch_size") == "--batch-size" and option_name("epochs") == "--epochs"


def test_check_options_converts_in_place_and_skips_unset_options():
    args = SimpleNamespace(epochs=3, hidden=[16, 8], time_limit=2, seed=None)
    check_options(
        args,
        {"epochs": positive_int, "hidden": positive_int, "time_limit": real, "seed": integer},
    )
    assert args == SimpleNamespace(epochs=3, hidden=[16, 8], time_limit=2.0, seed=None)
    assert type(args.time_limit) is float


@pytest.mark.parametrize(
    ("dest", "value", "check", "words"),
    [
        ("epochs", 1.5, positive_int, "--epochs must be a positive int, got 1.5"),
        ("epochs", 0, positive_int, "--epochs must be a positive int (1 or more), got 0"),
        ("hidden", [16, 0], positive_int, "--hidden must be a positive int (1 or more), got 0"),
        ("epochs", 20_000, (positive_int, 10_000), "--epochs must be at most 10,000, got 20,000"),
        ("time_limit", 90.5, (real, 60), "--time-limit must be at most 60, got 90.5"),
    ],
    ids=["wrong-type", "bad-value", "bad-list-item", "too-many", "too-long"],
)
def test_a_bad_option_is_a_command_error_that_starts_with_its_name(dest, value, check, words):
    args = SimpleNamespace(**{dest: value})
    with pytest.raises(CommandError) as error:
        check_options(args, {dest: check})
    assert str(error.value).startswith(words) and error.value.status == 2
    assert getattr(args, dest) == value  # left as it was


def test_say_escapes_what_the_terminal_cannot_show(capsys):
    ascii_terminal = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    say("ｘ = 1 é", file=ascii_terminal)
    ascii_terminal.seek(0)
    assert ascii_terminal.read() == "\\uff58 = 1 \\xe9\n"
    say("ｘ = 1")  # standard output by default
    assert capsys.readouterr().out == "ｘ = 1\n"


def test_an_output_folder_is_checked_but_not_made(tmp_path):
    assert output_folder(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "file").write_text("")
    with pytest.raises(CommandError, match="is a file, not a folder") as error:
        output_folder(tmp_path / "file" / "out")
    assert error.value.status == 1


def test_a_folder_in_place_of_an_output_file_is_refused_before_any_work(tmp_path):
    (tmp_path / "model.json").mkdir()
    check_files_writable(tmp_path, ["history.csv"])  # fine: nothing is written
    with pytest.raises(CommandError, match=r"model\.json: is a folder") as error:
        check_files_writable(tmp_path, ["history.csv", "model.json"])
    assert error.value.status == 1
    check_files_writable(tmp_path / "new" / "folder", ["model.json"])  # to be made later
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


def test_write_files_writes_every_file_or_none(tmp_path):
    out = tmp_path / "out"
    paths = write_files(
        out, {"a.txt": lambda p: p.write_text("A"), "b.txt": lambda p: p.write_text("B")}
    )
    assert paths == [out / "a.txt", out / "b.txt"]
    assert [p.read_text() for p in paths] == ["A", "B"]

    def full_disk(path):
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_files(out, {"a.txt": lambda p: p.write_text("new"), "b.txt": full_disk})
    assert [p.read_text() for p in paths] == ["A", "B"]  # the old files, whole
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.txt"]  # no temporary file
    writers = {"a.txt": lambda p: p.write_text("A"), "b.txt": full_disk}
    with pytest.raises(OSError, match="No space left"):
        write_files(tmp_path / "new" / "folder", writers)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # the folders it made: gone


def test_a_value_at_the_most_is_accepted():
    assert checked(10_000, "--epochs", positive_int, 10_000) == 10_000


def test_an_empty_output_folder_name_is_refused():
    with pytest.raises(CommandError, match="the folder name is empty") as error:
        output_folder("")
    assert error.value.status == 2


def test_say_keeps_newlines_but_escapes_other_controls(capsys):
    say("a\nb\rc")
    assert capsys.readouterr().out == "a\nb\\rc\n"


class ReaderGone(io.StringIO):
    """A stream whose reader has gone (a closed pipe)."""

    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")


def test_say_stops_printing_to_an_output_whose_reader_has_gone(monkeypatch):
    monkeypatch.setattr(sys, "stdout", ReaderGone())
    say("f = 1")  # no error
    assert sys.stdout is None  # nothing more is printed (Python skips a stream that is None)
    say("df/dx = 1")  # no error either


def test_a_gone_reader_of_another_stream_leaves_the_output_as_it_is(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    say("error: ...", file=ReaderGone())  # (standard error, say, closed)
    say("f = 1")
    assert sys.stdout is out and out.getvalue() == "f = 1\n"


class PipeGone(io.TextIOWrapper):
    """Standard output whose reader has gone: its bytes cannot be written either."""

    def __init__(self):
        super().__init__(ReaderGone(), encoding="utf-8")

    @property
    def buffer(self):
        return ReaderGone()


def test_bytes_for_standard_output_go_out_as_they_are(capsysbinary):
    print("first", flush=False)  # printed before: comes first
    write_to_standard_output("é\n".encode() + b"\x89PNG")
    assert capsysbinary.readouterr().out == b"first\n\xc3\xa9\n\x89PNG"


def test_standard_output_of_text_only_takes_the_text(monkeypatch):
    out = io.StringIO()  # (no .buffer: as set by a program that runs main() itself)
    monkeypatch.setattr(sys, "stdout", out)
    write_to_standard_output(b"digraph {}\n")
    assert out.getvalue() == "digraph {}\n"


def test_bytes_for_an_output_whose_reader_has_gone_are_dropped(monkeypatch):
    monkeypatch.setattr(sys, "stdout", PipeGone())
    write_to_standard_output(b"digraph")  # no error
    assert sys.stdout is None
    write_to_standard_output(b"more")  # nor now


@pytest.mark.parametrize(
    "argv, written",
    [
        (["draw", "x", "x=1", "-o", "~/g.dot"], "g.dot"),
        (["draw", "x", "x=1", "--output=~/g.dot"], "g.dot"),
        (["train", "--epochs", "1", "--quiet", "--out=~/results"], "results/model.json"),
    ],
)
def test_a_tilde_the_shell_left_is_the_home_folder(capsys, tmp_path, monkeypatch, argv, written):
    # bash leaves --out=~/x as it is, and so does a quoted "~/x" or Windows' cmd; a folder
    # named ~ in the current one was made instead (and rm -rf ~ would then remove too much)
    from cli_helpers import run

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))  # (Windows)
    status, _, err = run(capsys, *argv)
    assert status == 0, err
    assert (home / written).is_file() and not (tmp_path / "~").exists()
