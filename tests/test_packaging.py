"""What a fresh machine meets: the source distribution and the Makefile.

The sdist holds the whole project, so its tests run from it: one that held ``tests`` without
the root ``conftest.py`` (which leaves out the doctests of modules whose extra is missing),
the notebooks or the benchmarks failed its own tests.
"""

import os
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


# Python 3.9 as the Makefile's version check and ``-m venv`` meet it.
OLD_PYTHON = """#!/bin/sh
if [ "$1" = -m ] && [ "$2" = venv ]; then mkdir -p "$3/bin" && touch "$3/bin/python"; exit 0; fi
exit 1
"""


# make's goal, and the command the message suggests: .ci/run asks for the venv's python by its
# path, and is told of make demo, not of "make .venv/bin/python"
@pytest.mark.parametrize("goal, advice", [("demo", "demo"), ("test", "test"), (None, "demo")])
def test_make_refuses_a_python_older_than_3_10_before_it_makes_the_venv(tmp_path, goal, advice):
    if shutil.which("make") is None:
        pytest.skip("needs make")
    python = tmp_path / "python3.9"
    python.write_text(OLD_PYTHON)
    python.chmod(0o755)
    venv = tmp_path / "venv"  # a venv left behind would make every later make fail in pip
    goal = goal or f"{venv}/bin/python"
    run = subprocess.run(
        ["make", "-C", str(ROOT), goal, f"PYTHON={python}", f"VENV={venv}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0
    assert "needs Python 3.10 or newer" in run.stderr, run.stdout + run.stderr
    assert f"make {advice} PYTHON=python3.12" in run.stderr
    assert not venv.exists()


# A Python whose venv module fails half way, as Debian's python3 without python3-venv does:
# bin/python is made, pip is not.
HALF_A_VENV = """#!/bin/sh
if [ "$1" = -m ] && [ "$2" = venv ]; then mkdir -p "$3/bin" && touch "$3/bin/python"; exit 1; fi
exit 0
"""


def test_a_venv_made_half_way_is_not_left_to_stop_every_later_make(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("needs make")
    python = tmp_path / "python3"
    python.write_text(HALF_A_VENV)
    python.chmod(0o755)
    venv = tmp_path / "venv"
    run = subprocess.run(
        ["make", "-C", str(ROOT), "demo", f"PYTHON={python}", f"VENV={venv}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0
    assert "sudo apt install python3-venv), then run make again" in run.stderr, run.stderr
    assert not (venv / "bin" / "python").exists()  # so the next make tries again


def test_the_version_is_written_once_where_the_code_reads_it():
    import importlib.metadata

    import autograd_lite

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]  # (not a second copy)
    assert importlib.metadata.version("autograd-lite") == autograd_lite.__version__


# A Python for Windows, as make meets it in Git Bash (where OS is Windows_NT): its venvs
# keep their programs in Scripts\ as .exe files, and each program here notes its call.
WINDOWS_PYTHON = """#!/bin/sh
if [ "$1" = -m ] && [ "$2" = venv ]; then
    mkdir -p "$3/Scripts"
    for program in python.exe autograd-lite; do
        printf '#!/bin/sh\\necho "%s $*" >> "%s"\\n' "$program" "$3/calls" > "$3/Scripts/$program"
        chmod +x "$3/Scripts/$program"
    done
fi
exit 0
"""


def test_make_demo_finds_the_venv_programs_where_python_for_windows_puts_them(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("needs make")
    python = tmp_path / "python"
    python.write_text(WINDOWS_PYTHON)
    python.chmod(0o755)
    venv = tmp_path / "venv"
    run = subprocess.run(
        ["make", "-C", str(ROOT), "demo", "OS=Windows_NT", f"PYTHON={python}", f"VENV={venv}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    calls = (venv / "calls").read_text().splitlines()
    assert calls[0].startswith("python.exe -m pip install") and calls[-1] == "autograd-lite demo"
    assert not (venv / "bin").exists()
    # and Python is "python" there (python.org's installer makes no python3)
    # (under make test PYTHON=python3.12, make hands PYTHON on to this make, in MAKEFLAGS and
    # in the environment, and either outranks the Makefile's PYTHON ?= python)
    outer = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHON")
    alone = {k: v for k, v in os.environ.items() if k not in outer}
    dry = subprocess.run(["make", "-n", "-C", str(ROOT), "demo", "OS=Windows_NT", "VENV=v"],
                         capture_output=True, text=True, timeout=60, env=alone)  # fmt: skip
    assert "\npython -c 'import sys" in dry.stdout, dry.stdout
