"""Taking notifications back: everything about a deleted subject, and one actor out of a recipient's groups."""

from __future__ import annotations

from casebook.engines import notifications
from tests.engines.notifications.factories import (
    ALICE,
    BOB,
    CAROL,
    NETWORK,
    RECIPIENT,
    mark_read,
    notify,
    row_counts,
    stored,
    unread,
)

OTHER_RECIPIENT = RECIPIENT + 1


async def remove_about(platform, subject_id: int, kinds: list[str]) -> int:
    async with platform.uow() as uow:
        return await notifications.remove_about(uow, network=NETWORK, subject_id=subject_id, kinds=kinds)


async def withdraw_actor(platform, actor_id: int) -> int:
    async with platform.uow() as uow:
        return await notifications.withdraw_actor(uow, network=NETWORK, recipient_id=RECIPIENT, actor_id=actor_id)


async def test_a_deleted_subject_takes_every_line_about_it_for_every_recipient(platform) -> None:
    await notify(platform, ALICE, subject_id=7)
    await notify(platform, BOB, subject_id=7)
    await notify(platform, ALICE, kind="mention", group_key="mention:post:7", subject_id=7,
                 recipient_id=OTHER_RECIPIENT)
    await notify(platform, CAROL, kind="follow", group_key="follow", subject_id=None)
    await notify(platform, ALICE, kind="like", group_key="like:post:8", subject_id=8)
    request = await notify(platform, BOB, kind="follow_request", group_key="request:7", subject_id=7)

    removed = await remove_about(platform, 7, ["like", "mention"])

    assert removed == 2
    left = {(item.kind, item.subject_id) for item in await stored(platform)}
    assert left == {("follow", None), ("like", 8), ("follow_request", 7)}  # other kinds keep their subject
    assert await unread(platform) == 3 and await unread(platform, recipient_id=OTHER_RECIPIENT) == 0
    assert await row_counts(platform) == (3, 3)  # no group actor row left behind
    assert request is not None and await remove_about(platform, 7, ["like", "mention"]) == 0


async def test_an_actor_leaves_every_unread_group_and_a_group_left_empty_goes(platform) -> None:
    await notify(platform, ALICE)
    await notify(platform, BOB)
    await notify(platform, ALICE, kind="follow", group_key="follow")
    await notify(platform, ALICE, kind="mention", group_key="mention:post:9", subject_id=9)
    read = await notify(platform, ALICE, kind="comment", group_key="comment:post:9", subject_id=9)
    assert read is not None
    await mark_read(platform, [read.id])

    changed = await withdraw_actor(platform, ALICE)

    assert changed == 3  # the like group, the follow line and the mention; the read comment stays as it was
    lines = {item.kind: item for item in await stored(platform)}
    assert set(lines) == {"like", "comment"}
    assert (lines["like"].actor_ids, lines["like"].actor_count) == ([BOB], 1)
    assert lines["comment"].actor_ids == [ALICE]
    assert await unread(platform) == 1
    assert await withdraw_actor(platform, ALICE) == 0
