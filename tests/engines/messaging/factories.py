"""Messaging test helpers: each step in its own unit of work, as requests would run them."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from casebook.engines import messaging
from casebook.engines.messaging.models import ConversationRow, MemberRow, MessageRow
from casebook.platform.bootstrap import Platform
from casebook.platform.bus.models import OutboxRow

NETWORK = "network-under-test"
ANN, BOB, CAT, DAN = 1001, 1002, 1003, 1004
# Generous: a bound on a hung test, not a speed assertion.
RECEIVE_TIMEOUT_S = 10.0


async def open_direct(platform: Platform, sender_id: int, recipient_id: int, *,
                      as_request: bool = False) -> messaging.Conversation:
    async with platform.uow() as uow:
        return await messaging.open_direct(uow, network=NETWORK, sender_id=sender_id, recipient_id=recipient_id,
                                           as_request=as_request)


async def create_group(platform: Platform, creator_id: int, member_ids: set[int], *,
                       requested_ids: set[int] = frozenset(), title: str | None = "friends") -> messaging.Conversation:
    async with platform.uow() as uow:
        return await messaging.create_group(uow, network=NETWORK, creator_id=creator_id, member_ids=member_ids,
                                            title=title, requested_ids=requested_ids)


async def send(platform: Platform, conversation_id: int, sender_id: int, body: str = "hi", **fields: Any,
               ) -> messaging.Message:
    async with platform.uow() as uow:
        return await messaging.send_message(uow, conversation_id=conversation_id, sender_id=sender_id,
                                            body=body, **fields)


async def inbox(platform: Platform, account_id: int, folder: str = "inbox", **fields: Any,
                ) -> messaging.ConversationPage:
    async with platform.reader() as uow:
        return await messaging.list_conversations(uow, network=NETWORK, account_id=account_id, folder=folder,
                                                  **fields)


async def history(platform: Platform, conversation_id: int, account_id: int, **fields: Any) -> messaging.MessagePage:
    async with platform.reader() as uow:
        return await messaging.list_messages(uow, conversation_id=conversation_id, account_id=account_id,
                                             **fields)


async def mark_read(platform: Platform, conversation_id: int, account_id: int,
                    message_id: int | None = None) -> int | None:
    async with platform.uow() as uow:
        return await messaging.mark_read(uow, conversation_id=conversation_id, account_id=account_id,
                                         message_id=message_id)


async def read_state(platform: Platform, conversation_id: int, account_id: int) -> dict[int, int | None]:
    async with platform.reader() as uow:
        return await messaging.read_state(uow, conversation_id=conversation_id, account_id=account_id)


async def statuses(platform: Platform, conversation_id: int) -> dict[int, str]:
    async with platform.reader() as uow:
        rows = (await uow.session.execute(select(MemberRow.account_id, MemberRow.status).where(
            MemberRow.conversation_id == conversation_id))).all()
    return {row.account_id: row.status for row in rows}


async def counts(platform: Platform) -> dict[str, int]:
    """Rows a refusal must leave unchanged (the engine's tables and the events it staged)."""
    tables = {"conversations": ConversationRow, "members": MemberRow, "messages": MessageRow}
    async with platform.reader() as uow:
        found = {name: await uow.session.scalar(select(func.count()).select_from(table)) or 0
                 for name, table in tables.items()}
        found["events"] = await uow.session.scalar(select(func.count()).select_from(OutboxRow).where(
            OutboxRow.subject.startswith("casebook.messaging."))) or 0
        found["read_positions"] = await uow.session.scalar(select(func.count()).select_from(MemberRow).where(
            MemberRow.last_read_message_id.is_not(None))) or 0
    return found


async def events(platform: Platform, subject: str) -> list[dict[str, Any]]:
    async with platform.reader() as uow:
        rows = await uow.session.scalars(select(OutboxRow).where(OutboxRow.subject == subject).order_by(OutboxRow.id))
        return [row.payload for row in rows]


async def receive(subscription: Any) -> dict[str, Any]:
    return await asyncio.wait_for(anext(aiter(subscription)), RECEIVE_TIMEOUT_S)
