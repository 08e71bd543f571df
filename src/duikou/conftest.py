"""Shared pytest fixtures for every app's tests."""

import pytest
from django.core.cache import cache

from duikou.core.context import change_context


@pytest.fixture(autouse=True)
def _empty_cache():
    """The API's rate limits count in the cache: every test starts with none of its requests spent."""
    cache.clear()


@pytest.fixture(autouse=True)
def _test_change_context(request):
    """Tests write inside a change context, as commands do; tests of the context itself opt out.

    Mark a test with `@pytest.mark.no_change_context` to run it outside one.
    """
    if request.node.get_closest_marker("no_change_context"):
        yield None
        return
    with change_context(source="test", note=request.node.name[:200]) as context:
        yield context
