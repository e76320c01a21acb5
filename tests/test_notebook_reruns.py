"""A lesson's backward cells give the same numbers when a learner runs them again.

Learners run cells again all the time. ``backward()`` adds into the leaves' ``.grad``, so a
cell that only calls it shows doubled gradients the second time, and nothing says why:
the lessons explain that accumulation only later (notebook 01, section 6). So every cell
that runs a backward pass at its top level (not inside a function it defines) must clear
the leaves first, or build its graph itself; these tests run each such cell twice in a row
and compare what it shows.
"""

import os
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# a statement at the cell's top level that runs a backward pass: L.backward(), (...).backward(),
# list(ag.backward_steps(L)); not a `def` of one, nor a call inside a function or loop
BACKWARD = re.compile(r"^(?!def |\s).*\bbackward(_steps)?\(", re.MULTILINE)


def backward_cells(notebook) -> list[int]:
    return [
        i
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and BACKWARD.search(cell.source)
    ]


def shown(cell) -> list[str]:
    """What the cell shows: the text it printed (the kernel may send it in several pieces,
    split anywhere), then each result's text and picture."""
    outputs = cell.get("outputs", [])
    seen = ["".join(output["text"] for output in outputs if "text" in output)]
    for output in outputs:
        for kind in ("text/plain", "image/svg+xml", "text/html"):
            if kind in output.get("data", {}):
                seen.append(output["data"][kind])
    return seen


def test_the_pattern_finds_backward_statements_and_only_those():
    found = [
        "L.backward()",
        "o.backward()\ndraw_dot(o)",
        "swish_bad(x).backward()",
        "steps = list(ag.backward_steps(L))",
    ]
    not_found = [
        "def naive_backward(node, depth=0):\n    pass",
        "for _ in range(3):\n    loss.backward()",
        "ag.print_steps(L)",
    ]
    assert all(BACKWARD.search(source) for source in found)
    assert not any(BACKWARD.search(source) for source in not_found)


LESSONS = [path for path in NOTEBOOKS if backward_cells(nbformat.read(path, as_version=4))]


def test_some_lessons_have_backward_cells():
    names = [path.name for path in LESSONS]
    assert "01_chain_rule.ipynb" in names and "02_neuron_to_mlp.ipynb" in names


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_a_backward_cell_run_twice_shows_the_same(path, monkeypatch, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    again = backward_cells(notebook)
    # The kernel imports this checkout's autograd_lite and writes nothing outside tmp_path.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("HYPOTHESIS_STORAGE_DIRECTORY", str(tmp_path))
    client = nbclient.NotebookClient(
        notebook, timeout=300, resources={"metadata": {"path": str(tmp_path)}}
    )
    with client.setup_kernel():
        for i, cell in enumerate(notebook.cells[: again[-1] + 1]):
            if cell.cell_type != "code":
                continue
            client.execute_cell(cell, i)
            if i in again:
                once = shown(cell)
                client.execute_cell(cell, i)
                assert shown(cell) == once, f"{path.name} cell {i} run again:\n{cell.source}"
