"""The one rule for PyTorch, the optional oracle: without it, a test that needs it is
skipped, with this reason, instead of failing.

A test needs PyTorch when it is marked ``@pytest.mark.torch`` or takes the ``torch``
fixture (``conftest.py`` marks those for it, so ``-m "not torch"`` leaves out both). A
test module that uses torch as it is imported (an oracle's table) marks itself and gets
torch from ``import_torch()``.
"""

import importlib.util

import pytest

HAVE_TORCH = importlib.util.find_spec("torch") is not None
REASON = "needs PyTorch (pip install torch==2.13.0)"


def import_torch():
    """The torch module; without it, the module that asks is skipped (same reason)."""
    return pytest.importorskip("torch", reason=REASON)
