"""Shared test settings: hypothesis profiles and the one rule for the PyTorch oracle.

PyTorch is an optional oracle. A test that needs it takes the ``torch`` fixture (or is
marked ``@pytest.mark.torch``); without PyTorch installed such tests are skipped, with the
reason, instead of failing. That is the only place the skip is decided.
"""

import importlib.util
import os
import shutil
import tempfile

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
def ctrl_c_after_gc_disable(monkeypatch):
    """``ctrl_c_after_gc_disable(module)``: that module's ``gc.disable()`` now switches the
    collector off and then raises KeyboardInterrupt, as a Ctrl-C arriving just after the
    switch would. Undone at the end of the test, or earlier by ``monkeypatch.undo()``."""
    import gc
    import types

    def disable():
        gc.disable()
        raise KeyboardInterrupt

    fake = types.SimpleNamespace(isenabled=gc.isenabled, enable=gc.enable, disable=disable)
    return lambda module: monkeypatch.setattr(module, "gc", fake)


@pytest.fixture
def torch():
    """The torch module (compare in float64: make tensors with dtype=torch.float64);
    skips the test without it."""
    if not HAVE_TORCH:
        pytest.skip("needs PyTorch (pip install torch==2.13.0)")
    import torch as torch_module

    return torch_module


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by selenium, offline (no background networking), with a
    fresh profile; skips the test when selenium, Chromium or chromedriver is missing.
    CI installs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run``)."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if chromium is None or chromedriver is None:
        pytest.skip("needs Debian's chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="agl-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--window-size=1300,900", f"--user-data-dir={profile}"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
