"""``autograd-lite train``: model, history and plots; bad options; nothing half-written."""

import csv
import json
import sys
from pathlib import Path

import pytest
from cli_helpers import PNG, assert_one_line_error, run

pytest.importorskip("graphviz")
pytest.importorskip("matplotlib")


# --- train ---------------------------------------------------------------------------------

TRAIN_FILES = ["model.json", "history.csv", "decision-boundary.png", "loss.png"]


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


def test_train_spirals_has_one_output_per_class(capsys, tmp_path):
    import nn

    status, out, err = run(capsys, "train", "--dataset", "spirals", "--optimizer", "adam",
                           "--activation", "tanh", "--lr", "0.05", "--epochs", "2",
                           "--samples", "30", "--batch-size", "10", "--seed", "3")  # fmt: skip
    assert status == 0, err
    assert "spirals (30 points), adam lr=0.05" in out
    assert "after 2 epochs" in out
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
        (["--epochs", "1.5"], "--epochs must be an int, got float 1.5"),
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
