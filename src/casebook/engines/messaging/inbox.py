"""An account's conversation lists (inbox and requests), one conversation's summary, and its unread badge."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from sqlalchemy import func, select

from casebook.engines.messaging import model, repository
from casebook.engines.messaging.errors import InvalidConversation
from casebook.engines.messaging.models import ConversationRow, MemberRow
from casebook.platform.http.pagination import Cursors, clamp_limit
from casebook.platform.uow import UnitOfWork


class _Before(msgspec.Struct):
    before_activity_id: int


async def list_conversations(uow: UnitOfWork, *, network: str, account_id: int, folder: str = "inbox",
                             cursor: str | None = None, limit: int | None = None) -> model.ConversationPage:
    """Newest activity first; each with its members, last message and this account's unread count.

    Four queries whatever the page size: the account's member rows (an index range scan, since activity and
    unread count are kept on them), then the page's conversations, members and last messages.
    A direct thread appears once it has a message; a group from its creation.
    """
    if folder not in model.FOLDER_STATUS:
        raise InvalidConversation(f"folder must be one of {', '.join(model.FOLDER_STATUS)}", field="folder")
    size = clamp_limit(limit)
    cursors = Cursors(uow.platform.settings.secret_key)
    position = cursors.decode(cursor, type=_Before)
    statement = select(MemberRow).where(
        MemberRow.account_id == account_id, MemberRow.network == network,
        MemberRow.status == model.FOLDER_STATUS[folder], MemberRow.activity_id.is_not(None))
    if position is not None:
        statement = statement.where(MemberRow.activity_id < position.before_activity_id)
    own_rows = list(await uow.session.scalars(statement.order_by(MemberRow.activity_id.desc()).limit(size + 1)))
    has_more, own_rows = len(own_rows) > size, own_rows[:size]
    items = await _summaries(uow, own_rows)
    next_cursor = cursors.encode({"before_activity_id": own_rows[-1].activity_id}) if has_more else None
    return model.ConversationPage(items=items, next_cursor=next_cursor)


async def get_conversation(uow: UnitOfWork, *, conversation_id: int, account_id: int) -> model.ConversationSummary:
    """One conversation as `account_id` sees it; NotFound for strangers and members who left."""
    member = await repository.present_member(uow.session, conversation_id, account_id)
    (summary,) = await _summaries(uow, [member])
    return summary


async def count_unread_conversations(uow: UnitOfWork, *, network: str, account_id: int) -> int:
    """The inbox badge: how many accepted conversations have something unread (requests are not counted)."""
    return await uow.session.scalar(select(func.count()).select_from(MemberRow).where(
        MemberRow.account_id == account_id, MemberRow.network == network, MemberRow.status == "active",
        MemberRow.unread_count > 0)) or 0


async def _summaries(uow: UnitOfWork, own_rows: Sequence[MemberRow]) -> list[model.ConversationSummary]:
    if not own_rows:
        return []
    ids = [row.conversation_id for row in own_rows]
    conversations = {row.id: row for row in await uow.session.scalars(
        select(ConversationRow).where(ConversationRow.id.in_(sorted(ids))))}
    members = await repository.members_of(uow.session, ids)
    last_ids = [row.last_message_id for row in conversations.values() if row.last_message_id is not None]
    messages = await repository.messages_by_id(uow.session, last_ids)
    summaries = []
    for own in own_rows:
        conversation = conversations[own.conversation_id]
        last = messages.get(conversation.last_message_id) if conversation.last_message_id is not None else None
        summaries.append(model.ConversationSummary(
            conversation=repository.conversation_of(conversation),
            members=[repository.member_of(row) for row in members[own.conversation_id]],
            status=own.status,  # type: ignore[arg-type]
            last_message=None if last is None or last.deleted_at is not None else repository.message_of(last),
            unread_count=own.unread_count, is_muted=own.is_muted))
    return summaries
