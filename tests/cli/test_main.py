"""The ``autograd-lite`` command as a whole: help, version, errors, optional packages."""

import os
import signal
import subprocess
import sys
import threading

import pytest
from cli_helpers import assert_one_line_error, run, run_command

from autograd_lite.cli import main

pytest.importorskip("graphviz")
pytest.importorskip("matplotlib")


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


def test_the_help_says_which_formats_need_a_graphviz_program(capsys):
    _, out, _ = run(capsys, "draw", "--help")
    text = " ".join(out.split())  # (argparse wraps the lines)
    assert "svg, png, or html (the backward pass step by step, as --steps): these need a" in text
    assert "or dot (the Graphviz source, needs no program)" in text


def test_the_help_says_where_dash_writes(capsys):
    _, out, _ = run(capsys, "draw", "--help")
    text = " ".join(out.split())
    assert "-o - writes to standard output (svg, unless --format or --steps" in text
    assert "PNG only to a pipe or a file" in text and "a file named - is ./-" in text


def test_no_command_is_a_one_line_error(capsys):
    status, _, err = run(capsys)
    assert_one_line_error(status, err, "COMMAND")


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
    assert err.count("pip install") == 1  # (the library's message says it: not said twice)


def test_version(capsys):
    import autograd_lite

    status, out, _ = run(capsys, "--version")
    assert status == 0
    assert out == f"autograd-lite {autograd_lite.__version__}\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["draw", "-x*y", "x=2", "y=3"],
        ["draw", "-x"],
        ["draw", "--format", "dot", "-x"],
        ["draw", "--time-limit", "5", "-x*y", "x=1"],  # (5 is the option's, not the formula)
        ["draw", "--output", "g.svg", "-x", "x=1"],
    ],
)
def test_a_formula_that_starts_with_minus_gets_a_hint(capsys, argv):
    status, out, err = run(capsys, *argv)
    assert_one_line_error(status, err, 'goes after "--"')
    assert out == ""


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["draw", "x*y", "-o", "g.svg", "x=1", "y=abc"],  # a pair after an option is read...
         "autograd-lite draw: error: argument NAME=VALUE: 'y=abc': 'abc' is not a number"),
        (["draw", "x*y", "x=1", "--steps", "x=2"], "autograd-lite draw: error: x is given twice"),
        (["draw", "x*y", "x=1", "--steps", "y"], "unrecognized arguments: y (see"),  # ...a word not
        (["draw", "x*y", "-o", "g.svg", "--", "x=1", "-o", "g.dot"],  # after "--", no options
         "autograd-lite draw: error: argument NAME=VALUE: '-o' is not NAME=VALUE, such as x=2"),
        (["draw", "x*y", "-o", "g.svg", "--", "x=1", "--", "y=2"],  # a second "--" too
         "autograd-lite draw: error: argument NAME=VALUE: '--' is not NAME=VALUE, such as x=2"),
        (["draw", "x*y", "x=1", "--colour=red"],  # an option with "=", not a pair
         "autograd-lite draw: error: unrecognized arguments: --colour=red (see"),
        (["draw", "x*y", "-o", "g.svg", "x=1", "y=2", "--bogus"],
         "autograd-lite draw: error: unrecognized arguments: --bogus (see autograd-lite draw"),
        (["draw"], "autograd-lite draw: error: the following arguments are required: EXPR (see"),
        (["train", "moons"], "autograd-lite train: error: unrecognized arguments: moons (see"),
        (["--bogus", "draw", "x", "x=1"],  # before the command: autograd-lite's own
         "autograd-lite: error: unrecognized arguments: --bogus; a command's options go after "
         "its name: autograd-lite draw --bogus ..."),
        (["--steps", "draw", "x", "x=1"],  # draw's option, put before draw
         "unrecognized arguments: --steps; a command's options go after its name: "
         "autograd-lite draw --steps ..."),
    ],
)  # fmt: skip
def test_a_misplaced_or_missing_argument_is_named_by_its_command(capsys, argv, said):
    status, _, err = run(capsys, *argv)
    assert_one_line_error(status, err, said)


@pytest.mark.parametrize(
    "argv",
    [
        ["draw", "x*y", "-o", "g.dot", "x=2", "y=3"],
        ["draw", "x*y", "x=2", "--format", "dot", "-o", "g.dot", "y=3"],
        ["draw", "-o", "g.dot", "x*y", "x=2", "y=3"],
        ["draw", "x*y", "-o", "g.dot", "--", "x=2", "y=3"],  # ("--": positionals follow)
        ["draw", "x*y", "x=2", "-o", "g.dot", "--", "y=3"],
    ],
)
def test_name_value_pairs_may_come_after_the_options(capsys, tmp_path, monkeypatch, argv):
    # draw EXPR NAME=VALUE ... with -o put after the formula, as one writes it: nothing in
    # the line is ambiguous, so it is read as meant, not refused.
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, *argv)
    assert (status, err) == (0, "")
    assert out.splitlines()[:3] == ["f = x*y = 6", "df/dx = 3", "df/dy = 2"]
    assert (tmp_path / "g.dot").read_text().startswith("digraph")


@pytest.mark.parametrize(
    "argv",
    [
        ["x", "x=1", "--colour", "red"],
        ["x", "x=1", "-o", "-weird.svg"],  # an option's value, not a formula
        ["x", "x=1", "--time-limit", "-inf"],
        ["--format", "dot", "x", "x=1", "-q"],
        ["--format", "bogus", "-h"],  # (-h is help, not a formula)
    ],
)
def test_no_hint_for_other_mistakes(capsys, argv):
    status, _, err = run(capsys, "draw", *argv)
    assert status == 2 and 'after "--"' not in err


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_any_terminal_encoding_is_fine(tmp_path, encoding):
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    done = run_command("draw", "ｘ*2 + 𝑥", "x=1", "--format", "dot", env=env, encoding=encoding)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == ["df/dx = 3", "wrote graph.dot"]
    assert "\\uff58" in done.stdout  # shown as an escape, not a crash
    done = run_command("draw", "ｘ*é", "x=1", env=env, encoding=encoding)  # an error to print
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "unknown name 'é'" in done.stderr.replace(
        "\\xe9", "é"
    )


def test_an_interrupt_is_a_one_line_error_with_status_130(capsys, monkeypatch):
    from autograd_lite.cli import draw

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(draw, "run", interrupted)
    status, _, err = run(capsys, "draw", "x", "x=1")
    assert_one_line_error(status, err, "interrupted", expected_status=130)


def test_the_signal_handlers_are_put_back_after_a_command(capsys):
    signums = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    before = [signal.getsignal(signum) for signum in signums]
    status, _, err = run(capsys, "draw", "x", "x=1", "-o", "g.dot")
    assert status == 0, err
    assert [signal.getsignal(signum) for signum in signums] == before


def test_a_command_runs_outside_the_main_thread(capsys, tmp_path):
    # (only the main thread may handle signals: elsewhere the command runs without)
    statuses = []
    command = ["draw", "x*y", "x=2", "y=3", "-o", "g.dot"]
    thread = threading.Thread(target=lambda: statuses.append(main(command)))
    thread.start()
    thread.join(60)
    assert statuses == [0], capsys.readouterr().err
    assert (tmp_path / "g.dot").read_text().startswith("digraph")
