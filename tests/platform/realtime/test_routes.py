"""Live delivery over SSE and WebSocket to the signed-in account, on the in-process adapter."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
from litestar import Litestar
from litestar.di import Provide
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import TestClient

from casebook.platform.errors import Unavailable
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.realtime.memory import MemoryRealtime
from casebook.platform.realtime.redis import RedisRealtime
from casebook.platform.realtime import push
from casebook.platform.realtime.routes import account_events, realtime_routes

ACCOUNT = AuthenticatedAccount(id=7, username="ann", via="bearer")
WAIT_S = 5.0  # a bound on a hung test, never a measured expectation


class WatchedRealtime:
    """A real MemoryRealtime that tells the test thread when a handler has subscribed and left.

    The test client runs the app on its own thread and loop, so the test cannot await that directly.
    """

    def __init__(self, realtime: MemoryRealtime) -> None:
        self.realtime = realtime
        self.joined = threading.Event()
        self.left = threading.Event()
        self.topics: tuple[str, ...] = ()

    async def publish(self, topic: str, message: dict[str, Any]) -> None:
        await self.realtime.publish(topic, message)

    @contextlib.asynccontextmanager
    async def subscribe(self, *topics: str) -> AsyncIterator[Any]:
        async with self.realtime.subscribe(*topics) as subscription:
            self.topics = topics
            self.joined.set()
            try:
                yield subscription
            finally:
                self.left.set()

    async def close(self) -> None:
        await self.realtime.close()


def build_app(realtime: Any) -> Litestar:
    holder = SimpleNamespace(realtime=realtime)  # stands in for the Platform: only .realtime is used
    return Litestar(route_handlers=realtime_routes, dependencies={
        "account": Provide(lambda: ACCOUNT, sync_to_thread=False),
        "platform": Provide(lambda: holder, sync_to_thread=False),
    })


def test_sse_streams_the_accounts_messages_and_no_one_elses() -> None:
    watched = WatchedRealtime(MemoryRealtime())
    with TestClient(build_app(watched)) as client, ThreadPoolExecutor(1) as pool:
        # The test transport hands over the body once the stream ends, so read it on another thread.
        pending = pool.submit(client.get, "/api/realtime/sse")
        assert watched.joined.wait(WAIT_S)
        assert watched.topics == ("account:7",)
        portal = client.blocking_portal
        portal.call(push, watched, 7, {"type": "post_liked", "post_id": "42"})
        portal.call(push, watched, 8, {"type": "not_yours"})
        portal.call(push, watched, 7, {"type": "followed", "by": "bob"})
        portal.call(watched.close)  # ends the subscription, and with it the stream
        response = pending.result(WAIT_S)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    assert response.text == ('data: {"type":"post_liked","post_id":"42"}\r\n\r\n'
                             'data: {"type":"followed","by":"bob"}\r\n\r\n')
    assert watched.left.is_set()


async def test_a_quiet_sse_stream_sends_heartbeat_comments() -> None:
    realtime = MemoryRealtime()
    events = account_events(realtime, 7, heartbeat_s=0.01)
    try:
        assert (await anext(events)).encode() == b": heartbeat\r\n\r\n"
        await push(realtime, 7, {"n": 1})
        assert (await anext(events)).encode() == b'data: {"n":1}\r\n\r\n'
    finally:
        await events.aclose()
    await push(realtime, 7, {"n": 2})  # nobody subscribed any more: delivered to no one
    assert realtime._hub.has_subscribers("account:7") is False


def test_websocket_streams_the_accounts_messages_and_unsubscribes_on_disconnect() -> None:
    watched = WatchedRealtime(MemoryRealtime())
    with TestClient(build_app(watched)) as client:
        with client.websocket_connect("/api/realtime/ws") as socket:
            assert watched.joined.wait(WAIT_S)
            assert watched.topics == ("account:7",)
            portal = client.blocking_portal
            portal.call(push, watched, 8, {"type": "not_yours"})
            portal.call(push, watched, 7, {"type": "payment_received", "amount": "12.34"})
            assert socket.receive_json(timeout=WAIT_S) == {"type": "payment_received", "amount": "12.34"}
            socket.send_text("ignored")
            portal.call(push, watched, 7, {"type": "second"})
            assert socket.receive_json(timeout=WAIT_S) == {"type": "second"}
        assert watched.left.wait(WAIT_S)
        assert client.blocking_portal.call(_has_subscribers, watched.realtime, "account:7") is False


def test_a_websocket_that_falls_behind_is_closed_with_try_again_later() -> None:
    realtime = MemoryRealtime(inbox_messages_max=2)
    watched = WatchedRealtime(realtime)
    with TestClient(build_app(watched)) as client:
        with client.websocket_connect("/api/realtime/ws") as socket:
            assert watched.joined.wait(WAIT_S)
            # Three messages in one go, before the sender can take any: the inbox of two overflows.
            client.blocking_portal.call(_publish_burst, realtime, "account:7", 3)
            with pytest.raises(WebSocketDisconnect) as closed:
                socket.receive(timeout=WAIT_S)
            assert closed.value.code == 1013
        assert watched.left.wait(WAIT_S)


async def _publish_burst(realtime: MemoryRealtime, topic: str, count: int) -> None:
    for n in range(count):
        await realtime.publish(topic, {"n": n})


async def _has_subscribers(realtime: MemoryRealtime, topic: str) -> bool:
    return realtime._hub.has_subscribers(topic)


async def test_push_after_commit_survives_a_realtime_outage() -> None:
    unreachable = RedisRealtime("redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        with pytest.raises(Unavailable):
            await unreachable.publish("account:7", {"n": 1})
        assert await push(unreachable, 7, {"n": 1}) is None
    finally:
        await unreachable.close()
