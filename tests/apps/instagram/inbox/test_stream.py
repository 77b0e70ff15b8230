"""GET /api/instagram/stream: the signed-in account's Instagram messages, live — notifications rendered as the
activity list shows them, DMs and read receipts — and nothing of other products or of blocked people.

The stream is driven over raw ASGI (httpx's test transport would wait for the endless body): the test reads
SSE chunks as they are sent, then disconnects like a closing browser tab."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from casebook.asgi import create_app
from casebook.platform import realtime
from tests.apps.instagram.factories import API, follow, instagram_user
from tests.apps.instagram.inbox.factories import send, start

WAIT_S = 20.0  # a bound on a hung test, never a measured expectation
PROBE_EVERY_S = 0.05


class SseStream:
    """One open GET of the stream: `next_message()` returns the next `data:` event as JSON."""

    def __init__(self, app: Any, path: str, headers: dict[str, str]) -> None:
        self.chunks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.closed = asyncio.Event()
        self.status: int | None = None
        self.buffer = ""
        self.scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"testserver"), *((k.lower().encode(), v.encode()) for k, v in headers.items())],
            "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
        self.task = asyncio.create_task(app(self.scope, self._receive, self.chunks.put))
        self._requested = False

    async def _receive(self) -> dict[str, Any]:
        if not self._requested:
            self._requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.closed.wait()
        return {"type": "http.disconnect"}

    async def next_message(self, *, skip_types: tuple[str, ...] = ("probe",)) -> dict[str, Any]:
        async with asyncio.timeout(WAIT_S):
            while True:
                while "\r\n\r\n" not in self.buffer:
                    chunk = await self.chunks.get()
                    if chunk["type"] == "http.response.start":
                        self.status = chunk["status"]
                        continue
                    self.buffer += chunk.get("body", b"").decode()
                event, self.buffer = self.buffer.split("\r\n\r\n", 1)
                data = [line.removeprefix("data:").strip() for line in event.split("\r\n") if line.startswith("data:")]
                if data:
                    message = json.loads("\n".join(data))
                    if message.get("type") not in skip_types:
                        return message

    async def close(self) -> None:
        self.closed.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self.task, WAIT_S)


@contextlib.asynccontextmanager
async def instagram_stream(platform: Any, client: Any, headers: dict[str, str]) -> AsyncIterator[SseStream]:
    """Open the stream and return once it is subscribed: probes are pushed until one comes through."""
    account_id = int((await client.get(f"{API}/profile", headers=headers)).json()["id"])
    stream = SseStream(create_app(platform=platform), f"{API}/stream", headers)
    try:
        async with asyncio.timeout(WAIT_S):
            waiting = asyncio.create_task(stream.next_message(skip_types=()))
            while not waiting.done():
                await realtime.push(platform.realtime, account_id, {"type": "probe", "network": "instagram"})
                await asyncio.wait({waiting}, timeout=PROBE_EVERY_S)
            assert waiting.result() == {"type": "probe", "network": "instagram"}
        assert stream.status == 200
        yield stream
    finally:
        await stream.close()


async def test_notifications_arrive_rendered_and_other_products_stay_out(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    alice_id = int((await client.get(f"{API}/profile", headers=alice)).json()["id"])
    async with instagram_stream(platform, client, alice) as stream:
        await realtime.push(platform.realtime, alice_id, {"type": "payment_received", "network": "cashapp"})
        await realtime.push(platform.realtime, alice_id, {"type": "guestbook.entry_indexed"})
        await follow(client, bob, "alice")
        message = await stream.next_message()
    assert message["type"] == "notification" and message["network"] == "instagram"
    assert message["unread_count"] == 1
    notification = message["notification"]
    assert (notification["kind"], notification["text"]) == ("follow", "bob started following you")
    assert [actor["username"] for actor in notification["actors"]] == ["bob"]
    listed = (await client.get(f"{API}/notifications", headers=alice)).json()["items"]
    assert [item["id"] for item in listed] == [notification["id"]]


async def test_messages_and_read_receipts_arrive_live(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    await follow(client, alice, "bob")
    conversation = await start(client, bob, "alice")
    async with instagram_stream(platform, client, alice) as stream:
        sent = await send(client, bob, conversation["id"], text="are you there?")
        message = await stream.next_message()
        assert message["type"] == "message" and message["is_request"] is False
        assert message["message"]["id"] == sent["id"] and message["message"]["body"] == "are you there?"
        mine = await send(client, alice, conversation["id"], text="yes")
        read = await client.post(f"{API}/conversations/{conversation['id']}/read", headers=bob, json={})
        assert read.status_code == 200
        receipt = await stream.next_message()
    assert receipt["type"] == "read" and receipt["message_id"] == mine["id"]
    assert receipt["conversation_id"] == conversation["id"]


async def test_a_blocked_members_messages_are_not_relayed(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    carol = await instagram_user(client, "carol")
    for headers in (bob, carol):
        await follow(client, headers, "alice")
    group = await start(client, alice, "bob", "carol")
    assert (await client.post(f"{API}/users/bob/block", headers=carol)).status_code == 200
    async with instagram_stream(platform, client, carol) as stream:
        await send(client, bob, group["id"], text="from bob")
        await send(client, alice, group["id"], text="from alice")
        message = await stream.next_message()
    assert message["type"] == "message" and message["message"]["body"] == "from alice"


async def test_the_stream_needs_a_signed_in_account(client) -> None:
    refused = await client.get(f"{API}/stream")
    assert refused.status_code == 401
