"""Live delivery through real servers: an event consumed anywhere reaches the author's SSE stream and
WebSocket on any server process (through Redis when distributed)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
import websockets

from tests.e2e.stack import open_stack, sign_up

pytestmark = pytest.mark.e2e

REDIS_DB = 12  # other e2e tests use 13-15
EVENT_TIMEOUT_S = 20.0


async def first_sse_event(client: httpx.AsyncClient, url: str, opened: asyncio.Event) -> dict:
    async with client.stream("GET", url) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        opened.set()
        async for line in stream.aiter_lines():
            if line.startswith("data:"):
                return json.loads(line.removeprefix("data:").strip())
    raise AssertionError("the stream ended without an event")


async def test_the_author_hears_about_the_entry_on_sse_and_websocket(backend: str, tmp_path: Path) -> None:
    async with open_stack(backend, tmp_path, label="live", redis_db=REDIS_DB) as stack:
        if stack.backends.is_distributed:
            await stack.migrate()
            stack.worker("worker")
            writer, listener = await asyncio.gather(stack.serve("serve-a"), stack.serve("serve-b"))
        else:
            writer = listener = await stack.serve("serve")
        headers = await sign_up(writer.base_url, "live_tester")
        token = headers["Authorization"].removeprefix("Bearer ")

        async with httpx.AsyncClient(headers=headers, timeout=EVENT_TIMEOUT_S) as client:
            # given a stream open on the listening server and a socket open on the writing one
            opened = asyncio.Event()
            sse = asyncio.create_task(first_sse_event(client, f"{listener.base_url}/api/realtime/sse", opened))
            await asyncio.wait_for(opened.wait(), EVENT_TIMEOUT_S)
            ws_url = writer.base_url.replace("http://", "ws://") + f"/api/realtime/ws?access_token={token}"
            async with websockets.connect(ws_url) as socket:
                await asyncio.sleep(0.2)  # let both subscriptions register before the write

                # when the author signs the book
                answer = await client.post(f"{writer.base_url}/api/guestbook/entries", json={"body": "live!"})
                assert answer.status_code == 201, answer.text
                entry_id = answer.json()["id"]

                # then both channels carry the consumer's message
                by_socket = json.loads(await asyncio.wait_for(socket.recv(), EVENT_TIMEOUT_S))
                by_stream = await asyncio.wait_for(sse, EVENT_TIMEOUT_S)

        expected = {"type": "guestbook.entry_indexed", "entry_id": entry_id}
        assert by_socket == expected
        assert by_stream == expected


async def test_a_websocket_without_credentials_is_refused(tmp_path: Path) -> None:
    async with open_stack("embedded", tmp_path, label="live-refused", redis_db=REDIS_DB) as stack:
        server = await stack.serve("serve")
        url = server.base_url.replace("http://", "ws://") + "/api/realtime/ws?access_token=forged.token.value"

        with pytest.raises(websockets.exceptions.WebSocketException):
            async with websockets.connect(url) as socket:
                await asyncio.wait_for(socket.recv(), EVENT_TIMEOUT_S)
