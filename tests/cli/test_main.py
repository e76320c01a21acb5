"""The ``autograd-lite`` command as a whole: help, version, errors, optional packages."""

import subprocess
import sys

import pytest
from cli_helpers import assert_one_line_error, run

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
