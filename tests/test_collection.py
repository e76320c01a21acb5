"""Without the optional extras, ``pytest`` still collects every file: what needs them skips.

The pictures need ``graphviz`` (the ``viz`` extra) and the oracle tests need PyTorch; CI has
both, so this runs a collection with both hidden, as on an install without them.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A pytest plugin, loaded before any conftest: the two packages cannot be imported, and
# importlib.util.find_spec says they are not installed.
HIDE = """
import importlib.util
import sys

HIDDEN = {"graphviz", "torch"}


class Hide:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, Hide())
found = importlib.util.find_spec


def find_spec(name, *args):
    return None if name.partition(".")[0] in HIDDEN else found(name, *args)


importlib.util.find_spec = find_spec
"""


ENVIRONMENT = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}


def collect_without(modules, tmp_path, *args):
    """``pytest --collect-only`` of ``args`` in a Python that cannot import ``modules``."""
    hidden = "{" + ", ".join(map(repr, sorted(modules))) + "}"
    (tmp_path / "hide_extras.py").write_text(HIDE.replace('{"graphviz", "torch"}', hidden))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "hide_extras",
         "-p", "no:cacheprovider", "-p", "no:randomly", *args],
        cwd=ROOT,
        env={**ENVIRONMENT, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip


def test_without_graphviz_and_torch_every_file_is_collected_or_skipped(tmp_path):
    run = collect_without({"graphviz", "torch"}, tmp_path)
    tail = run.stdout[-3000:] + run.stderr[-2000:]
    assert run.returncode == 0, tail
    assert "error" not in run.stdout.splitlines()[-1], tail
    assert "tests/viz/test_dot.py::" not in run.stdout  # skipped as a whole: really hidden
    assert "tests/engine/test_torch_oracle.py::" not in run.stdout
    assert "tests/engine/test_value.py::" in run.stdout  # and the rest is there


def test_without_hypothesis_pytest_says_what_to_install(tmp_path):
    run = collect_without({"hypothesis"}, tmp_path, "tests/engine/test_value.py")
    assert run.returncode != 0
    assert "the tests need hypothesis (the dev extra): pip install -e '.[dev]'" in run.stderr


# Python as the ``pytest`` command runs it from a clone when the project is installed from its
# wheel, not with ``pip install -e``: the wheel's two packages (here links to the clone's) in
# site-packages, and nothing that puts the clone's own folder on sys.path (the command is no
# ``python -m``, which adds the current folder, and there is no editable install's .pth).
AS_INSTALLED = """
import sys
from pathlib import Path

site_packages = sys.argv.pop(1)
sys.path[:] = [p for p in sys.path if not (Path(p or ".") / "benchmarks").is_dir()]
sys.path.append(site_packages)
import pytest

sys.exit(pytest.main(sys.argv[1:]))
"""


def test_the_pytest_command_finds_the_benchmarks_without_an_editable_install(tmp_path):
    for package in ("autograd_lite", "nn"):
        (tmp_path / package).symlink_to(ROOT / package)
    run = subprocess.run(
        [sys.executable, "-c", AS_INSTALLED, str(tmp_path), "--collect-only", "-q",
         "-p", "no:cacheprovider", "tests/test_benchmarks.py"],
        cwd=ROOT,
        env=ENVIRONMENT,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
