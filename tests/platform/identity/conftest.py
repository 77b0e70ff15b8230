"""Fixtures: the whole ASGI app over the migrated platform of the chosen backend."""

from __future__ import annotations

from typing import Any, AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

from tests.platform.identity.harness import build_app


@pytest.fixture
async def platform(settings: Any) -> AsyncIterator[Any]:
    """TEMPORARY: the shared fixture when every port imports, else a partial platform (interim.py)."""
    from casebook.migrations import upgrade
    from casebook.platform.bootstrap import running_platform
    from tests.apps_under_test import TEST_APPS

    try:
        context = running_platform(settings, TEST_APPS, role="cli")
        platform = await context.__aenter__()
    except ImportError:
        from tests.platform.identity.interim import partial_platform

        platform = await partial_platform(settings)
        yield platform
        await platform.cache.close()
        await platform.db.dispose()
        return
    try:
        await upgrade(platform.db)
        await platform.start("serve")
        yield platform
    finally:
        await context.__aexit__(None, None, None)


@pytest.fixture
def app(platform: Any) -> Any:
    return build_app(platform)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app) as client:
        yield client
