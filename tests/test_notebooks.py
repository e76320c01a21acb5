"""The lessons keep their exercise layout: question, an empty cell to try in, hidden answer.

(Running them is `pytest --nbmake notebooks`, in `make test`; this checks how they are laid
out, which running cannot see, and that the step pictures of one pass, as saved, share one
colour scale.)
"""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("0[1-9]_*.ipynb"))


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _is_solution(cell):
    return "solution" in cell["metadata"].get("tags", [])


def test_there_are_lessons():
    assert len(LESSONS) >= 7


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_answer_is_hidden_with_its_output(path):
    cells = _cells(path)
    solutions = [c for c in cells if _is_solution(c)]
    assert solutions, f"{path.name} has no exercises with answers"
    for cell in solutions:
        hidden = cell["metadata"].get("jupyter", {})
        assert hidden.get("source_hidden") is True, "".join(cell["source"])[:80]
        # a collapsed cell still shows its first line: it must not give the answer away
        first = cell["source"][0].strip()
        if cell["cell_type"] == "code":
            assert hidden.get("outputs_hidden") is True, "".join(cell["source"])[:80]
            assert first == "# Answer", "".join(cell["source"])[:80]
        else:
            assert first == "#### Answer", "".join(cell["source"])[:80]
    assert not [c for c in cells if "answer" in c["metadata"].get("tags", [])]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_answer_comes_after_an_empty_cell_to_try_in(path):
    cells = _cells(path)
    for i, cell in enumerate(cells):
        if _is_solution(cell) and not _is_solution(cells[i - 1]):
            before = cells[i - 1]
            assert before["cell_type"] == "code", f"{path.name} cell {i}"
            assert not "".join(before["source"]).strip(), f"{path.name} cell {i}"


ALL_NOTEBOOKS = sorted(NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_jupyterlab_opens_it_unchanged(path):
    # JupyterLab rewrites what differs from its own way of writing a notebook as it opens
    # it, and then marks the freshly opened lesson as edited (a dot on its tab, "Save
    # changes?" on closing) though the learner typed nothing. It names the kernel as
    # ipykernel's kernel.json does, and it marks a code cell whose output is hidden as
    # collapsed too.
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert notebook["metadata"]["kernelspec"] == {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            hidden = cell["metadata"].get("jupyter", {}).get("outputs_hidden", False)
            collapsed = cell["metadata"].get("collapsed", False)
            assert collapsed is hidden, "".join(cell["source"])[:80]


STEP_PICTURE = re.compile(r"^[^#\n]*\bdraw_step\((\w+),", re.MULTILINE)


def _legend(cell) -> str:
    """The range a picture's legend states ("from 0.16 or less (faintest) to 1.6, ...")."""
    for output in cell.get("outputs", []):
        svg = "".join(output.get("data", {}).get("image/svg+xml", ""))
        found = re.search(r">(from [^<]*\(faintest\)[^<]*)<", svg)
        if found:
            return found.group(1)
    raise AssertionError("no picture with a legend: " + "".join(cell["source"])[:80])


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_step_pictures_of_one_graph_share_one_colour_scale(path):
    # A learner compares the step pictures of one pass: a box whose gradient stays the same
    # must keep its shade, so they are drawn with one scale (scale=), not each fitted to its
    # own largest gradient.
    legends = {}
    for cell in _cells(path):
        if cell["cell_type"] == "code":
            for root in STEP_PICTURE.findall("".join(cell["source"])):
                legends.setdefault(root, []).append(_legend(cell))
    for root, said in legends.items():
        assert len(set(said)) == 1, f"{path.name}: the step pictures of {root}: {said}"
