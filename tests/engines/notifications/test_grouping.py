"""notify and withdraw: grouping into the unread group, self-notifications, races, undo."""

from __future__ import annotations

import asyncio

import pytest

from casebook.engines import notifications
from tests.engines.notifications.factories import (
    ALICE,
    BOB,
    CAROL,
    DAVE,
    NETWORK,
    RECIPIENT,
    mark_read,
    notify,
    row_counts,
    stored,
    unread,
    withdraw,
)


async def test_a_first_notify_creates_an_unread_notification(platform, clock) -> None:
    created = await notify(platform, ALICE, data={"excerpt": "nice"})

    [listed] = await stored(platform)
    assert listed == created
    assert (listed.network, listed.recipient_id, listed.kind, listed.group_key, listed.subject_id) == (
        NETWORK, RECIPIENT, "like", "like:post:7", 7)
    assert (listed.actor_ids, listed.actor_count, listed.data, listed.is_read) == (
        [ALICE], 1, {"excerpt": "nice"}, False)
    assert (listed.created_at, listed.updated_at) == (clock.now(), clock.now())


async def test_an_actor_is_never_notified_about_itself(platform) -> None:
    skipped = await notify(platform, RECIPIENT)

    assert skipped is None
    assert await row_counts(platform) == (0, 0)
    assert await unread(platform) == 0


async def test_an_unread_group_absorbs_new_actors_newest_first_keeping_three(platform, clock) -> None:
    first = await notify(platform, ALICE)
    for actor_id in (BOB, CAROL):
        await notify(platform, actor_id)
    clock.advance(minutes=5)
    latest = await notify(platform, DAVE, data={"excerpt": "last"})

    [listed] = await stored(platform)
    assert latest == listed
    assert (listed.id, listed.actor_ids, listed.actor_count) == (first.id, [DAVE, CAROL, BOB], 4)
    assert (listed.created_at, listed.updated_at, listed.data) == (
        first.created_at, clock.now(), {"excerpt": "last"})
    assert await row_counts(platform) == (1, 4)
    assert await unread(platform) == 1


async def test_the_same_actor_twice_moves_to_the_front_and_counts_once(platform) -> None:
    for actor_id in (ALICE, BOB, CAROL, DAVE):
        await notify(platform, actor_id)

    again = await notify(platform, ALICE)  # no longer among the kept three, still a member

    assert (again.actor_ids, again.actor_count) == ([ALICE, DAVE, CAROL], 4)
    assert await row_counts(platform) == (1, 4)


async def test_a_read_group_is_left_alone_and_a_new_group_starts(platform, clock) -> None:
    old = await notify(platform, ALICE)
    await mark_read(platform, None)
    clock.advance(minutes=1)

    new = await notify(platform, BOB)

    assert new.id != old.id
    assert [(item.id, item.actor_ids, item.actor_count, item.is_read) for item in await stored(platform)] == [
        (new.id, [BOB], 1, False), (old.id, [ALICE], 1, True)]
    assert await unread(platform) == 1


async def test_other_keys_recipients_and_networks_are_separate_groups(platform) -> None:
    await notify(platform, ALICE)
    await notify(platform, BOB, group_key="like:post:8", subject_id=8)
    await notify(platform, CAROL, recipient_id=RECIPIENT + 1)
    await notify(platform, DAVE, network="soundcloud")

    assert [(item.group_key, item.actor_ids) for item in await stored(platform)] == [
        ("like:post:8", [BOB]), ("like:post:7", [ALICE])]
    assert await unread(platform, recipient_id=RECIPIENT + 1) == 1
    assert await unread(platform, network="soundcloud") == 1


async def test_notifications_without_a_group_key_never_group(platform) -> None:
    first = await notify(platform, ALICE, kind="comment", group_key=None, data={"excerpt": "one"})
    second = await notify(platform, ALICE, kind="comment", group_key=None, data={"excerpt": "two"})

    assert first.id != second.id
    assert {item.id for item in await stored(platform)} == {first.id, second.id}
    assert await row_counts(platform) == (2, 0)
    assert await unread(platform) == 2


async def test_twenty_concurrent_notifies_of_one_group_make_one_row_counting_twenty(platform) -> None:
    actors = [3_000 + number for number in range(20)]

    results = await asyncio.gather(*(notify(platform, actor_id) for actor_id in actors))

    [listed] = await stored(platform)
    assert {result.id for result in results} == {listed.id}
    assert listed.actor_count == 20
    assert len(listed.actor_ids) == 3 and set(listed.actor_ids) <= set(actors)
    assert await row_counts(platform) == (1, 20)
    assert await unread(platform) == 1


async def test_concurrent_repeats_of_one_actor_count_once(platform) -> None:
    await asyncio.gather(*(notify(platform, ALICE) for _ in range(10)))

    [listed] = await stored(platform)
    assert (listed.actor_ids, listed.actor_count) == ([ALICE], 1)
    assert await row_counts(platform) == (1, 1)


async def test_withdrawing_a_kept_actor_moves_the_next_most_recent_up(platform) -> None:
    for actor_id in (ALICE, BOB, CAROL, DAVE):
        await notify(platform, actor_id)

    remaining = await withdraw(platform, CAROL)

    assert (remaining.actor_ids, remaining.actor_count) == ([DAVE, BOB, ALICE], 3)
    assert await stored(platform) == [remaining]
    assert await row_counts(platform) == (1, 3)


async def test_withdrawing_an_actor_beyond_the_kept_ones_only_lowers_the_count(platform, clock) -> None:
    for actor_id in (ALICE, BOB, CAROL, DAVE):
        await notify(platform, actor_id)
    before = await stored(platform)
    clock.advance(minutes=1)

    remaining = await withdraw(platform, ALICE)

    assert (remaining.actor_ids, remaining.actor_count) == ([DAVE, CAROL, BOB], 3)
    assert remaining.updated_at == before[0].updated_at  # an undo does not bring the group to the top


async def test_withdrawing_the_last_actor_deletes_the_notification(platform) -> None:
    await notify(platform, ALICE)
    await notify(platform, BOB)

    await withdraw(platform, ALICE)
    gone = await withdraw(platform, BOB)

    assert gone is None
    assert await stored(platform) == []
    assert await row_counts(platform) == (0, 0)
    assert await unread(platform) == 0


async def test_withdrawing_twice_or_a_stranger_changes_nothing(platform) -> None:
    await notify(platform, ALICE)
    await notify(platform, BOB)
    await withdraw(platform, ALICE)
    before = await stored(platform)

    again = await withdraw(platform, ALICE)
    stranger = await withdraw(platform, CAROL)

    assert again == stranger == before[0]
    assert await stored(platform) == before
    assert await row_counts(platform) == (1, 1)


async def test_withdraw_leaves_read_groups_alone(platform) -> None:
    await notify(platform, ALICE)
    await mark_read(platform, None)
    before = await stored(platform)

    result = await withdraw(platform, ALICE)

    assert result is None
    assert await stored(platform) == before


async def test_a_withdrawn_actor_who_acts_again_rejoins_at_the_front(platform) -> None:
    for actor_id in (ALICE, BOB):
        await notify(platform, actor_id)
    await withdraw(platform, ALICE)

    again = await notify(platform, ALICE)

    assert (again.actor_ids, again.actor_count) == ([ALICE, BOB], 2)


@pytest.mark.parametrize(("fields", "field"), [
    ({"network": "Insta gram"}, "network"),
    ({"kind": ""}, "kind"),
    ({"group_key": "x" * 201}, "group_key"),
    ({"data": {"excerpt": "x" * 1_100}}, "data"),
])
async def test_rejects_malformed_notifications_and_stores_nothing(platform, fields, field) -> None:
    with pytest.raises(notifications.InvalidNotification) as refused:
        await notify(platform, ALICE, **fields)

    assert refused.value.code == "invalid_notification"
    assert [error["path"] for error in refused.value.extra["errors"]] == [field]
    assert await row_counts(platform) == (0, 0)
