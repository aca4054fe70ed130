"""Shared fixtures: the policy set built fresh from ``policies/``; hypothesis profiles."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# Property tests: 1,000 examples in CI, fewer on a laptop unless asked.
settings.register_profile("ci", max_examples=1000, deadline=None)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def policies():
    """The real policies, validated from YAML by pydantic (not read from the bundle)."""
    from calculator import PolicySet
    from calculator.policy_files import bundle_json, load_policies

    return PolicySet.from_json(bundle_json(load_policies()))
