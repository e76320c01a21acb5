"""Every Python example in the README runs, so the README cannot drift from the code.

The examples run in order in one namespace, as a reader would type them.
"""

import contextlib
import io
import re
from pathlib import Path

import pytest

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
