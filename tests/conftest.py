"""Shared fixtures: the policy set built fresh from ``policies/``; hypothesis profiles; the
longer timeout of the tests that build."""

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


#: The bound of a test that builds the site (pyproject.toml sets 300 s for every other test).
BUILD_TIMEOUT_S = 1200


@pytest.hookimpl(trylast=True)  # after -k and deselection: the items below are the ones that run
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longer timeout for tests marked ``builds`` and for the first test that uses the
    session's built site (``site``: it builds it, unless ``YIBAO_SITE`` names a build)."""
    first_site_user = os.environ.get("YIBAO_SITE") is not None
    for item in items:
        builds = item.get_closest_marker("builds") is not None
        if not first_site_user and "site" in getattr(item, "fixturenames", ()):
            first_site_user = builds = True
        if builds and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(BUILD_TIMEOUT_S))
