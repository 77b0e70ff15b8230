"""Live delivery: the recipient's open streams hear about new, regrouped, withdrawn and read notifications."""

from __future__ import annotations

from typing import Any

from casebook.engines.notifications import model
from casebook.platform import realtime
from casebook.platform.uow import UnitOfWork


def push_after_commit(uow: UnitOfWork, recipient_id: int, message: dict[str, Any]) -> None:
    """Send once the transaction has committed: a rolled-back notification is never announced."""
    platform = uow.platform

    async def send() -> None:
        await realtime.push(platform.realtime, recipient_id, message)

    uow.after_commit(send)


def notification_message(notification: model.Notification, *, unread_count: int) -> dict[str, Any]:
    return {"type": "notification", "network": notification.network,
            "notification": model.as_json(notification), "unread_count": unread_count}


def removed_message(*, network: str, notification_id: int, unread_count: int) -> dict[str, Any]:
    return {"type": "notification_removed", "network": network, "notification_id": str(notification_id),
            "unread_count": unread_count}


def read_message(*, network: str, notification_ids: list[int] | None, unread_count: int) -> dict[str, Any]:
    """`notification_ids` None: everything was marked read."""
    ids = None if notification_ids is None else [str(notification_id) for notification_id in notification_ids]
    return {"type": "notifications_read", "network": network, "notification_ids": ids,
            "unread_count": unread_count}
