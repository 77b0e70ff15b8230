"""The Instagram live stream: the platform's per-account SSE stream, narrowed to Instagram's messages
(notifications, DMs, read receipts), with notifications rendered as the activity list shows them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec
from litestar.response import ServerSentEventMessage

from casebook.apps.instagram import rules as instagram_rules
from casebook.apps.instagram.inbox import activity, rules
from casebook.apps.instagram.inbox.schemas import NotificationRead
from casebook.engines import notifications, social
from casebook.platform.realtime.routes import HEARTBEAT_S, account_events

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

NETWORK = instagram_rules.NETWORK

_encode = msgspec.json.Encoder().encode


async def instagram_events(platform: Platform, account_id: int, *,
                           heartbeat_s: float = HEARTBEAT_S) -> AsyncIterator[ServerSentEventMessage]:
    """The account's Instagram messages as SSE events (heartbeats pass through).

    The blocks are read once when the stream opens: a message from someone blocked later still arrives
    until the browser reconnects, but never shows when the thread is read again.
    """
    async with platform.reader() as uow:
        blocked = await social.blocked_either_way_ids(uow, network=NETWORK, account_id=account_id,
                                                      limit=rules.STREAM_BLOCKED_IDS_MAX)
    async for event in account_events(platform.realtime, account_id, heartbeat_s=heartbeat_s):
        if event.data is None:
            yield event
            continue
        message = msgspec.json.decode(event.data)
        if not isinstance(message, dict) or message.get("network") != NETWORK:
            continue
        if message.get("type") == "message" and int(message["message"]["sender_id"]) in blocked:
            continue
        if message.get("type") == "notification":
            message = await _rendered(platform, account_id, message)
            if message is None:
                continue
        yield ServerSentEventMessage(data=_encode(message).decode())


async def _rendered(platform: Platform, account_id: int, message: dict[str, Any]) -> dict[str, Any] | None:
    """The notification as GET /notifications shows it; None when the reader may not see it."""
    raw = message["notification"]
    notification = notifications.Notification(
        id=int(raw["id"]), network=NETWORK, recipient_id=account_id, kind=raw["kind"], group_key=raw["group_key"],
        subject_id=None if raw["subject_id"] is None else int(raw["subject_id"]),
        actor_ids=[int(actor_id) for actor_id in raw["actor_ids"]], actor_count=raw["actor_count"],
        data=raw["data"], is_read=raw["is_read"], created_at=datetime.fromisoformat(raw["created_at"]),
        updated_at=datetime.fromisoformat(raw["updated_at"]))
    async with platform.reader() as uow:
        items = await activity.render(uow, account_id=account_id, found=[notification])
    if not items:
        return None
    return {**message, "notification": msgspec.to_builtins(NotificationRead.from_activity(items[0]))}
