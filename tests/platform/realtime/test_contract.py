"""The Realtime contract: one suite for in-process fan-out and for Redis pub/sub."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from casebook.platform.realtime import Realtime, Subscription, open_realtime
from casebook.platform.settings import Settings

INBOX_MESSAGES_MAX = 256  # the adapters' default bound on undelivered messages per subscriber
RECEIVE_TIMEOUT_S = 5.0  # a bound on a hung test, never a measured expectation


@pytest.fixture
async def realtime(settings: Settings) -> AsyncIterator[Realtime]:
    realtime = open_realtime(settings.realtime_url)
    try:
        yield realtime
    finally:
        await realtime.close()


@pytest.fixture
async def elsewhere(settings: Settings, realtime: Realtime) -> AsyncIterator[Realtime]:
    """A publisher in another process: the same object when the adapter lives in one process."""
    if settings.realtime_url.startswith("memory://"):
        yield realtime
        return
    other = open_realtime(settings.realtime_url)
    try:
        yield other
    finally:
        await other.close()


async def receive(subscription: Subscription) -> dict[str, Any]:
    return await asyncio.wait_for(anext(aiter(subscription)), RECEIVE_TIMEOUT_S)


async def rest(subscription: Subscription) -> list[dict[str, Any]]:
    """Every message until the subscription ends."""
    async def drain() -> list[dict[str, Any]]:
        return [message async for message in subscription]
    return await asyncio.wait_for(drain(), RECEIVE_TIMEOUT_S)


async def test_ping_answers(realtime: Realtime) -> None:
    assert await realtime.ping() is None


async def test_a_message_reaches_every_subscriber_of_its_topic(realtime: Realtime) -> None:
    async with realtime.subscribe("account:1") as first, realtime.subscribe("account:1") as second:
        await realtime.publish("account:1", {"type": "liked", "post_id": "42", "count": 3})
        assert await receive(first) == {"type": "liked", "post_id": "42", "count": 3}
        assert await receive(second) == {"type": "liked", "post_id": "42", "count": 3}


async def test_a_message_reaches_no_subscriber_of_another_topic(realtime: Realtime) -> None:
    async with realtime.subscribe("account:1") as one, realtime.subscribe("account:2") as two:
        await realtime.publish("account:2", {"n": 1})
        await realtime.publish("account:1", {"n": 2})
        assert await receive(one) == {"n": 2}  # delivery keeps order: {"n": 1} would have come first
        assert await receive(two) == {"n": 1}
        await realtime.publish("account:2", {"n": 3})
        assert await receive(two) == {"n": 3}


async def test_messages_arrive_in_publish_order(realtime: Realtime) -> None:
    async with realtime.subscribe("ticker:AAPL") as subscription:
        for n in range(50):
            await realtime.publish("ticker:AAPL", {"seq": n})
        assert [await receive(subscription) for _ in range(50)] == [{"seq": n} for n in range(50)]


async def test_one_subscription_can_listen_to_several_topics(realtime: Realtime) -> None:
    async with realtime.subscribe("order:7", "courier:3") as subscription:
        await realtime.publish("order:7", {"status": "picked_up"})
        await realtime.publish("courier:3", {"lat": 52.5, "lon": 13.4})
        await realtime.publish("order:8", {"status": "other"})
        assert await receive(subscription) == {"status": "picked_up"}
        assert await receive(subscription) == {"lat": 52.5, "lon": 13.4}


async def test_a_publisher_elsewhere_reaches_the_subscriber(realtime: Realtime, elsewhere: Realtime) -> None:
    async with realtime.subscribe("account:9") as subscription:
        await elsewhere.publish("account:9", {"type": "payment_received", "amount": "12.34"})
        assert await receive(subscription) == {"type": "payment_received", "amount": "12.34"}


async def test_publishing_without_subscribers_is_a_no_op(realtime: Realtime) -> None:
    await realtime.publish("account:404", {"type": "nobody_listens"})
    async with realtime.subscribe("account:404") as subscription:
        await realtime.publish("account:404", {"type": "now_someone_does"})
        assert await receive(subscription) == {"type": "now_someone_does"}


async def test_leaving_the_context_unsubscribes(realtime: Realtime) -> None:
    async with realtime.subscribe("account:5") as gone:
        pass
    async with realtime.subscribe("account:5") as staying:
        await realtime.publish("account:5", {"n": 1})
        assert await receive(staying) == {"n": 1}
    assert await rest(gone) == []


async def test_a_subscriber_can_rejoin_a_topic_it_left(realtime: Realtime) -> None:
    for n in range(3):
        async with realtime.subscribe("room:1") as subscription:
            await realtime.publish("room:1", {"n": n})
            assert await receive(subscription) == {"n": n}


async def test_a_subscriber_that_falls_behind_is_dropped_not_waited_for(realtime: Realtime) -> None:
    async with realtime.subscribe("feed:1") as slow, realtime.subscribe("feed:1") as fast, \
            realtime.subscribe("probe") as probe:
        for n in range(INBOX_MESSAGES_MAX + 1):
            await realtime.publish("feed:1", {"n": n})
            assert await receive(fast) == {"n": n}
        await realtime.publish("probe", {"after": "all"})
        assert await receive(probe) == {"after": "all"}  # one stream: every feed message came first
        assert await rest(slow) == []
        await realtime.publish("feed:1", {"n": "later"})
        assert await receive(fast) == {"n": "later"}


async def test_close_ends_open_subscriptions(settings: Settings) -> None:
    realtime = open_realtime(settings.realtime_url)
    async with realtime.subscribe("account:1") as subscription:
        waiting = asyncio.ensure_future(rest(subscription))
        await asyncio.sleep(0)  # let the reader block on the empty subscription
        await realtime.close()
        assert await waiting == []
