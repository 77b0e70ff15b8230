"""The conversation list: newest activity first, paged, with members, last message and unread counts."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from casebook.engines import messaging
from tests.engines.messaging.factories import (
    ANN,
    BOB,
    CAT,
    DAN,
    NETWORK,
    create_group,
    inbox,
    mark_read,
    open_direct,
    send,
)


async def test_conversations_come_newest_activity_first(platform) -> None:
    with_bob = await open_direct(platform, ANN, BOB)
    with_cat = await open_direct(platform, ANN, CAT)
    await send(platform, with_bob.id, ANN, "to bob")
    await send(platform, with_cat.id, ANN, "to cat")
    group = await create_group(platform, ANN, {BOB, CAT})
    reply = await send(platform, with_bob.id, BOB, "from bob")

    page = await inbox(platform, ANN)

    assert [item.conversation.id for item in page.items] == [with_bob.id, group.id, with_cat.id]
    assert page.next_cursor is None
    top = page.items[0]
    assert top.last_message == reply
    assert top.conversation.last_message_id == reply.id
    assert [member.account_id for member in top.members] == [ANN, BOB]
    assert page.items[1].last_message is None


async def test_a_direct_thread_without_messages_is_not_listed(platform) -> None:
    await open_direct(platform, ANN, BOB)

    assert (await inbox(platform, ANN)).items == []
    assert (await inbox(platform, BOB)).items == []


async def test_pages_cover_every_conversation_once(platform) -> None:
    conversations = [await open_direct(platform, ANN, other) for other in range(2001, 2008)]
    for conversation in conversations:
        await send(platform, conversation.id, ANN, "hi")

    seen, cursor = [], None
    while True:
        page = await inbox(platform, ANN, limit=3, cursor=cursor)
        seen += [item.conversation.id for item in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen == [conversation.id for conversation in reversed(conversations)]


async def test_the_list_is_per_network(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)
    await send(platform, conversation.id, ANN, "hi")

    async with platform.reader() as uow:
        elsewhere = await messaging.list_conversations(uow, network="another-network", account_id=ANN)

    assert elsewhere.items == []


async def test_an_unknown_folder_is_refused(platform) -> None:
    with pytest.raises(messaging.InvalidConversation):
        await inbox(platform, ANN, "archive")


async def test_the_badge_counts_unread_inbox_conversations(platform) -> None:
    with_bob = await open_direct(platform, BOB, ANN)
    with_cat = await open_direct(platform, CAT, ANN)
    request = await open_direct(platform, DAN, ANN, as_request=True)
    for conversation, sender in ((with_bob, BOB), (with_bob, BOB), (with_cat, CAT), (request, DAN)):
        await send(platform, conversation.id, sender, "hi")

    async with platform.reader() as uow:
        assert await messaging.count_unread_conversations(uow, network=NETWORK, account_id=ANN) == 2
    await mark_read(platform, with_bob.id, ANN)
    async with platform.reader() as uow:
        assert await messaging.count_unread_conversations(uow, network=NETWORK, account_id=ANN) == 1


async def test_get_conversation_is_the_readers_summary(platform) -> None:
    group = await create_group(platform, ANN, {BOB, CAT}, title="trip")
    message = await send(platform, group.id, BOB, "when?")

    async with platform.reader() as uow:
        summary = await messaging.get_conversation(uow, conversation_id=group.id, account_id=CAT)
        with pytest.raises(messaging.ConversationNotFound):
            await messaging.get_conversation(uow, conversation_id=group.id, account_id=DAN)

    assert summary.conversation.title == "trip"
    assert (summary.status, summary.unread_count, summary.last_message) == ("active", 1, message)


async def test_a_page_costs_the_same_queries_whatever_its_size(platform) -> None:
    for other in range(3001, 3021):
        conversation = await open_direct(platform, ANN, other)
        await send(platform, conversation.id, other, "hi")
        await send(platform, conversation.id, ANN, "hello")

    assert await _queries_of_a_page(platform, limit=2) == await _queries_of_a_page(platform, limit=20) == 4


async def _queries_of_a_page(platform, *, limit: int) -> int:
    statements: list[str] = []

    def count(_connection, _cursor, statement, *_args) -> None:
        if "messaging_" in statement:  # the platform's background work reads on the same engine
            statements.append(statement)

    engine = platform.db.reader.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = await inbox(platform, ANN, limit=limit)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(page.items) == limit
    return len(statements)
