# Two commands do everything on a fresh machine with Python 3.10+:
#   make demo   create .venv, install, run the main job
#   make test   create .venv if needed, run every check (lint, tests, notebooks)
# and one opens the lessons:
#   make lab    create .venv if needed, open the notebooks in JupyterLab

# On Windows (make in Git Bash) Python is "python", and a venv keeps its programs, as .exe
# files, in Scripts\ rather than bin/.
ifeq ($(OS),Windows_NT)
PYTHON  ?= python
SCRIPTS := Scripts
EXE     := .exe
endif
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/$(or $(SCRIPTS),bin)
PY     := $(BIN)/python$(EXE)
PIP    := $(PY) -m pip install --quiet

.PHONY: demo test lab lint unit notebooks-test notebooks docs bench clean

# A venv made with too old a Python, or half made (Debian's python3 without its venv
# module: bin/python, but no pip), would stay, and every later make would fail in pip.
$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || { \
		echo "autograd-lite needs Python 3.10 or newer, and '$(PYTHON)' is older or missing:" \
			"name one, as in: make $(or $(filter-out $(PY),$(MAKECMDGOALS)),demo) PYTHON=python3.12" >&2; exit 1; }
	@echo "Creating a virtual environment in $(VENV)..."
	@$(PYTHON) -m venv $(VENV) || { rm -f $(PY); \
		echo "Could not create $(VENV) with '$(PYTHON)' (on Debian or Ubuntu: sudo apt install" \
			"python3-venv), then run make again" >&2; exit 1; }

# One stamp per set of extras, remade when pyproject.toml changes.
$(VENV)/.installed-demo: pyproject.toml | $(PY)
	@echo "Installing autograd-lite with its pictures and plots into $(VENV) (under a minute)..."
	$(PIP) -e '.[viz,train]'
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	@echo "Installing autograd-lite, its test tools and Jupyter into $(VENV) (a few minutes the first time)..."
	$(PIP) -e '.[dev]'
	@touch $@ $(VENV)/.installed-demo $(VENV)/.installed-lab

$(VENV)/.installed-lab: pyproject.toml | $(PY)
	@echo "Installing autograd-lite and JupyterLab into $(VENV) (a few minutes the first time)..."
	$(PIP) -e '.[notebooks]'
	@touch $@ $(VENV)/.installed-demo

$(VENV)/.installed-bench: pyproject.toml | $(PY)
	@echo "Installing autograd-lite and micrograd into $(VENV) for the benchmarks..."
	$(PIP) -e '.[bench,viz,train]'
	@echo "Installing PyTorch 2.13.0 into $(VENV) (large: a few minutes)..."
	-$(PIP) 'torch==2.13.0' || echo "PyTorch 2.13.0 not available: its rows will say so"
	@touch $@

demo: $(VENV)/.installed-demo
	$(BIN)/autograd-lite demo

test: lint unit notebooks-test

# Open the lessons in JupyterLab (Ctrl-C in this terminal stops it). The shipped notebooks
# are trusted first: JupyterLab draws saved SVG pictures only in a trusted notebook.
# (As root, in a container say, JupyterLab refuses to start without --allow-root.)
lab: $(VENV)/.installed-lab
	$(BIN)/jupyter trust notebooks/*.ipynb
	$(BIN)/jupyter lab notebooks $$(if [ "$$(id -u)" = 0 ]; then echo --allow-root; fi)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(VENV)/.installed-dev
	$(BIN)/pytest

notebooks-test: $(VENV)/.installed-dev
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then \
		$(BIN)/pytest --nbmake notebooks; \
	else echo "no notebooks yet"; fi

# Re-execute every notebook in place, so the committed outputs are fresh.
notebooks: $(VENV)/.installed-dev
	cd notebooks && ../$(BIN)/jupyter-execute --inplace --timeout=600 *.ipynb

# Redraw the pictures in docs/ that the README shows.
docs: $(VENV)/.installed-demo
	$(PY) docs/make_pictures.py

bench: $(VENV)/.installed-bench
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist *.egg-info
