"""Live delivery to the signed-in account over Server-Sent Events or a WebSocket."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import msgspec
import structlog
from litestar import WebSocket, get, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.response import ServerSentEvent, ServerSentEventMessage
from litestar.status_codes import WS_1000_NORMAL_CLOSURE

from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.realtime import Realtime, account_topic

log = structlog.get_logger(__name__)

# 15 s: well under the 60 s idle timeouts of common proxies (nginx proxy_read_timeout, ALB idle).
HEARTBEAT_S = 15.0
# 1013 "try again later": the client fell too far behind and was dropped; reconnect and refetch.
WS_CLOSE_FELL_BEHIND = 1013

_encode = msgspec.json.Encoder().encode


async def account_events(realtime: Realtime, account_id: int, *,
                         heartbeat_s: float = HEARTBEAT_S) -> AsyncIterator[ServerSentEventMessage]:
    """The account's messages as SSE events, with a comment line whenever `heartbeat_s` pass quietly."""
    async with realtime.subscribe(account_topic(account_id)) as subscription:
        messages = aiter(subscription)
        while True:
            try:
                async with asyncio.timeout(heartbeat_s):
                    message = await anext(messages)
            except TimeoutError:
                yield ServerSentEventMessage(data=None, comment="heartbeat")
                continue
            except StopAsyncIteration:
                return  # dropped or shutting down: the browser's EventSource reconnects
            yield ServerSentEventMessage(data=_encode(message).decode())


@get("/api/realtime/sse", tags=["realtime"], summary="Live events for the signed-in account (SSE)")
async def stream_events(account: AuthenticatedAccount, platform: PlatformDependency) -> ServerSentEvent:
    return ServerSentEvent(account_events(platform.realtime, account.id))


@websocket("/api/realtime/ws")
async def stream_socket(socket: WebSocket, account: AuthenticatedAccount, platform: PlatformDependency) -> None:
    """Sends the account's messages as JSON text frames; what the client sends is ignored."""
    await socket.accept()
    async with platform.realtime.subscribe(account_topic(account.id)) as subscription:
        sender = asyncio.create_task(_send_all(socket, subscription))
        listener = asyncio.create_task(_until_disconnect(socket))
        try:
            await asyncio.wait({sender, listener}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sender, listener):
                task.cancel()
            outcomes = await asyncio.gather(sender, listener, return_exceptions=True)
    if listener.cancelled() and outcomes[0] is None:  # the subscription ended while the client stayed
        code = WS_CLOSE_FELL_BEHIND if getattr(subscription, "is_dropped", False) else WS_1000_NORMAL_CLOSURE
        with contextlib.suppress(Exception):  # the client may have left meanwhile
            await socket.close(code=code)


async def _send_all(socket: WebSocket, subscription: Any) -> None:
    async for message in subscription:
        await socket.send_data(_encode(message).decode())


async def _until_disconnect(socket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            await socket.receive_data(mode="text")


realtime_routes = [stream_events, stream_socket]
