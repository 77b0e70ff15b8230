"""Messages in a conversation: send, page back through history, mark read (read receipts)."""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import func, select, update

from casebook.engines.messaging import delivery, events, model, repository
from casebook.engines.messaging.errors import MessageNotFound, RequestPending
from casebook.engines.messaging.models import ConversationRow, MemberRow, MessageRow
from casebook.platform.http.pagination import Cursors, clamp_limit
from casebook.platform.uow import UnitOfWork


class _Before(msgspec.Struct):
    before_id: int


async def send_message(uow: UnitOfWork, *, conversation_id: int, sender_id: int, kind: str = "text",
                       body: str = "", attachment: dict[str, Any] | None = None) -> model.Message:
    """Append a message; the sender must be an active member (a pending request is accepted first).

    Every other present member's inbox row moves to the top with one more unread; the sender's own read
    position moves to this message. Publishes MESSAGE_SENT and, after commit, pushes the message live.
    """
    model.check_message(kind, body, attachment)
    member = await repository.present_member(uow.session, conversation_id, sender_id)
    if member.status == "requested":
        raise RequestPending(f"accept the request in conversation {conversation_id} before replying")
    recipients = (await uow.session.execute(select(MemberRow.account_id, MemberRow.status, MemberRow.is_muted).where(
        MemberRow.conversation_id == conversation_id, MemberRow.account_id != sender_id,
        MemberRow.status != "left").order_by(MemberRow.account_id))).all()
    now, message_id = uow.now(), uow.new_id()
    # The conversation row first: on PostgreSQL its lock orders concurrent senders, so their member updates
    # below never deadlock. Columns only move forward, whatever order those senders commit in.
    conversation = ConversationRow.__table__.c
    network = await uow.session.scalar(update(ConversationRow).where(ConversationRow.id == conversation_id).values(
        last_message_id=repository.newest(conversation.last_message_id, message_id),
        last_message_at=repository.when_newer(conversation.last_message_id, message_id, now,
                                              otherwise=conversation.last_message_at),
    ).returning(ConversationRow.network).execution_options(synchronize_session=False))
    await uow.session.execute(MessageRow.__table__.insert(), [{
        "id": message_id, "conversation_id": conversation_id, "sender_id": sender_id, "kind": kind, "body": body,
        "attachment": attachment, "created_at": now, "deleted_at": None}])
    member_table = MemberRow.__table__.c
    await uow.session.execute(update(MemberRow).where(
        MemberRow.conversation_id == conversation_id, MemberRow.account_id != sender_id, MemberRow.status != "left",
    ).values(activity_id=repository.newest(member_table.activity_id, message_id),
             unread_count=member_table.unread_count + 1).execution_options(synchronize_session=False))
    await uow.session.execute(update(MemberRow).where(
        MemberRow.conversation_id == conversation_id, MemberRow.account_id == sender_id,
    ).values(activity_id=repository.newest(member_table.activity_id, message_id),
             last_read_message_id=repository.newest(member_table.last_read_message_id, message_id),
             unread_count=0).execution_options(synchronize_session=False))
    message = model.Message(id=message_id, conversation_id=conversation_id, sender_id=sender_id,
                            kind=kind, body=body, attachment=attachment, created_at=now)  # type: ignore[arg-type]
    active_ids = [row.account_id for row in recipients if row.status == "active"]
    request_ids = [row.account_id for row in recipients if row.status == "requested"]
    uow.publish(events.MESSAGE_SENT, {
        "message_id": str(message_id), "conversation_id": str(conversation_id), "network": network, "kind": kind,
        "sender_id": str(sender_id), "recipient_ids": [str(i) for i in active_ids],
        "request_recipient_ids": [str(i) for i in request_ids],
        "muted_recipient_ids": [str(row.account_id) for row in recipients if row.is_muted]})
    delivery.push_message(uow, network=network, message=message, active_ids=active_ids, request_ids=request_ids)
    return message


async def list_messages(uow: UnitOfWork, *, conversation_id: int, account_id: int, cursor: str | None = None,
                        limit: int | None = None) -> model.MessagePage:
    """Newest first, keyset on id: messages arriving while someone pages back never repeat on later pages.

    Members with a pending request may read (to decide); strangers and members who left get NotFound.
    """
    size = clamp_limit(limit)
    cursors = Cursors(uow.platform.settings.secret_key)
    position = cursors.decode(cursor, type=_Before)
    await repository.present_member(uow.session, conversation_id, account_id)
    statement = select(MessageRow).where(MessageRow.conversation_id == conversation_id,
                                         MessageRow.deleted_at.is_(None))
    if position is not None:
        statement = statement.where(MessageRow.id < position.before_id)
    rows = list(await uow.session.scalars(statement.order_by(MessageRow.id.desc()).limit(size + 1)))
    has_more, rows = len(rows) > size, rows[:size]
    next_cursor = cursors.encode({"before_id": rows[-1].id}) if has_more else None
    return model.MessagePage(items=[repository.message_of(row) for row in rows], next_cursor=next_cursor)


async def mark_read(uow: UnitOfWork, *, conversation_id: int, account_id: int,
                    message_id: int | None = None) -> int | None:
    """Move the account's read position to `message_id` (default: the newest message); never backwards.

    Returns the read position after the call. When it moved, the other active members get a live
    `{"type": "read"}` so their app can show "Seen". A pending request announces nothing: RequestPending.
    """
    member = await repository.present_member(uow.session, conversation_id, account_id)
    if member.status == "requested":
        raise RequestPending(f"accept the request in conversation {conversation_id} first")
    row = await repository.conversation_row(uow.session, conversation_id)
    if message_id is None:
        message_id = row.last_message_id
        if message_id is None:
            return member.last_read_message_id
    elif await uow.session.scalar(select(MessageRow.id).where(
            MessageRow.id == message_id, MessageRow.conversation_id == conversation_id)) is None:
        raise MessageNotFound(f"message {message_id} not found in conversation {conversation_id}")
    unread = select(func.count()).select_from(MessageRow).where(
        MessageRow.conversation_id == conversation_id, MessageRow.id > message_id,
        MessageRow.sender_id != account_id, MessageRow.deleted_at.is_(None)).scalar_subquery()
    # The condition makes the move monotonic even against a concurrent mark_read of an older message.
    moved = await uow.session.execute(update(MemberRow).where(
        MemberRow.conversation_id == conversation_id, MemberRow.account_id == account_id,
        (MemberRow.last_read_message_id.is_(None)) | (MemberRow.last_read_message_id < message_id),
    ).values(last_read_message_id=message_id, unread_count=unread).execution_options(synchronize_session=False))
    if moved.rowcount == 0:
        return await uow.session.scalar(select(MemberRow.last_read_message_id).where(
            MemberRow.conversation_id == conversation_id, MemberRow.account_id == account_id))
    others = await uow.session.scalars(select(MemberRow.account_id).where(
        MemberRow.conversation_id == conversation_id, MemberRow.account_id != account_id,
        MemberRow.status == "active").order_by(MemberRow.account_id))
    delivery.push_read(uow, network=row.network, conversation_id=conversation_id, reader_id=account_id,
                       message_id=message_id, recipient_ids=list(others))
    return message_id


async def read_state(uow: UnitOfWork, *, conversation_id: int, account_id: int) -> dict[int, int | None]:
    """Each present member's last read message id (the reader's own included), for "Seen" under a message."""
    await repository.present_member(uow.session, conversation_id, account_id)
    rows = (await uow.session.execute(select(MemberRow.account_id, MemberRow.last_read_message_id).where(
        MemberRow.conversation_id == conversation_id, MemberRow.status != "left")
        .order_by(MemberRow.account_id))).all()
    return {row.account_id: row.last_read_message_id for row in rows}
