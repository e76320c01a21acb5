"""Every Python example in the README runs, so the README cannot drift from the code.

The examples run in order in one namespace, as a reader would type them.
"""

import contextlib
import io
import re
from pathlib import Path

import pytest

import autograd_lite

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_every_readme_example_runs(tmp_path, monkeypatch):
    pytest.importorskip("graphviz")
    pytest.importorskip("hypothesis")
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    assert len(BLOCKS) >= 4
    namespace = {"__name__": "readme"}
    for number, block in enumerate(BLOCKS):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(block, f"README.md example {number}", "exec"), namespace)
        if number == 0:  # the first example prints exactly what its comment says
            assert printed.getvalue().splitlines()[0] == "1.0 -1.5"
        *_, last_call, last_line = block.rstrip().splitlines()
        if last_call.startswith("print(") and last_line.startswith("# "):
            # an example that ends in a print and a comment shows the exact output
            assert printed.getvalue().splitlines()[-1] == last_line[2:]
        for name, value in list(namespace.items()):
            if name.startswith("test_") and callable(value):
                value()  # an example that defines a test is run as one
                del namespace[name]
        if number == 0:  # the first example's numbers are the ones its comment promises
            assert namespace["w1"].grad == pytest.approx(1.0, rel=1e-12)
            assert namespace["x1"].grad == pytest.approx(-1.5, rel=1e-12)
    assert namespace["history"].accuracy[-1] == 1.0


# --- "Read the engine in this order" points at exactly the teaching path ----------------

ENGINE = README.parent / "autograd_lite"
PATH_LINKS = re.findall(r"\(autograd_lite/(\w+\.py)#L(\d+)-L(\d+)\)", README.read_text("utf-8"))
MUST_HOLD = {  # what each range is for, in the reading order: it must hold these, whole
    "graph.py": ["def topological_order(", "def chain_rule(", "def reference_backward("],
    "ops.py": ["# --- the table", "mul = _binary(", "tanh = _unary(", "argument = _unary("],
    "value.py": ["class Value(", "def backward(", "def local_derivatives("],
    "rules.py": ["class Rule:", "def record(", "class UnaryOp(Op):", "def define_op("],
}


def code_lines(lines, first, last) -> int:
    """Lines ``first``..``last`` (1-based) that hold code: no blank line, comment or docstring."""
    import ast

    tree = ast.parse("\n".join(lines))
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        opening = body[0] if isinstance(body, list) and body else None
        if isinstance(opening, ast.Expr) and isinstance(getattr(opening.value, "value", None), str):
            docstrings.update(range(opening.lineno, opening.end_lineno + 1))
    return sum(
        1
        for number in range(first, last + 1)
        if lines[number - 1].strip()
        and not lines[number - 1].lstrip().startswith("#")
        and number not in docstrings
    )


def test_the_reading_order_links_whole_pieces_of_the_engine_and_counts_them_right():
    claimed = re.search(
        r"\*\*Read the engine in this order\*\*: (\d+) lines of code", README.read_text("utf-8")
    )
    assert claimed and [name for name, _, _ in PATH_LINKS] == list(MUST_HOLD)
    total = 0
    for name, first, last in PATH_LINKS:
        first, last = int(first), int(last)
        lines = (ENGINE / name).read_text("utf-8").splitlines()
        text = "\n".join(lines[first - 1 : last])
        for piece in MUST_HOLD[name]:
            assert piece in text, f"{name} lines {first}-{last} miss {piece!r}"
        # whole pieces: the range starts at the top level and the code after it does too
        assert not lines[first - 1][:1].isspace(), f"{name}: line {first} is inside a block"
        after = next((line for line in lines[last:] if line.strip()), "")
        assert not after[:1].isspace(), f"{name}: line {last + 1} still belongs to the range"
        total += code_lines(lines, first, last)
    assert total == int(claimed.group(1)) and total <= 350
    # and the figure with comments and docstrings is near the ranges' whole length
    about = re.search(r"\(about\s+(\d+) lines with the comments", README.read_text("utf-8"))
    whole = sum(int(last) - int(first) + 1 for _, first, last in PATH_LINKS)
    assert about and abs(int(about.group(1)) - whole) <= 10, f"the ranges hold {whole} lines"
    # the package's docstring gives the same reading order, and the same count
    assert f"({total} lines of code)" in autograd_lite.__doc__


def test_the_step_picture_is_introduced_by_text_that_names_its_graph():
    # Its graph is not the neuron of the code above it, and alt text shows on no page.
    text = README.read_text("utf-8")
    before = text[: text.index("](docs/step.svg)")]
    before = before[: before.rindex("![")].rstrip()
    paragraph = before[before.rindex("\n\n") :]  # the one right above the picture
    assert "b = a + a" in paragraph and "draw_step" in paragraph
