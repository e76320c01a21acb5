"""Shared test settings: hypothesis profiles and the one rule for the PyTorch oracle.

PyTorch is an optional oracle. A test that needs it takes the ``torch`` fixture (or is
marked ``@pytest.mark.torch``); without PyTorch installed such tests are skipped, with the
reason, instead of failing. That is the only place the skip is decided.
"""

import importlib.util
import os

import pytest
from hypothesis import HealthCheck, settings

# In CI every run draws the same examples, so a red build is reproducible;
# locally hypothesis explores new ones each run.
settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

HAVE_TORCH = importlib.util.find_spec("torch") is not None


def pytest_collection_modifyitems(config, items):
    """Skip every test marked ``torch`` when PyTorch is not installed."""
    if HAVE_TORCH:
        return
    skip = pytest.mark.skip(reason="needs PyTorch (pip install torch==2.13.0)")
    for item in items:
        if "torch" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def torch():
    """The torch module, in float64 for oracle comparisons; skips the test without it."""
    if not HAVE_TORCH:
        pytest.skip("needs PyTorch (pip install torch==2.13.0)")
    import torch as torch_module

    return torch_module
