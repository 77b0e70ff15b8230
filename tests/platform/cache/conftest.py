"""The cache under test: the in-process adapter embedded, the real Redis with CASEBOOK_TEST_BACKENDS=all."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from casebook.platform.cache import Cache, open_cache
from casebook.platform.settings import Settings


@pytest.fixture
async def cache(settings: Settings) -> AsyncIterator[Cache]:
    cache = open_cache(settings.cache_url, items_max=1000)
    try:
        yield cache
    finally:
        await cache.close()
