"""Starting conversations: direct get-or-create (also when both start at once), groups, requests, leaving."""

from __future__ import annotations

import asyncio

import pytest

from casebook.engines import messaging
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
    open_direct,
    send,
    statuses,
)


async def test_opening_a_direct_conversation_twice_returns_the_same_one(platform) -> None:
    first = await open_direct(platform, ANN, BOB)
    again = await open_direct(platform, ANN, BOB)
    from_the_other_side = await open_direct(platform, BOB, ANN)

    assert again == first
    assert from_the_other_side == first
    assert first.kind == "direct"
    assert first.network == NETWORK
    assert first.created_by == ANN
    assert await statuses(platform, first.id) == {ANN: "active", BOB: "active"}
    assert (await counts(platform))["conversations"] == 1


async def test_both_starting_at_once_get_one_conversation(platform) -> None:
    pairs = [(ANN, BOB), (CAT, DAN), (ANN, CAT)]

    results = await asyncio.gather(*(open_direct(platform, *pair) for pair in pairs),
                                   *(open_direct(platform, *reversed(pair)) for pair in pairs))

    for index in range(len(pairs)):
        assert results[index].id == results[index + len(pairs)].id
    assert len({conversation.id for conversation in results}) == 3
    assert (await counts(platform))["conversations"] == 3
    assert (await counts(platform))["members"] == 6


async def test_the_same_two_accounts_have_one_conversation_per_network(platform) -> None:
    here = await open_direct(platform, ANN, BOB)
    async with platform.uow() as uow:
        elsewhere = await messaging.open_direct(uow, network="another-network", sender_id=ANN, recipient_id=BOB,
                                                as_request=False)

    assert elsewhere.id != here.id
    assert elsewhere.network == "another-network"


async def test_messaging_oneself_is_refused(platform) -> None:
    before = await counts(platform)

    with pytest.raises(messaging.InvalidConversation):
        await open_direct(platform, ANN, ANN)

    assert await counts(platform) == before


async def test_a_request_waits_in_the_requests_folder_until_accepted(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB, as_request=True)
    await send(platform, conversation.id, ANN, "hello stranger")

    assert [item.conversation.id for item in (await inbox(platform, ANN)).items] == [conversation.id]
    assert (await inbox(platform, BOB)).items == []
    requests = (await inbox(platform, BOB, "requests")).items
    assert [item.conversation.id for item in requests] == [conversation.id]
    assert requests[0].status == "requested"
    assert requests[0].unread_count == 1

    async with platform.uow() as uow:
        accepted = await messaging.accept_request(uow, conversation_id=conversation.id, account_id=BOB)

    assert accepted.id == conversation.id
    assert [item.conversation.id for item in (await inbox(platform, BOB)).items] == [conversation.id]
    assert (await inbox(platform, BOB, "requests")).items == []
    assert await events(platform, messaging.REQUEST_ACCEPTED) == [
        {"conversation_id": str(conversation.id), "network": NETWORK, "account_id": str(BOB)}]


async def test_a_requested_member_cannot_send_until_accepting(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB, as_request=True)
    await send(platform, conversation.id, ANN, "hello")
    before = await counts(platform)

    with pytest.raises(messaging.RequestPending):
        await send(platform, conversation.id, BOB, "hi back")

    assert await counts(platform) == before
    async with platform.uow() as uow:
        await messaging.accept_request(uow, conversation_id=conversation.id, account_id=BOB)
    reply = await send(platform, conversation.id, BOB, "hi back")
    assert [message.body for message in (await history(platform, conversation.id, ANN)).items] == [
        reply.body, "hello"]


async def test_declining_a_request_removes_the_conversation_for_the_recipient(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB, as_request=True)
    await send(platform, conversation.id, ANN, "hello")

    async with platform.uow() as uow:
        await messaging.decline_request(uow, conversation_id=conversation.id, account_id=BOB)

    assert (await inbox(platform, BOB, "requests")).items == []
    with pytest.raises(messaging.ConversationNotFound):
        await history(platform, conversation.id, BOB)
    assert [item.conversation.id for item in (await inbox(platform, ANN)).items] == [conversation.id]


async def test_writing_again_after_a_decline_makes_a_new_request(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB, as_request=True)
    await send(platform, conversation.id, ANN, "hello")
    async with platform.uow() as uow:
        await messaging.decline_request(uow, conversation_id=conversation.id, account_id=BOB)

    again = await open_direct(platform, ANN, BOB, as_request=True)
    await send(platform, again.id, ANN, "hello again")

    assert again.id == conversation.id
    requests = (await inbox(platform, BOB, "requests")).items
    assert [item.conversation.id for item in requests] == [conversation.id]
    assert requests[0].unread_count == 1
    assert requests[0].last_message is not None and requests[0].last_message.body == "hello again"


async def test_a_declined_thread_stays_hidden_until_a_new_message(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB, as_request=True)
    await send(platform, conversation.id, ANN, "hello")
    async with platform.uow() as uow:
        await messaging.decline_request(uow, conversation_id=conversation.id, account_id=BOB)

    await open_direct(platform, ANN, BOB, as_request=True)

    assert await statuses(platform, conversation.id) == {ANN: "active", BOB: "requested"}
    assert (await inbox(platform, BOB, "requests")).items == []


async def test_declining_what_is_not_a_request_is_refused(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)
    before = await counts(platform)

    async with platform.uow() as uow:
        with pytest.raises(messaging.NoPendingRequest):
            await messaging.decline_request(uow, conversation_id=conversation.id, account_id=BOB)

    assert await counts(platform) == before
    assert await statuses(platform, conversation.id) == {ANN: "active", BOB: "active"}


async def test_opening_the_requested_thread_yourself_accepts_it(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB, as_request=True)

    await open_direct(platform, BOB, ANN, as_request=True)

    assert await statuses(platform, conversation.id) == {ANN: "active", BOB: "active"}


async def test_a_group_starts_with_its_members_and_requests(platform) -> None:
    group = await create_group(platform, ANN, {BOB, CAT, DAN}, requested_ids={DAN})

    assert group.kind == "group"
    assert group.title == "friends"
    assert await statuses(platform, group.id) == {ANN: "active", BOB: "active", CAT: "active", DAN: "requested"}
    assert [item.conversation.id for item in (await inbox(platform, BOB)).items] == [group.id]
    assert [item.conversation.id for item in (await inbox(platform, DAN, "requests")).items] == [group.id]
    assert await events(platform, messaging.GROUP_CREATED) == [{
        "conversation_id": str(group.id), "network": NETWORK, "creator_id": str(ANN),
        "member_ids": [str(BOB), str(CAT)], "request_ids": [str(DAN)]}]


async def test_a_group_needs_at_least_three_and_at_most_the_cap(platform) -> None:
    before = await counts(platform)

    with pytest.raises(messaging.InvalidConversation):
        await create_group(platform, ANN, {BOB})
    with pytest.raises(messaging.InvalidConversation):
        await create_group(platform, ANN, set(range(1, 33)))  # 32 others + the creator: 33

    assert await counts(platform) == before
    group = await create_group(platform, ANN, set(range(1, 32)))  # 31 others + the creator: 32
    assert len(await statuses(platform, group.id)) == 32


async def test_leaving_a_group_hides_it_and_stops_delivery(platform) -> None:
    group = await create_group(platform, ANN, {BOB, CAT})

    async with platform.uow() as uow:
        await messaging.leave(uow, conversation_id=group.id, account_id=CAT)
    await send(platform, group.id, ANN, "after cat left")

    assert (await inbox(platform, CAT)).items == []
    with pytest.raises(messaging.ConversationNotFound):
        await history(platform, group.id, CAT)
    with pytest.raises(messaging.ConversationNotFound):
        await send(platform, group.id, CAT, "let me back")
    (sent,) = await events(platform, messaging.MESSAGE_SENT)
    assert sent["recipient_ids"] == [str(BOB)]


async def test_a_direct_conversation_cannot_be_left(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)

    async with platform.uow() as uow:
        with pytest.raises(messaging.NotAGroup):
            await messaging.leave(uow, conversation_id=conversation.id, account_id=ANN)

    assert await statuses(platform, conversation.id) == {ANN: "active", BOB: "active"}
