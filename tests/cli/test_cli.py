"""The ``autograd-lite`` command: demo, draw and train, their help, and their errors."""

import csv
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograd_lite.cli import main

pytest.importorskip("graphviz")
pytest.importorskip("matplotlib")

COMMAND = Path(sys.executable).with_name("autograd-lite")  # the installed console script
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path, monkeypatch):
    """Every test runs in its own empty folder, so default output files land there."""
    monkeypatch.chdir(tmp_path)


def run(capsys, *argv):
    """``main(argv)`` in this process: (exit status, stdout, stderr)."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def run_command(*argv, env=None):
    """The installed ``autograd-lite`` in a real process."""
    return subprocess.run(
        [str(COMMAND), *argv], capture_output=True, text=True, timeout=120, env=env
    )


def assert_one_line_error(status, err, words, expected_status=2):
    assert status == expected_status
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    assert "error" in err and words in err


# --- help ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        ([], ["demo", "draw", "train"]),
        (["demo"], ["--out", "--epochs", "--seed", "--quiet", "neuron.svg", "model.json"]),
        (["draw"], ["EXPR", "NAME=VALUE", "--steps", "--format", "leaky_relu", "never run"]),
        (["train"], ["--dataset", "spirals", "--hidden", "--optimizer", "adam", "history.csv"]),
    ],
)
def test_help_of_each_command(capsys, argv, words):
    status, out, _ = run(capsys, *argv, "--help")
    assert status == 0
    for word in words:
        assert word in out


def test_no_command_is_a_one_line_error(capsys):
    status, _, err = run(capsys)
    assert_one_line_error(status, err, "COMMAND")


# --- draw ----------------------------------------------------------------------------------


def test_draw_prints_value_and_gradients_and_writes_graph_svg(capsys, tmp_path):
    status, out, err = run(capsys, "draw", "x*y + sin(x)", "x=2", "y=-3")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == f"f = x*y + sin(x) = {-6 + math.sin(2):.6g}"
    assert lines[1] == f"df/dx = {-3 + math.cos(2):.6g}"
    assert lines[2] == "df/dy = 2"
    assert lines[3] == "wrote graph.svg"
    svg = (tmp_path / "graph.svg").read_text()
    assert "<svg" in svg and ">x</text>" in svg and ">y</text>" in svg


@pytest.mark.parametrize(
    ("options", "name", "start"),
    [
        (["-o", "pic.png"], "pic.png", PNG),
        (["--format", "png"], "graph.png", PNG),
        (["--format", "dot"], "graph.dot", b"digraph"),
        (["-o", "g.txt", "--format", "dot"], "g.txt", b"digraph"),
        (["-o", "g.dot.bak", "--format", "dot"], "g.dot.bak", b"digraph"),
        (["-o", "g.gv"], "g.gv", b"digraph"),
        (["-o", "G.SVG"], "G.SVG", b"<?xml"),
        (["-o", "no-suffix"], "no-suffix", b"<?xml"),
        (["--steps"], "backprop.html", b"<!DOCTYPE html>"),
        (["--steps", "-o", "steps.html"], "steps.html", b"<!DOCTYPE html>"),
        (["--steps", "-o", "steps.htm"], "steps.htm", b"<!DOCTYPE html>"),
    ],
)
def test_draw_formats(capsys, tmp_path, options, name, start):
    status, out, err = run(capsys, "draw", "tanh(x*y)", "x=2", "y=0.5", *options)
    assert status == 0, err
    assert out.splitlines()[-1] == f"wrote {name}"
    assert (tmp_path / name).read_bytes().startswith(start)


def test_draw_expression_without_variables(capsys):
    status, out, _ = run(capsys, "draw", "sin(0) + 2**3", "--format", "dot")
    assert status == 0
    assert out.splitlines()[0] == "f = sin(0) + 2**3 = 8"


def test_draw_expression_starting_with_minus_after_double_dash(capsys):
    status, out, _ = run(capsys, "draw", "--format", "dot", "--", "-x*y", "x=2", "y=3")
    assert status == 0
    assert out.splitlines()[:3] == ["f = -x*y = -6", "df/dx = -3", "df/dy = -2"]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["x*y", "x=2"], "unknown name 'y'"),
        (["x*y", "x=2", "y=3", "z=4"], "z: given but not used"),
        (["x*y", "x=2", "y=3", "x=4"], "x is given twice"),
        (["x*y", "x=2", "y=abc"], "'abc' is not a number"),
        (["x*y", "x=2", "y=nan"], "finite"),
        (["x*y", "x2", "y=3"], "not NAME=VALUE"),
        (["x*y", "x=2", "2y=3"], "not NAME=VALUE"),
        (["sin(x)", "sin=2", "x=1"], "sin is a function"),
        (["x*y", "x=2", "y=3", "-o", "g.jpg"], "cannot write 'jpg'"),
        (["x*y", "x=2", "y=3", "--format", "pdf"], "invalid choice"),
        (["x*y", "x=2", "y=3", "--steps", "--format", "svg"], "leave out --format"),
        (["x", "x=1", "-o", "g.svg", "--format", "png"], "a .svg file would not hold PNG"),
        (["x", "x=1", "-o", "g.png", "--format", "dot"], "a .png file would not hold DOT"),
        (["x", "x=1", "-o", "g.svg", "--steps"], "a .svg file would not hold HTML"),
        (["leaky_relu(x, 1e999)", "x=-1"], "slope must be a finite number"),
        (["log(x)", "x=-1"], "log is only defined for x > 0"),
        (["1 / (x - 1)", "x=1"], "division by zero"),
    ],
)
def test_draw_bad_input_is_a_short_error_and_writes_nothing(capsys, tmp_path, argv, words):
    status, out, err = run(capsys, "draw", *argv)
    assert status == 2
    assert "Traceback" not in err
    assert words in err.splitlines()[0]
    assert out == ""
    assert list(tmp_path.iterdir()) == []


def test_a_big_graph_is_drawn_and_animated_in_part(capsys, tmp_path):
    big = "x" + " + 1" * 100  # 201 nodes
    status, out, err = run(capsys, "draw", big, "x=1")
    assert status == 0, err
    assert "df/dx = 1" in out
    assert "left out" in (tmp_path / "graph.svg").read_text()
    status, out, err = run(capsys, "draw", big, "x=1", "--steps")
    assert status == 0, err
    page = (tmp_path / "backprop.html").read_text()
    assert "left out" in page and "steps were not drawn one by one" in page


def test_a_domain_error_points_at_the_operation(capsys):
    _, _, err = run(capsys, "draw", "x + log(x - 5)", "x=2")
    first, shown, carets = err.splitlines()
    assert first == "autograd-lite draw: error: log(-3.0): log is only defined for x > 0"
    assert shown.strip() == "x + log(x - 5)"
    assert carets.strip() == "^" * len("log(x - 5)")
    assert carets.index("^") == shown.index("log")


def test_an_output_in_a_missing_folder_is_refused_before_anything_runs(capsys, tmp_path):
    status, out, err = run(capsys, "draw", "x", "x=1", "-o", str(tmp_path / "no" / "g.svg"))
    assert_one_line_error(status, err, "there is no folder", expected_status=1)
    assert out == ""


def test_a_picture_graphviz_cannot_lay_out_in_time_is_a_short_error(capsys, tmp_path, monkeypatch):
    slow = tmp_path / "slow-graphviz"  # stands in for Graphviz on a tangled graph
    slow.write_text("#!/bin/sh\nsleep 10\n")
    slow.chmod(0o755)
    monkeypatch.setenv("AUTOGRAD_LITE_GRAPHVIZ", str(slow))
    monkeypatch.setattr("autograd_lite.cli.pictures.SECONDS", 0.5)
    status, _, err = run(capsys, "draw", "x + x", "x=1")
    assert_one_line_error(status, err, "could not lay out this graph in 0.5 s", expected_status=1)
    assert "--format dot" in err
    assert not (tmp_path / "graph.svg").exists()


# --- hostile expressions: refused or handled, nothing runs, no traceback ------------------------

SENTINEL = "pwned"  # a file that an expression would create if it were ever run

HOSTILE = [
    f"__import__('os').system('touch {SENTINEL}')",
    f"open('{SENTINEL}', 'w').write('x') * x",
    f"exec(\"open('{SENTINEL}', 'w')\")",
    f"eval(\"open('{SENTINEL}', 'w')\")",
    f"(lambda: open('{SENTINEL}', 'w'))()",
    f"[open('{SENTINEL}', 'w') for _ in 'a']",
    f"x.__class__.__init__.__globals__['os'].system('touch {SENTINEL}')",
    "().__class__.__bases__[0].__subclasses__()",
    f"f\"{{open('{SENTINEL}', 'w')}}\" * x",
    f"x if open('{SENTINEL}', 'w') else x",
    "(x := 1) + x",
    "sin(*[x])",
    "sin(**{'x': 1})",
    f"sin(x, key=open('{SENTINEL}', 'w'))",
    "'a' * 10**9",
    "x[0]",
    "breakpoint()",
    "(" * 10_000 + "x" + ")" * 10_000,  # far too long: refused before Python's parser
    "(" * 300 + "x" + ")" * 300,  # short enough, but past Python's nesting limit
    "-" * 100_000 + "x",
]


@pytest.mark.parametrize("source", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_expressions_are_refused_before_anything_runs(capsys, tmp_path, source):
    status, out, err = run(capsys, "draw", "--", source, "x=1")
    assert status == 2
    assert "Traceback" not in err
    assert err.startswith("autograd-lite draw: error: ")
    assert out == ""
    assert list(tmp_path.iterdir()) == []  # no sentinel file, and no picture either


@pytest.mark.parametrize(
    "source", ["9**9**9 * x", "x ** 1e308 ** 2", "exp(exp(exp(x)))", "10**400 * x", "-" * 998 + "x"]
)
def test_huge_and_deep_expressions_are_handled_quickly(capsys, source):
    # The contract: overflow is inf, never an OverflowError, and no giant integer is ever
    # computed (as Python ints, 9**9**9 would take minutes).
    status, out, err = run(capsys, "draw", "--format", "dot", "--", source, "x=2")
    assert "Traceback" not in err
    assert status == 0, err
    assert out.startswith(f"f = {source} = ")


def test_hostile_input_in_a_real_process(tmp_path):
    for source in (HOSTILE[0], "(" * 10_000 + "x" + ")" * 10_000, "x.__class__"):
        done = run_command("draw", "--", source, "x=1")
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
        assert "error" in done.stderr
    done = run_command("draw", "x*y", "x=2", "y=oops")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_draw_in_a_real_process(tmp_path):
    done = run_command("draw", "x*y + sin(x)", "x=2", "y=-3", "-o", "g.svg")
    assert done.returncode == 0, done.stderr
    assert "df/dy = 2" in done.stdout
    assert (tmp_path / "g.svg").read_text().count("<svg") == 1


def test_dot_format_needs_no_graphviz_program(tmp_path):
    env = {**os.environ, "AUTOGRAD_LITE_GRAPHVIZ": str(tmp_path / "no-such-program")}
    done = run_command("draw", "x*x", "x=3", "--format", "dot", env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "graph.dot").read_text().startswith("digraph")
    done = run_command("draw", "x*x", "x=3", env=env)  # svg needs the program: a clear error
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Graphviz" in done.stderr


def test_the_command_line_imports_no_optional_package():
    code = (
        "import sys, autograd_lite.cli\n"
        "loaded = {'graphviz', 'matplotlib', 'tqdm', 'nn'} & set(sys.modules)\n"
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_a_missing_optional_package_is_named_with_its_extra(capsys, monkeypatch):
    for name in [m for m in sys.modules if m == "graphviz" or m.startswith("autograd_lite.viz")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "graphviz", None)  # "import graphviz" now fails
    status, _, err = run(capsys, "draw", "x*x", "x=3")
    assert_one_line_error(status, err, "pip install 'autograd-lite[viz]'", expected_status=1)


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
    assert (folder / "neuron-backprop.html").read_text().count("<svg") > 3
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
        (["--seed", "1.5"], "--seed must be an int, got float 1.5"),
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
