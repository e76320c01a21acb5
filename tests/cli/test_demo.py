"""``autograd-lite demo``: micrograd's demo, its five files, and its errors."""

from pathlib import Path

import pytest
from cli_helpers import PNG, assert_one_line_error, run, run_command

pytest.importorskip("graphviz")
pytest.importorskip("matplotlib")


# --- demo ----------------------------------------------------------------------------------

DEMO_FILES = [
    "neuron.svg",
    "neuron-backprop.html",
    "decision-boundary.png",
    "loss.png",
    "model.json",
]


def check_demo_files(folder: Path):
    import nn

    assert sorted(p.name for p in folder.iterdir()) == sorted(DEMO_FILES)
    svg = (folder / "neuron.svg").read_text()
    assert "<svg" in svg and ">w0</text>" in svg and ">out</text>" in svg
    assert "Step 1 of" in (folder / "neuron-backprop.html").read_text()
    for picture in ("decision-boundary.png", "loss.png"):
        assert (folder / picture).read_bytes().startswith(PNG)
    model = nn.load(folder / "model.json")
    assert model.num_parameters() == 337


def test_demo_writes_five_files_and_names_them(capsys, tmp_path):
    status, out, err = run(capsys, "demo", "--out", "results", "--epochs", "3", "--quiet")
    assert status == 0, err
    folder = tmp_path / "results"
    check_demo_files(folder)
    assert out.splitlines() == [f"wrote {Path('results') / name}" for name in DEMO_FILES]


def test_demo_default_folder_and_summary(capsys, tmp_path):
    status, out, err = run(capsys, "demo", "--epochs", "2")
    assert status == 0, err
    check_demo_files(tmp_path / "autograd-lite-demo")
    assert "accuracy" in out and "after 2 epochs" in out and "done in" in out
    assert "fit" in err  # the progress bar


@pytest.mark.slow
def test_the_full_demo_learns_the_moons_in_well_under_a_minute(tmp_path):
    done = run_command("demo")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    summary = next(line for line in done.stdout.splitlines() if line.startswith("accuracy"))
    accuracy = float(summary.split()[1].rstrip("%,"))
    assert accuracy == 100.0  # micrograd's demo learns the moons completely
    seconds = float(done.stdout.splitlines()[-1].split()[2])
    assert seconds < 45
    check_demo_files(tmp_path / "autograd-lite-demo")


def test_demo_bad_arguments(capsys):
    for argv, words in [
        (["--epochs", "0"], "--epochs must be a positive int"),
        (["--seed", "x"], "argument --seed: 'x' is not a number"),
        (["--seed", "1.5"], "--seed must be an int, got 1.5 (float)"),
    ]:
        status, _, err = run(capsys, "demo", *argv)
        assert_one_line_error(status, err, words)


@pytest.mark.parametrize("out", ["taken", "taken/inside"])
def test_demo_output_folder_under_a_file(capsys, tmp_path, out):
    (tmp_path / "taken").write_text("")
    status, _, err = run(capsys, "demo", "--out", out, "--epochs", "1", "--quiet")
    assert_one_line_error(status, err, "taken is a file, not a folder", expected_status=1)
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


def test_demo_without_graphviz_fails_before_training(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRAD_LITE_GRAPHVIZ", str(tmp_path / "no-such-dot"))
    status, out, err = run(capsys, "demo", "--out", "results", "--epochs", "1")
    assert status == 1 and "Traceback" not in err
    assert "no-such-dot" in err and "epoch" not in out
    assert list(tmp_path.iterdir()) == []
