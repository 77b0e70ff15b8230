"""Live delivery: the other members' realtime streams receive messages and read receipts after commit."""

from __future__ import annotations

import pytest

from casebook.engines import messaging
from casebook.platform.realtime import account_topic
from tests.engines.messaging.factories import (
    ANN,
    BOB,
    CAT,
    DAN,
    NETWORK,
    create_group,
    mark_read,
    open_direct,
    receive,
    send,
)


async def test_the_other_member_receives_the_message_live(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)

    async with platform.realtime.subscribe(account_topic(BOB)) as bob:
        message = await send(platform, conversation.id, ANN, "hello", kind="text")
        received = await receive(bob)

    assert received == {
        "type": "message", "network": NETWORK, "conversation_id": str(conversation.id), "is_request": False,
        "message": {"id": str(message.id), "conversation_id": str(conversation.id), "sender_id": str(ANN),
                    "kind": "text", "body": "hello", "attachment": None,
                    "created_at": message.created_at.isoformat()}}


async def test_the_sender_gets_no_echo_and_a_requested_member_gets_a_request(platform) -> None:
    group = await create_group(platform, ANN, {BOB, CAT, DAN}, requested_ids={DAN})
    async with platform.uow() as uow:
        await messaging.leave(uow, conversation_id=group.id, account_id=CAT)

    topics = [account_topic(account_id) for account_id in (ANN, BOB, CAT, DAN)]
    async with platform.realtime.subscribe(*topics) as everyone:
        first = await send(platform, group.id, ANN, "first")
        marker = await send(platform, group.id, BOB, "marker")
        received = [await receive(everyone) for _ in range(4)]

    # ANN's "first" reaches BOB and DAN; BOB's "marker" reaches ANN and DAN; CAT, gone, gets nothing.
    delivered = sorted((message["message"]["id"], message["is_request"]) for message in received)
    assert delivered == sorted([(str(first.id), False), (str(first.id), True),
                                (str(marker.id), False), (str(marker.id), True)])
    assert [message["message"]["sender_id"] for message in received].count(str(ANN)) == 2


async def test_reading_tells_the_other_members(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)
    message = await send(platform, conversation.id, ANN, "hello")

    async with platform.realtime.subscribe(account_topic(ANN)) as ann:
        await mark_read(platform, conversation.id, BOB)
        received = await receive(ann)

    assert received == {"type": "read", "network": NETWORK, "conversation_id": str(conversation.id),
                        "account_id": str(BOB), "message_id": str(message.id)}


async def test_nothing_is_pushed_when_the_write_rolls_back(platform) -> None:
    conversation = await open_direct(platform, ANN, BOB)

    async with platform.realtime.subscribe(account_topic(BOB)) as bob:
        with pytest.raises(RuntimeError):
            async with platform.uow() as uow:
                await messaging.send_message(uow, conversation_id=conversation.id, sender_id=ANN, body="lost")
                raise RuntimeError("the request failed after sending")
        kept = await send(platform, conversation.id, ANN, "kept")
        received = await receive(bob)

    assert received["message"]["id"] == str(kept.id)  # the rolled-back message would have come first
