"""Live delivery: the realtime messages pushed to members' open streams once a change has committed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from casebook.engines.messaging import model
from casebook.platform import realtime
from casebook.platform.uow import UnitOfWork


def message_json(message: model.Message) -> dict[str, Any]:
    """A message as JSON: ids as strings (64-bit ids overflow JavaScript numbers), time in ISO 8601."""
    return {"id": str(message.id), "conversation_id": str(message.conversation_id),
            "sender_id": str(message.sender_id), "kind": message.kind, "body": message.body,
            "attachment": message.attachment, "created_at": message.created_at.isoformat()}


def push_message(uow: UnitOfWork, *, network: str, message: model.Message, active_ids: Iterable[int],
                 request_ids: Iterable[int]) -> None:
    """`{"type": "message", ...}` to each recipient after commit; `is_request` tells a pending request apart."""
    body = message_json(message)
    for account_id, is_request in [*((i, False) for i in active_ids), *((i, True) for i in request_ids)]:
        _push_after_commit(uow, account_id, {"type": "message", "network": network,
                                             "conversation_id": str(message.conversation_id),
                                             "is_request": is_request, "message": body})


def push_read(uow: UnitOfWork, *, network: str, conversation_id: int, reader_id: int, message_id: int,
              recipient_ids: Iterable[int]) -> None:
    """`{"type": "read", ...}`: the reader has seen everything up to `message_id`."""
    for account_id in recipient_ids:
        _push_after_commit(uow, account_id, {"type": "read", "network": network,
                                             "conversation_id": str(conversation_id),
                                             "account_id": str(reader_id), "message_id": str(message_id)})


def _push_after_commit(uow: UnitOfWork, account_id: int, message: dict[str, Any]) -> None:
    platform = uow.platform
    uow.after_commit(lambda: realtime.push(platform.realtime, account_id, message))
