"""Shared test settings: hypothesis profiles and the optional PyTorch oracle."""

import os

from hypothesis import HealthCheck, settings

# In CI every run draws the same examples, so a red build is reproducible;
# locally hypothesis explores new ones each run.
settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
