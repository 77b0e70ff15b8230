"""SQL of the messaging engine: race-safe inserts, membership lookups and row-to-type conversion."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import case, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.engines.messaging import model
from casebook.engines.messaging.errors import ConversationNotFound
from casebook.engines.messaging.models import ConversationRow, MemberRow, MessageRow
from casebook.platform.db.types import UTCDateTime


def _dialect_insert(session: AsyncSession) -> Any:
    return postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert


async def insert_direct(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert a direct conversation unless its (network, direct_key) exists; True when this call created it.

    On PostgreSQL a rival inserting the same key makes this wait for the rival's commit and then do nothing;
    the caller's next SELECT (a new snapshot under READ COMMITTED) sees the rival's row and its members.
    """
    table = ConversationRow.__table__
    statement = (_dialect_insert(session)(table).values(**values)
                 .on_conflict_do_nothing(index_elements=["network", "direct_key"]).returning(table.c.id))
    return await session.scalar(statement) is not None


async def direct_row(session: AsyncSession, network: str, key: str) -> ConversationRow:
    row = await session.scalar(select(ConversationRow).where(
        ConversationRow.network == network, ConversationRow.direct_key == key))
    assert row is not None, f"direct conversation {network}/{key} vanished after its insert"
    return row


async def conversation_row(session: AsyncSession, conversation_id: int) -> ConversationRow:
    row = await session.get(ConversationRow, conversation_id)
    if row is None:
        raise ConversationNotFound(f"conversation {conversation_id} not found")
    return row


async def find_member(session: AsyncSession, conversation_id: int, account_id: int) -> MemberRow | None:
    return await session.scalar(select(MemberRow).where(
        MemberRow.conversation_id == conversation_id, MemberRow.account_id == account_id))


async def present_member(session: AsyncSession, conversation_id: int, account_id: int) -> MemberRow:
    """The account's membership, active or requested; a stranger or a member who left gets NotFound."""
    member = await find_member(session, conversation_id, account_id)
    if member is None or member.status == "left":
        raise ConversationNotFound(f"conversation {conversation_id} not found")
    return member


async def members_of(session: AsyncSession, conversation_ids: Collection[int]) -> dict[int, list[MemberRow]]:
    """Members not gone, per conversation, in account id order."""
    found: dict[int, list[MemberRow]] = {conversation_id: [] for conversation_id in conversation_ids}
    if not conversation_ids:
        return found
    rows = await session.scalars(select(MemberRow).where(
        MemberRow.conversation_id.in_(sorted(conversation_ids)), MemberRow.status != "left")
        .order_by(MemberRow.conversation_id, MemberRow.account_id))
    for row in rows:
        found[row.conversation_id].append(row)
    return found


async def messages_by_id(session: AsyncSession, message_ids: Collection[int]) -> dict[int, MessageRow]:
    if not message_ids:
        return {}
    rows = await session.scalars(select(MessageRow).where(MessageRow.id.in_(sorted(message_ids))))
    return {row.id: row for row in rows}


def newest(column: Any, value: int) -> Any:
    """`column` moved forward to `value`, never back: writers of one conversation may commit out of id order."""
    return case((column.is_(None), value), (column < value, value), else_=column)


def when_newer(column: Any, value: int, then: Any, *, otherwise: Any) -> Any:
    """`then` when `value` is newer than `column` (the companion of `newest`, e.g. the time of that id)."""
    return case((column.is_(None), literal(then, UTCDateTime())), (column < value, literal(then, UTCDateTime())),
                else_=otherwise)


async def set_status(session: AsyncSession, conversation_id: int, account_id: int, status: str) -> None:
    await session.execute(update(MemberRow).where(
        MemberRow.conversation_id == conversation_id, MemberRow.account_id == account_id).values(status=status))


def conversation_of(row: ConversationRow) -> model.Conversation:
    return model.Conversation(id=row.id, network=row.network, kind=row.kind, title=row.title,  # type: ignore[arg-type]
                              created_by=row.created_by, created_at=row.created_at,
                              last_message_at=row.last_message_at, last_message_id=row.last_message_id)


def member_of(row: MemberRow) -> model.Member:
    return model.Member(account_id=row.account_id, status=row.status,  # type: ignore[arg-type]
                        last_read_message_id=row.last_read_message_id, is_muted=row.is_muted, joined_at=row.joined_at)


def message_of(row: MessageRow) -> model.Message:
    return model.Message(id=row.id, conversation_id=row.conversation_id, sender_id=row.sender_id,
                         kind=row.kind, body=row.body, attachment=row.attachment,  # type: ignore[arg-type]
                         created_at=row.created_at)


async def conversation_insert(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(ConversationRow), [values])


async def rejoin(session: AsyncSession, conversation_id: int, account_id: int, *, status: str, was_left: bool,
                 now: Any) -> None:
    """A member back from "left" starts anew: nothing unread, and off the lists until the next message (a thread
    they deleted must not reappear just because the other side opened it). A promoted request keeps its state."""
    values: dict[str, Any] = {"status": status}
    if was_left:
        values.update(unread_count=0, activity_id=None, joined_at=now)
    await session.execute(update(MemberRow).where(
        MemberRow.conversation_id == conversation_id, MemberRow.account_id == account_id).values(**values))
