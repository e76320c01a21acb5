"""``autograd-lite train``: model, history and plots; bad options; nothing half-written."""

import csv
import json
import os
import re
import sys
from pathlib import Path

import pytest
from cli_helpers import PNG, assert_one_line_error, run

pytest.importorskip("graphviz")
pytest.importorskip("matplotlib")


# --- train ---------------------------------------------------------------------------------

TRAIN_FILES = ["model.json", "history.csv", "replay.html", "decision-boundary.png", "loss.png"]


def test_train_moons_saves_model_history_and_plots(capsys, tmp_path):
    status, out, err = run(capsys, "train", "--epochs", "4", "--hidden", "8,4", "--out", "t",
                           "--samples", "40", "--quiet")  # fmt: skip
    assert status == 0, err
    folder = tmp_path / "t"
    assert out.splitlines() == [f"wrote {Path('t') / name}" for name in TRAIN_FILES]
    with open(folder / "history.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(row["epoch"]) for row in rows] == [1, 2, 3, 4]
    assert all(0.0 <= float(row["accuracy"]) <= 1.0 for row in rows)
    assert {float(row["lr"]) for row in rows} == {0.1}  # the default rate for sgd
    assert json.loads((folder / "model.json").read_text())["config"]["nouts"] == [8, 4, 1]
    for picture in ("decision-boundary.png", "loss.png"):
        assert (folder / picture).read_bytes().startswith(PNG)
    replay = (folder / "replay.html").read_text()  # the run, epoch by epoch
    assert replay.startswith("<!DOCTYPE html>") and '"epoch":4' in replay


def test_train_spirals_has_one_output_per_class(capsys, tmp_path):
    import nn

    status, out, err = run(capsys, "train", "--dataset", "spirals", "--optimizer", "adam",
                           "--activation", "tanh", "--lr", "0.05", "--epochs", "2",
                           "--samples", "30", "--batch-size", "10", "--seed", "3")  # fmt: skip
    assert status == 0, err
    assert "spirals (30 points), adam lr=0.05" in out
    assert "trained 2 epochs in" in out
    assert "; the trained model on the training points: accuracy" in out
    # (why its figures are not the progress bar's last ones)
    assert "(the progress bar shows each epoch's mean, taken while the model learned)" in out
    model = nn.load(tmp_path / "autograd-lite-train" / "model.json")
    assert model.nouts == [16, 16, 3]
    assert model.activation == "tanh"


def test_train_is_reproducible(capsys, tmp_path):
    for folder in ("a", "b"):
        run(capsys, "train", "--dataset", "circles", "--epochs", "2", "--samples", "20",
            "--out", folder, "--quiet")  # fmt: skip
    assert (tmp_path / "a" / "model.json").read_text() == (
        tmp_path / "b" / "model.json"
    ).read_text()


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--dataset", "mnist"], "invalid choice"),
        (["--hidden", "16,x"], "not a list of numbers"),
        (["--hidden", "16,0"], "--hidden must be a positive int"),
        (["--lr", "-1"], "--lr must be a finite number > 0"),
        (["--lr", "inf"], "finite"),
        (["--noise", "-0.1"], "from 0 to 10"),
        (["--noise", "1e308"], "from 0 to 10"),
        (["--samples", "1"], "too few for moons"),
        (["--dataset", "spirals", "--samples", "2"], "its 3 classes need at least 3"),
        (["--epochs", "1.5"], "--epochs must be a positive int, got 1.5 (float)"),
        (["--optimizer", "rmsprop"], "invalid choice"),
        (["--activation", "swish"], "invalid choice"),
        (["--batch-size", "0"], "--batch-size must be a positive int"),
    ],
)
def test_train_bad_arguments_are_one_line_errors(capsys, tmp_path, argv, words):
    status, _, err = run(capsys, "train", *argv)
    assert_one_line_error(status, err, words)
    assert list(tmp_path.iterdir()) == []


def test_train_into_a_folder_under_a_file_is_refused_before_training(capsys, tmp_path):
    (tmp_path / "afile").write_text("")
    status, out, err = run(capsys, "train", "--out", "afile/sub", "--epochs", "1")
    assert_one_line_error(status, err, "afile is a file, not a folder", expected_status=1)
    assert out == "" and [p.name for p in tmp_path.iterdir()] == ["afile"]


@pytest.mark.parametrize("command", ["train", "demo"])
def test_without_matplotlib_nothing_is_trained_or_written(capsys, tmp_path, monkeypatch, command):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    status, out, err = run(capsys, command, "--out", "results", "--epochs", "1")
    assert_one_line_error(status, err, "pip install 'autograd-lite[train]'", expected_status=1)
    assert out == "" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_train_that_diverges_says_so_and_saves_nothing(capsys, tmp_path, optimizer):
    status, _, err = run(capsys, "train", "--optimizer", optimizer, "--lr", "1e300",
                         "--epochs", "3", "--samples", "20", "--quiet")  # fmt: skip
    assert_one_line_error(status, err, "training diverged", expected_status=1)
    assert list(tmp_path.iterdir()) == []  # not even an empty folder


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--samples", "100000000000000"], "--samples must be at most 100,000"),
        (["--hidden", "100000000000"], "--hidden must be at most 1,000"),
        (["--hidden", "16," * 30 + "16"], "--hidden must list at most 20 layers"),
        (["--hidden", "1000,1000"], "1,005,001 parameters; at most 1,000,000"),
        (["--samples", "100000", "--hidden", "100,100"], "use a smaller --batch-size"),
        (["--epochs", "10000000000"], "--epochs must be at most 1,000,000"),
    ],
)
def test_sizes_are_bounded_before_anything_is_made(capsys, tmp_path, argv, words):
    status, out, err = run(capsys, "train", *argv)
    assert_one_line_error(status, err, words)
    assert out == "" and list(tmp_path.iterdir()) == []


def test_a_big_run_that_fits_in_memory_is_accepted(capsys, monkeypatch):
    import nn

    def stop(*args, **kwargs):
        raise KeyboardInterrupt  # the checks passed: training would start now

    monkeypatch.setattr(nn, "fit", stop)
    status, _, err = run(capsys, "train", "--samples", "100000", "--batch-size", "100")
    assert status == 130 and "interrupted" in err


@pytest.mark.parametrize(
    ("option", "text", "words"),
    [  # the wrong kind of thing: a type error, said so
        ("--epochs", "abc", "argument --epochs: 'abc' is not a number"),
        ("--epochs", "2.0", "--epochs must be a positive int, got 2.0 (float)"),
        ("--samples", "1e3", "--samples must be a positive int, got 1000.0 (float)"),
        ("--batch-size", "0.5", "--batch-size must be a positive int, got 0.5 (float)"),
        ("--seed", "0.5", "--seed must be an int >= 0, got 0.5 (float)"),
        ("--lr", "fast", "argument --lr: 'fast' is not a number"),
        ("--hidden", "8,eight", "argument --hidden: '8,eight' is not a list of numbers"),
        ("--hidden", "8,2.5", "--hidden must be a positive int, got 2.5 (float)"),
        # the right kind with a bad value
        ("--epochs", "0", "--epochs must be a positive int (1 or more), got 0"),
        ("--samples", "-5", "--samples must be a positive int (1 or more), got -5"),
        ("--lr", "0", "--lr must be a finite number > 0, got 0"),
        ("--lr", "nan", "--lr must be a finite number, got nan"),
        ("--noise", "11", "--noise must be from 0 to 10, got 11"),
        ("--seed", "-1", "--seed must be an int >= 0, got -1"),  # (it would repeat seed 1)
        ("--out", "", "--out: the folder name is empty"),
    ],
)
def test_one_error_convention_naming_the_option(capsys, option, text, words):
    status, _, err = run(capsys, "train", option, text)
    assert_one_line_error(status, err, words)


@pytest.mark.parametrize("command", ["train", "demo"])
@pytest.mark.parametrize("name", ["model.json", "history.csv", "loss.png"])
def test_a_folder_in_place_of_a_file_is_refused_before_training(capsys, tmp_path, command, name):
    (tmp_path / "out" / name).mkdir(parents=True)
    status, out, err = run(capsys, command, "--out", "out", "--epochs", "1")
    if command == "demo" and name == "history.csv":  # demo writes no history
        assert status == 0, err
        return
    assert_one_line_error(status, err, f"{name}: is a folder", expected_status=1)
    assert "epoch" not in out + err  # no training ran
    assert [p.name for p in (tmp_path / "out").iterdir()] == [name]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("command", ["train", "demo"])
def test_a_fifo_in_place_of_a_file_is_refused_before_training(capsys, tmp_path, command):
    (tmp_path / "out").mkdir()
    os.mkfifo(tmp_path / "out" / "loss.png")
    status, out, err = run(capsys, command, "--out", "out", "--epochs", "1")
    assert_one_line_error(status, err, "loss.png: is not a regular file (a FIFO)", 1)
    assert "epoch" not in out + err and (tmp_path / "out" / "loss.png").is_fifo()
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["loss.png"]


@pytest.mark.parametrize("command", ["train", "demo"])
@pytest.mark.parametrize("out", ["locked", "locked/new/folder"])
def test_a_read_only_folder_is_refused_before_training(capsys, tmp_path, monkeypatch, command, out):
    import tempfile

    (tmp_path / "locked").mkdir()
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kwargs):  # as chmod 555 would do (tests may run as root)
        if Path(dir).resolve() == (tmp_path / "locked").resolve():
            raise PermissionError(13, "Permission denied")
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    status, out_text, err = run(capsys, command, "--out", out, "--epochs", "1")
    assert_one_line_error(status, err, f"--out {out}: ", expected_status=1)
    assert "cannot write in" in err and "Permission denied" in err
    assert "/." not in err  # names the folder, not a made-up hidden file (locked/.model.json)
    assert "epoch" not in out_text + err
    assert list((tmp_path / "locked").iterdir()) == []


@pytest.mark.parametrize("out", ["o" * 300, "o" * 300 + "/runs"])
def test_a_folder_name_too_long_is_named_with_its_option(capsys, tmp_path, out):
    status, _, err = run(capsys, "train", "--out", out, "--epochs", "1")
    assert_one_line_error(status, err, "File name too long", expected_status=1)
    assert err.startswith(f"autograd-lite train: error: --out {out}: ")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_new_folder_and_no_file(capsys, tmp_path, monkeypatch):
    def plots(*args):
        def full_disk(path):
            raise OSError(28, "No space left on device")

        return {"decision-boundary.png": lambda path: path.write_bytes(PNG), "loss.png": full_disk}

    monkeypatch.setattr("autograd_lite.cli.train.write_plots", plots)  # the last file fails
    status, _, err = run(capsys, "train", "--out", "a/b", "--epochs", "1", "--samples", "20",
                         "--quiet")  # fmt: skip
    assert_one_line_error(status, err, "No space left on device", expected_status=1)
    assert list(tmp_path.iterdir()) == []  # the files before it are not left behind either


@pytest.mark.parametrize(
    "argv",
    [
        ["--noise", "10"],
        ["--hidden", ",".join(["1"] * 20)],
        ["--samples", "10", "--batch-size", "1000000"],  # a batch is at most every sample
    ],
)
def test_options_at_their_limits_pass_their_checks(capsys, tmp_path, argv):
    # stopped by the empty --out, which is checked after the options
    status, _, err = run(capsys, "train", *argv, "--out", "")
    assert_one_line_error(status, err, "--out: the folder name is empty")


def test_one_layer_too_many_is_refused(capsys):
    status, _, err = run(capsys, "train", "--hidden", ",".join(["1"] * 21), "--out", "")
    assert_one_line_error(status, err, "--hidden must list at most 20 layers, got 21")


def test_validation_holds_out_a_share_and_measures_it_every_epoch(capsys, tmp_path):
    status, out, err = run(capsys, "train", "--epochs", "3", "--hidden", "8", "--samples", "40",
                           "--validation", "0.25", "--out", "v")  # fmt: skip
    assert status == 0, err
    assert "moons (40 points, 10 of them held out)" in out
    assert re.search(r"trained 3 epochs .*; held out: accuracy \d+\.\d%, loss \d+\.\d{4}\n", out)
    with open(tmp_path / "v" / "history.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(row["epoch"]) for row in rows] == [1, 2, 3]
    assert all(float(row["val_loss"]) > 0 and 0 <= float(row["val_accuracy"]) <= 1 for row in rows)
    assert '"validation":true' in (tmp_path / "v" / "replay.html").read_text()
    status, _, _ = run(capsys, "train", "--epochs", "1", "--samples", "20", "--out", "n", "--quiet")
    assert status == 0
    assert "val_loss" not in (tmp_path / "n" / "history.csv").read_text()  # none: no columns


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--validation", "0.95"], "--validation must be a share from 0 to 0.9, got 0.95"),
        (["--validation", "-0.1"], "--validation must be a share from 0 to 0.9, got -0.1"),
        (["--samples", "3", "--validation", "0.5"], "leaves 1 of the 3 points to train on"),
        (["--samples", "2", "--validation", "0.9"], "0.9 of 2 points leaves none to train on"),
    ],
)
def test_a_validation_share_that_cannot_work_is_refused_first(capsys, tmp_path, argv, words):
    status, out, err = run(capsys, "train", *argv, "--out", "v")
    assert_one_line_error(status, err, words)
    assert out == "" and list(tmp_path.iterdir()) == []


def test_the_summary_counts_one_epoch_as_one(capsys, tmp_path):
    status, out, err = run(capsys, "train", "--epochs", "1", "--hidden", "4", "--samples", "20",
                           "--out", "one")  # fmt: skip
    assert status == 0, err
    assert (
        "trained 1 epoch in " in out
        and "; the trained model on the training points: accuracy" in out
    )


@pytest.mark.parametrize("command", ["train", "demo"])
def test_out_dash_is_refused_as_standard_output_is_no_folder(capsys, tmp_path, command):
    # `-o -` means standard output to draw; five files cannot go there, and a folder named
    # "-" made quietly would surprise
    status, out, err = run(capsys, command, "--out", "-", "--epochs", "1")
    assert_one_line_error(status, err, "--out -: the files go into a folder, not to standard")
    assert "--out ./-" in err  # how to have a folder named "-" all the same
    assert out == "" and list(tmp_path.iterdir()) == []
    _, out, _ = run(capsys, command, "--help")
    assert "not - (standard output)" in " ".join(out.split())


def test_a_folder_named_dash_is_reachable_as_dot_slash_dash(capsys, tmp_path):
    status, out, err = run(capsys, "train", "--epochs", "1", "--samples", "20", "--quiet",
                           "--out", "./-")  # fmt: skip
    assert status == 0, err
    assert out.splitlines() == [f"wrote {Path('-') / name}" for name in TRAIN_FILES]
    assert sorted(p.name for p in (tmp_path / "-").iterdir()) == sorted(TRAIN_FILES)
