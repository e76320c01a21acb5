"""Shared test settings: hypothesis profiles, the PyTorch rule, fixtures.

PyTorch is an optional oracle. A test that needs it takes the ``torch`` fixture or is
marked ``@pytest.mark.torch``; without PyTorch installed such tests are skipped, with the
reason, instead of failing. The rule itself is in ``needs_torch.py``.
"""

import os
import shutil
import tempfile

import pytest
from needs_torch import HAVE_TORCH, REASON, import_torch

try:
    from hypothesis import HealthCheck, settings
except ModuleNotFoundError:  # the property tests are much of the suite: no point without it
    raise pytest.UsageError(
        "the tests need hypothesis (the dev extra): pip install -e '.[dev]', or run make test"
    ) from None

# In CI every run draws the same examples, so a red build is reproducible;
# locally hypothesis explores new ones each run.
settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects: a fixture user counts as marked
def pytest_collection_modifyitems(config, items):
    """Mark ``torch`` every test that takes the ``torch`` fixture; without PyTorch, skip
    every test marked ``torch``."""
    for item in items:
        if "torch" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.torch)
    if not HAVE_TORCH:
        for item in items:
            if "torch" in item.keywords:
                item.add_marker(pytest.mark.skip(reason=REASON))


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
    """The torch module (compare in float64: make tensors with dtype=torch.float64); a test
    that takes it is marked ``torch``, and so skipped without it."""
    return import_torch()


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
