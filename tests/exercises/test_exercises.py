"""The package ``autograd_lite.exercises``: what its import needs."""

import importlib
import sys

import pytest

import autograd_lite.exercises  # noqa: F401  (imported, so that the test can import it again)


def test_without_hypothesis_the_import_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "autograd_lite.exercises")
    with pytest.raises(ImportError, match=r"pip install 'autograd-lite\[testing\]'"):
        importlib.import_module("autograd_lite.exercises")
