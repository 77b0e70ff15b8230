"""Messages: who may send and read, history paging, read receipts and unread counts."""

from __future__ import annotations

import asyncio

import pytest

from casebook.engines import messaging
from casebook.platform.errors import Invalid
from tests.engines.messaging.factories import (
    ANN,
    BOB,
    CAT,
    DAN,
    NETWORK,
    counts,
    create_group,
    events,
    history,
    inbox,
    mark_read,
    open_direct,
    read_state,
    send,
)


async def test_a_sent_message_is_first_in_the_history_of_both(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)

    message = await send(platform, conversation.id, ANN, "hello")

    assert message.conversation_id == conversation.id
    assert (message.sender_id, message.kind, message.body, message.attachment) == (ANN, "text", "hello", None)
    assert (await history(platform, conversation.id, ANN)).items == [message]
    assert (await history(platform, conversation.id, BOB)).items == [message]
    assert await events(platform, messaging.MESSAGE_SENT) == [{
        "message_id": str(message.id), "conversation_id": str(conversation.id), "network": NETWORK, "kind": "text",
        "sender_id": str(ANN), "recipient_ids": [str(BOB)], "request_recipient_ids": [],
        "muted_recipient_ids": []}]


async def test_muted_recipients_still_receive_but_are_named_for_the_app(platform) -> None:
    group = await create_group(platform, ANN, {BOB, CAT})
    async with platform.uow() as uow:
        await messaging.set_muted(uow, conversation_id=group.id, account_id=CAT, is_muted=True)

    await send(platform, group.id, ANN, "hello")

    (sent,) = await events(platform, messaging.MESSAGE_SENT)
    assert (sent["recipient_ids"], sent["muted_recipient_ids"]) == ([str(BOB), str(CAT)], [str(CAT)])
    (row,) = (await inbox(platform, CAT)).items
    assert (row.is_muted, row.unread_count) == (True, 1)


async def test_media_and_shared_messages_carry_the_apps_reference(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)

    photo = await send(platform, conversation.id, ANN, "", kind="media", attachment={"media_id": "77"})
    post = await send(platform, conversation.id, ANN, "look", kind="shared", attachment={"post_id": "88"})

    assert [(m.kind, m.body, m.attachment) for m in (await history(platform, conversation.id, BOB)).items] == [
        ("shared", "look", {"post_id": "88"}), ("media", "", {"media_id": "77"})]
    assert post.id > photo.id


@pytest.mark.parametrize(("fields", "path"), [
    ({"body": ""}, "body"),
    ({"body": "   "}, "body"),
    ({"body": "x" * 1_001}, "body"),
    ({"body": "hi", "attachment": {"media_id": "1"}}, "attachment"),
    ({"kind": "media", "body": ""}, "attachment"),
    ({"kind": "shared", "body": "", "attachment": {"post_id": "x" * 3_000}}, "attachment"),
    ({"kind": "sticker", "body": "hi"}, "kind"),
])
async def test_an_invalid_message_is_refused(platform, fields, path) -> None:
    conversation = await open_direct(platform, ANN, BOB)
    before = await counts(platform)

    with pytest.raises(messaging.InvalidMessage) as refusal:
        async with platform.uow() as uow:
            await messaging.send_message(uow, conversation_id=conversation.id, sender_id=ANN, **fields)

    assert refusal.value.extra["errors"][0]["path"] == path
    assert await counts(platform) == before


async def test_a_message_of_exactly_the_limit_is_accepted(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)

    message = await send(platform, conversation.id, ANN, "x" * 1_000)

    assert len(message.body) == 1_000


async def test_strangers_can_neither_read_nor_send(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)
    await send(platform, conversation.id, ANN, "private")
    before = await counts(platform)

    with pytest.raises(messaging.ConversationNotFound):
        await history(platform, conversation.id, CAT)
    with pytest.raises(messaging.ConversationNotFound):
        await send(platform, conversation.id, CAT, "let me in")
    with pytest.raises(messaging.ConversationNotFound):
        await mark_read(platform, conversation.id, CAT)
    with pytest.raises(messaging.ConversationNotFound):
        await read_state(platform, conversation.id, CAT)
    with pytest.raises(messaging.ConversationNotFound):
        await history(platform, 123_456_789, ANN)

    assert await counts(platform) == before


async def test_paging_back_never_repeats_while_messages_arrive(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)
    sent = [await send(platform, conversation.id, ANN if n % 2 else BOB, f"m{n}") for n in range(7)]

    first = await history(platform, conversation.id, ANN, limit=3)
    arrived = [await send(platform, conversation.id, BOB, f"new{n}") for n in range(2)]
    second = await history(platform, conversation.id, ANN, limit=3, cursor=first.next_cursor)
    third = await history(platform, conversation.id, ANN, limit=3, cursor=second.next_cursor)

    seen = [message.id for page in (first, second, third) for message in page.items]
    assert seen == [message.id for message in reversed(sent)]
    assert third.next_cursor is None
    assert [m.id for m in (await history(platform, conversation.id, ANN, limit=2)).items] == [
        arrived[1].id, arrived[0].id]


async def test_a_forged_cursor_is_refused(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)

    with pytest.raises(Invalid) as refusal:
        await history(platform, conversation.id, ANN, cursor="bm90LWEtY3Vyc29y")

    assert refusal.value.code == "invalid_cursor"


async def test_sending_marks_the_senders_own_read_position(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)

    message = await send(platform, conversation.id, ANN, "hello")

    assert await read_state(platform, conversation.id, BOB) == {ANN: message.id, BOB: None}


async def test_read_receipts_never_move_backwards(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)
    first = await send(platform, conversation.id, ANN, "one")
    second = await send(platform, conversation.id, ANN, "two")

    assert await mark_read(platform, conversation.id, BOB) == second.id
    assert await mark_read(platform, conversation.id, BOB, first.id) == second.id

    assert await read_state(platform, conversation.id, ANN) == {ANN: second.id, BOB: second.id}


async def test_marking_a_message_of_another_conversation_read_is_refused(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)
    other = await open_direct(platform, ANN, CAT)
    await send(platform, conversation.id, ANN, "one")
    elsewhere = await send(platform, other.id, ANN, "two")
    before = await counts(platform)

    with pytest.raises(messaging.MessageNotFound):
        await mark_read(platform, conversation.id, BOB, elsewhere.id)

    assert await counts(platform) == before
    assert await read_state(platform, conversation.id, BOB) == {ANN: (await history(
        platform, conversation.id, ANN)).items[0].id, BOB: None}


async def test_unread_counts_follow_messages_and_reads(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)
    messages = [await send(platform, conversation.id, ANN, f"m{n}") for n in range(4)]

    (row,) = (await inbox(platform, BOB)).items
    assert (row.unread_count, row.is_unread) == (4, True)
    (own,) = (await inbox(platform, ANN)).items
    assert (own.unread_count, own.is_unread) == (0, False)

    await mark_read(platform, conversation.id, BOB, messages[1].id)
    (row,) = (await inbox(platform, BOB)).items
    assert row.unread_count == 2

    await send(platform, conversation.id, BOB, "reply")  # replying reads everything before it
    (row,) = (await inbox(platform, BOB)).items
    assert row.unread_count == 0
    (own,) = (await inbox(platform, ANN)).items
    assert own.unread_count == 1


async def test_marking_an_empty_conversation_read_changes_nothing(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)

    assert await mark_read(platform, conversation.id, BOB) is None
    assert await read_state(platform, conversation.id, BOB) == {ANN: None, BOB: None}


async def test_a_requested_member_reads_the_request_but_announces_no_seen(platform) -> None:
    group = await create_group(platform, ANN, {BOB, DAN}, requested_ids={DAN})
    message = await send(platform, group.id, ANN, "welcome")
    before = await counts(platform)

    assert (await history(platform, group.id, DAN)).items == [message]
    with pytest.raises(messaging.RequestPending):
        await mark_read(platform, group.id, DAN)

    assert await counts(platform) == before
    assert (await read_state(platform, group.id, ANN))[DAN] is None


async def test_concurrent_senders_leave_a_consistent_conversation(platform) -> None:
    group = await create_group(platform, ANN, {BOB, CAT})

    sent = await asyncio.gather(*(send(platform, group.id, ANN if n % 2 else BOB, f"m{n}") for n in range(10)))

    (row,) = (await inbox(platform, CAT)).items
    newest = max(message.id for message in sent)
    assert row.unread_count == 10
    assert row.conversation.last_message_id == newest
    assert row.last_message is not None and row.last_message.id == newest
    assert sorted(m.id for m in (await history(platform, group.id, CAT, limit=20)).items) == sorted(
        message.id for message in sent)
