"""Feed fixtures: a platform whose clock the test moves (stories expire in 24 h, not in a day of waiting),
with its consumers running and a client on it; and helpers to read the feed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from casebook.platform.clock import FrozenClock
from tests.apps.instagram.factories import API


@pytest.fixture
async def frozen(settings) -> AsyncIterator[tuple[Any, httpx.AsyncClient, FrozenClock]]:
    from casebook.asgi import create_app
    from casebook.migrations import upgrade
    from casebook.platform.bootstrap import running_platform
    from tests.apps_under_test import TEST_APPS

    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    async with running_platform(settings, TEST_APPS, role="cli", clock=clock) as platform:
        await upgrade(platform.db)
        await platform.start("worker")
        transport = httpx.ASGITransport(app=create_app(platform=platform))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield platform, http, clock


async def feed_ids(client: Any, headers: dict[str, str], *, mode: str = "chronological", limit: int = 50,
                   cursor: str | None = None) -> tuple[list[str], str | None]:
    params: dict[str, Any] = {"mode": mode, "limit": limit}
    if cursor is not None:
        params["cursor"] = cursor
    response = await client.get(f"{API}/feed", headers=headers, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    return [item["id"] for item in body["items"]], body["next_cursor"]


async def all_feed_ids(client: Any, headers: dict[str, str], *, mode: str = "chronological", limit: int = 50) -> list[str]:
    ids, cursor = await feed_ids(client, headers, mode=mode, limit=limit)
    while cursor is not None:
        more, cursor = await feed_ids(client, headers, mode=mode, limit=limit, cursor=cursor)
        ids += more
    return ids
