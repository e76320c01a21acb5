"""The source distribution holds the whole project, so its tests run from it.

An sdist that held ``tests`` without the root ``conftest.py`` (which leaves out the doctests
of modules whose extra is missing), the notebooks or the benchmarks failed its own tests.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent
ALWAYS_IN_THE_SDIST = {"pyproject.toml", ".gitignore"}  # hatchling adds these itself


def tracked_files():
    """The files git tracks here, or a skip outside a git clone (in an unpacked sdist)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git clone")
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    return listed.stdout.splitlines()


def test_the_sdist_holds_every_top_level_file_and_folder_of_the_repository():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = set(config["tool"]["hatch"]["build"]["targets"]["sdist"]["include"])
    top_level = {Path(name).parts[0] for name in tracked_files()}
    assert top_level - ALWAYS_IN_THE_SDIST - included == set()
