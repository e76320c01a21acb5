"""Lesson 00 as a learner meets it: our answers are not graded, theirs are, right or wrong.

``pytest --nbmake notebooks`` (in ``make test``) runs the lesson as committed, with our
answers, whose checks say that they are ours. These tests run it again with an answer
written in the empty cell of every task, as a learner would, once a right one and once a
typical mistake, and read what each ``check`` cell printed.
"""

import copy
import os
import re
import textwrap
from pathlib import Path

import pytest

from autograd_lite.exercises import TASKS

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "notebooks" / "00_build_your_own.ipynb"
ANSWER = re.compile(r'^if "(\w+)" not in globals\(\):', re.MULTILINE)

# task -> (a wrong answer, the smallest input where the check must say it fails)
MISTAKES = {
    "mul_derivative": ("def mul_derivative(a, b):\n    return a, b", "a = 0.0, b = 1.0"),
    "add_derivative": ("def add_derivative(a, b):\n    return a, b", "a = 0.0, b = 0.0"),
    "tanh_derivative": ("def tanh_derivative(x):\n    return 1 - math.tanh(x)", "x = 1.0"),
    "exp_derivative": ("def exp_derivative(x):\n    return x * math.exp(x)", "x = 0.0"),
    "pow_derivative": ("def pow_derivative(x, n):\n    return x ** (n - 1)", "x = 1.0, n = 2"),
    "topological_sort": (
        "def topological_sort(root):\n"
        "    order = []\n"
        "    for parent in root.parents:\n"
        "        order += topological_sort(parent)\n"
        "    return order + [root]",
        "a = 0.0\nb = a + a    (the root)",
    ),
    "backward": (  # forgets root.grad = 1.0
        "def backward(root):\n"
        "    for node in reversed(topological_sort(root)):\n"
        "        for parent, local in zip(node.parents, node.local):\n"
        "            parent.grad += node.grad * local",
        "a = 0.0    (the root)",
    ),
    # Forgets tanh, which is wrong from b = 1.0 on; but its mul() and add() use the wrong
    # derivatives above, so the gradients are wrong already at b = 0.0 (the direct tests of
    # autograd_lite.exercises check this mistake alone).
    "neuron": (
        "def neuron(xs, ws, b):\n"
        "    total = b\n"
        "    for x, w in zip(xs, ws):\n"
        "        total = add(total, mul(w, x))\n"
        "    return total",
        "xs = [0.0], ws = [0.0], b = 0.0",
    ),
    "sgd_step": (  # uphill
        "def sgd_step(params, lr):\n    for p in params:\n        p.data += lr * p.grad",
        "p1.data = 0.0, p1.grad = 1.0; lr = 0.1",
    ),
}

# A task that calls a wrong earlier one is told that one is wrong too (and, as each answer
# here is wrong on its own, not that it may be right).
BLAMED = {
    "backward": "✗ backward is not right yet, and topological_sort, which it calls, is not "
    "right either",
    "neuron": "✗ neuron is not right yet, and mul_derivative, which it calls through mul, is "
    "not right either",
}


def answer_cells(notebook):
    """(index, task) of every hidden answer cell."""
    found = []
    for i, cell in enumerate(notebook.cells):
        if "solution" in cell.metadata.get("tags", []):
            found.append((i, ANSWER.search(cell.source).group(1)))
    return found


def test_every_task_has_an_empty_cell_a_hidden_answer_and_a_check():
    notebook = nbformat.read(LESSON, as_version=4)
    cells = notebook.cells
    found = answer_cells(notebook)
    assert [task for _, task in found] == list(TASKS)
    for i, task in found:
        assert cells[i - 1].cell_type == "code" and cells[i - 1].source == ""
        assert cells[i].metadata["jupyter"]["source_hidden"] is True
        assert f"    @our_answer\n    def {task}(" in cells[i].source
        assert cells[i + 1].source == f'check("{task}", {task})'
        said = output_text(cells[i + 1])
        assert said.startswith(f"○ {task}: this is our answer, from the hidden cell"), said
        assert "✓" not in said and "✗" not in said


def learners_copy(answer_cell) -> str:
    """Our answer as a learner would write it in the empty cell: no `if`, no @our_answer."""
    body = answer_cell.source.split("globals():\n", 1)[1]
    lines = [line for line in body.splitlines() if line.strip() != "@our_answer"]
    return textwrap.dedent("\n".join(lines)).strip()


def output_text(cell) -> str:
    return "".join(
        output.get("text", "") or output.get("data", {}).get("text/plain", "")
        for output in cell.get("outputs", [])
    )


def execute(notebook, monkeypatch, tmp_path):
    """Run every cell of ``notebook`` in a kernel; return the client, kernel still running."""
    # The kernel imports this checkout's autograd_lite and writes nothing outside tmp_path.
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    monkeypatch.setenv("PYTHONPATH", path)
    monkeypatch.setenv("HYPOTHESIS_STORAGE_DIRECTORY", str(tmp_path))
    client = nbclient.NotebookClient(
        notebook, timeout=120, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    return client


@pytest.mark.slow
def test_a_right_answer_to_every_task_passes(monkeypatch, tmp_path):
    notebook = nbformat.read(LESSON, as_version=4)
    answers = answer_cells(notebook)
    for i, _ in answers:  # the learner's cell holds our answer, without @our_answer
        notebook.cells[i - 1].source = learners_copy(notebook.cells[i])
    cells = notebook.cells
    [compare] = [c for c in cells if c.cell_type == "code" and "backward(o)" in c.source]
    cells.append(copy.deepcopy(compare))  # the learner runs it again, at the end
    execute(notebook, monkeypatch, tmp_path)

    for i, task in answers:
        said = output_text(cells[i + 1])
        assert said.startswith(f"✓ {task}: correct on 200 random"), said
    assert "x1.grad  -1.5000   -1.5000" in output_text(compare)
    assert output_text(cells[-1]) == output_text(compare)  # the same gradients again
    assert "predictions:" in output_text(cells[-3])  # and the engine trains


@pytest.mark.slow
def test_a_wrong_answer_to_every_task_is_caught_at_its_smallest_input(monkeypatch, tmp_path):
    notebook = nbformat.read(LESSON, as_version=4)
    answers = answer_cells(notebook)
    for i, task in answers:  # written in the learner's cell; our answer stays hidden below
        notebook.cells[i - 1].source = MISTAKES[task][0]
    execute(notebook, monkeypatch, tmp_path)

    for i, task in answers:
        said = output_text(notebook.cells[i + 1])
        smallest = MISTAKES[task][1]
        assert said.startswith(BLAMED.get(task, f"✗ {task} is not right yet.")), said
        indented = "\n".join("    " + line for line in smallest.splitlines())
        assert f"The smallest input where it goes wrong:\n{indented}\n" in said, said
        assert "Traceback" not in said
