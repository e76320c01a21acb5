"""Doctests of modules whose optional extra is not installed are skipped, not errors.

``pytest`` collects the docstring examples of ``autograd_lite`` and ``nn`` too. A module
that needs an extra (the pictures need ``graphviz``) cannot even be imported without it, so
on an install without that extra its examples are left out of the collection.
"""

import importlib.util

NEEDS = {
    "autograd_lite/viz/*.py": "graphviz",
    "autograd_lite/testing.py": "hypothesis",
    "autograd_lite/exercises/*.py": "hypothesis",
    "nn/plots.py": "matplotlib",
    "nn/log_ticks.py": "matplotlib",
    "nn/progress.py": "tqdm",
}

collect_ignore_glob = [
    pattern for pattern, module in NEEDS.items() if importlib.util.find_spec(module) is None
]
