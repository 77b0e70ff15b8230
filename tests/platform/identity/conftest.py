"""Fixtures: the whole ASGI app over the migrated platform of the chosen backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.platform.identity.harness import build_app, client_at


@pytest.fixture
def app(platform: Any) -> Any:
    return build_app(platform)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    # In the test's own event loop: Litestar's AsyncTestClient runs the app in a portal thread
    # while blocking this loop, which deadlocks against the platform's background work here.
    async with client_at(app, "testclient") as client:
        yield client
