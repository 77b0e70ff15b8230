"""Pure notification types and rules: validation, who a group keeps in front, the live message; no I/O."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import msgspec

from casebook.engines.notifications import errors, limits

_WORD = re.compile(r"[a-z][a-z0-9_-]*")


class Notification(msgspec.Struct, frozen=True, kw_only=True):
    """What the app renders: "alice and 12 others liked your post" is `actor_ids[0]` and `actor_count - 1`."""

    id: int
    network: str
    recipient_id: int
    kind: str
    group_key: str | None
    subject_id: int | None
    actor_ids: list[int]  # newest first, GROUP_ACTORS_KEPT at most
    actor_count: int  # distinct actors in the group
    data: dict[str, Any] | None
    is_read: bool
    created_at: datetime
    updated_at: datetime  # the last actor's arrival: the list's order


class NotificationPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[Notification]
    next_cursor: str | None


class Position(msgspec.Struct, frozen=True, kw_only=True):
    """Where a page ended: the last (updated_at, id) shown, inside the opaque cursor."""

    updated_at: datetime
    id: int


def from_row(row: Any) -> Notification:
    return Notification(id=row.id, network=row.network, recipient_id=row.recipient_id, kind=row.kind,
                        group_key=row.group_key, subject_id=row.subject_id, actor_ids=list(row.actor_ids),
                        actor_count=row.actor_count, data=row.data, is_read=row.is_read,
                        created_at=row.created_at, updated_at=row.updated_at)


def check_network(network: str) -> None:
    if not (len(network) <= limits.NETWORK_CHARS_MAX and _WORD.fullmatch(network)):
        raise errors.InvalidNotification(f"network is a lowercase word of at most {limits.NETWORK_CHARS_MAX} "
                                          "characters", field="network")


def check_notification(*, network: str, recipient_id: int, kind: str, actor_id: int, group_key: str | None,
                       data: dict[str, Any] | None) -> None:
    """Checks in a fixed order: network, kind, ids, group key, data."""
    check_network(network)
    if not (len(kind) <= limits.KIND_CHARS_MAX and _WORD.fullmatch(kind)):
        raise errors.InvalidNotification(
            f"kind is a lowercase word of at most {limits.KIND_CHARS_MAX} characters", field="kind")
    if recipient_id <= 0 or actor_id <= 0:
        raise errors.InvalidNotification("recipient and actor are account ids", field="actor_id")
    if group_key is not None and not 1 <= len(group_key) <= limits.GROUP_KEY_CHARS_MAX:
        raise errors.InvalidNotification(f"group_key takes 1 to {limits.GROUP_KEY_CHARS_MAX} characters",
                                          field="group_key")
    if data is not None and (not isinstance(data, dict)
                             or len(msgspec.json.encode(data)) > limits.DATA_BYTES_MAX):
        raise errors.InvalidNotification(
            f"data is an object of at most {limits.DATA_BYTES_MAX} bytes as JSON", field="data")


def with_actor_first(actor_ids: list[int], actor_id: int) -> list[int]:
    """The kept actors once `actor_id` acted again or anew: it moves to the front, the oldest falls off."""
    return [actor_id, *(kept for kept in actor_ids if kept != actor_id)][:limits.GROUP_ACTORS_KEPT]


def as_json(notification: Notification) -> dict[str, Any]:
    """JSON builtins with ids as strings (the platform's JSON convention) and ISO 8601 times."""
    return {
        "id": str(notification.id),
        "kind": notification.kind,
        "group_key": notification.group_key,
        "subject_id": None if notification.subject_id is None else str(notification.subject_id),
        "actor_ids": [str(actor_id) for actor_id in notification.actor_ids],
        "actor_count": notification.actor_count,
        "data": notification.data,
        "is_read": notification.is_read,
        "created_at": msgspec.to_builtins(notification.created_at),
        "updated_at": msgspec.to_builtins(notification.updated_at),
    }
