"""Reading the inbox: keyset pages, the bounded unread count, read marks, live pushes, the purge job."""

from __future__ import annotations

import asyncio

import pytest

from casebook.engines import notifications
from casebook.platform.errors import Invalid
from casebook.platform.realtime import account_topic
from tests.engines.notifications.factories import (
    ALICE,
    BOB,
    CAROL,
    NETWORK,
    RECIPIENT,
    mark_read,
    notify,
    page,
    row_counts,
    statements,
    stored,
    unread,
    withdraw,
)


async def _notify_many(platform, count: int, *, actor_id: int = ALICE) -> list[notifications.Notification]:
    """`count` ungrouped notifications, one per unit of work (all at the frozen clock's one instant)."""
    return [await notify(platform, actor_id, kind="comment", group_key=None, subject_id=number)
            for number in range(count)]


async def test_pages_run_newest_first_without_repeats_and_end(platform) -> None:
    created = await _notify_many(platform, 5)  # one updated_at for all: the id breaks the tie

    first = await page(platform, limit=2)
    second = await page(platform, cursor=first.next_cursor, limit=2)
    third = await page(platform, cursor=second.next_cursor, limit=2)

    newest_first = [item.id for item in reversed(created)]
    assert [item.id for item in first.items + second.items + third.items] == newest_first
    assert third.next_cursor is None
    assert first.next_cursor is not None and second.next_cursor is not None


async def test_a_regrouped_notification_jumps_to_the_top_and_never_repeats_in_a_scroll(platform,
                                                                                       clock) -> None:
    liked = await notify(platform, ALICE)  # the oldest
    clock.advance(seconds=1)
    comments = await _notify_many(platform, 3, actor_id=BOB)
    first = await page(platform, limit=2)
    clock.advance(seconds=1)

    await notify(platform, CAROL)  # the like group regroups: now the most recent
    rest = await page(platform, cursor=first.next_cursor, limit=2)
    refreshed = await page(platform, limit=2)

    assert [item.id for item in first.items] == [comments[2].id, comments[1].id]
    assert [item.id for item in rest.items] == [comments[0].id]  # the like moved above the cursor
    assert rest.next_cursor is None
    assert [item.id for item in refreshed.items] == [liked.id, comments[2].id]


async def test_a_page_holds_only_the_recipients_own_notifications(platform) -> None:
    await notify(platform, ALICE, recipient_id=RECIPIENT + 1)

    assert (await page(platform)).items == []


async def test_rejects_a_tampered_cursor_and_a_limit_out_of_range(platform) -> None:
    await _notify_many(platform, 2)
    cursor = (await page(platform, limit=1)).next_cursor

    with pytest.raises(Invalid) as tampered:
        await page(platform, cursor=cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB"))
    with pytest.raises(notifications.InvalidNotification):
        await page(platform, limit=101)
    with pytest.raises(notifications.InvalidNotification):
        await page(platform, limit=0)

    assert tampered.value.code == "invalid_cursor"


async def test_the_unread_count_stops_at_one_hundred(platform) -> None:
    await _notify_many(platform, 101)

    assert await unread(platform) == 100
    assert await row_counts(platform) == (101, 0)


async def test_mark_read_by_ids_marks_only_those_and_ignores_others_notifications(platform) -> None:
    mine = await _notify_many(platform, 3)
    theirs = await notify(platform, ALICE, recipient_id=RECIPIENT + 1, group_key=None)

    changed = await mark_read(platform, [mine[0].id, mine[1].id, theirs.id])
    again = await mark_read(platform, [mine[0].id])

    assert (changed, again) == (2, 0)
    assert {item.id: item.is_read for item in await stored(platform)} == {
        mine[0].id: True, mine[1].id: True, mine[2].id: False}
    assert await unread(platform) == 1
    assert await unread(platform, recipient_id=RECIPIENT + 1) == 1


async def test_mark_read_of_everything_leaves_nothing_unread(platform) -> None:
    await _notify_many(platform, 3)
    await notify(platform, BOB)

    changed = await mark_read(platform, None)

    assert changed == 4
    assert await unread(platform) == 0
    assert all(item.is_read for item in await stored(platform))


async def test_mark_read_refuses_too_many_ids_and_changes_nothing(platform) -> None:
    created = await _notify_many(platform, 2)

    with pytest.raises(notifications.InvalidNotification):
        await mark_read(platform, [created[0].id] * 101)

    assert await unread(platform) == 2


async def test_the_recipient_hears_each_change_live_after_commit(platform, clock) -> None:
    async with platform.realtime.subscribe(account_topic(RECIPIENT)) as subscription:
        messages = aiter(subscription)
        first = await notify(platform, ALICE)
        regrouped = await notify(platform, BOB)
        await withdraw(platform, BOB)
        await withdraw(platform, ALICE)
        comment = await notify(platform, CAROL, kind="comment", group_key=None, data={"excerpt": "hi"})
        await mark_read(platform, None)
        async with asyncio.timeout(10):  # a bound on a broken test, not a timing assertion
            received = [await anext(messages) for _ in range(6)]

    created_at = "2026-03-01T12:00:00Z"
    assert received[0] == {"type": "notification", "network": NETWORK, "unread_count": 1, "notification": {
        "id": str(first.id), "kind": "like", "group_key": "like:post:7", "subject_id": "7",
        "actor_ids": [str(ALICE)], "actor_count": 1, "data": None, "is_read": False,
        "created_at": created_at, "updated_at": created_at}}
    assert (received[1]["notification"]["actor_ids"], received[1]["notification"]["actor_count"]) == (
        [str(BOB), str(ALICE)], 2)
    assert received[1]["notification"]["id"] == str(regrouped.id) == str(first.id)
    assert (received[2]["notification"]["actor_ids"], received[2]["unread_count"]) == ([str(ALICE)], 1)
    assert received[3] == {"type": "notification_removed", "network": NETWORK,
                           "notification_id": str(first.id), "unread_count": 0}
    fifth = received[4]
    assert (fifth["notification"]["id"], fifth["notification"]["data"], fifth["unread_count"]) == (
        str(comment.id), {"excerpt": "hi"}, 1)
    assert received[5] == {"type": "notifications_read", "network": NETWORK, "notification_ids": None,
                           "unread_count": 0}


async def test_a_rolled_back_notify_is_never_pushed(platform) -> None:
    async with platform.realtime.subscribe(account_topic(RECIPIENT)) as subscription:
        messages = aiter(subscription)
        with pytest.raises(RuntimeError):
            async with platform.uow() as uow:
                await notifications.notify(uow, network=NETWORK, recipient_id=RECIPIENT, kind="like",
                                           actor_id=ALICE, group_key="like:post:7")
                raise RuntimeError("the use case failed after notifying")
        kept = await notify(platform, BOB)
        async with asyncio.timeout(10):
            received = await anext(messages)

    assert received["notification"]["id"] == str(kept.id)
    assert received["notification"]["actor_ids"] == [str(BOB)]
    assert await row_counts(platform) == (1, 1)


async def test_the_purge_job_deletes_notifications_quiet_for_ninety_days(platform, clock) -> None:
    old = await notify(platform, ALICE)
    await notify(platform, BOB)  # same group: the group's last activity is what counts
    clock.advance(days=45)
    recent = await notify(platform, CAROL, group_key="like:post:8", subject_id=8)
    clock.advance(days=45, seconds=1)

    await platform.scheduler.tick()  # takes the lease and runs what is due

    assert [item.id for item in await stored(platform)] == [recent.id]
    assert old.id != recent.id
    assert await row_counts(platform) == (1, 1)


async def test_hot_paths_run_a_fixed_number_of_statements(platform) -> None:
    for actor_id in range(3_000, 3_030):  # a big group must not cost more than a small one
        await notify(platform, actor_id)
    await _notify_many(platform, 25)

    with statements(platform) as listed:
        full = await page(platform, limit=20)
    with statements(platform) as counted:
        await unread(platform)
    with statements(platform) as absorbed:
        await notify(platform, ALICE)

    assert len(full.items) == 20
    assert len(listed) == 1
    assert len(counted) == 1
    # lock the group, re-rank the actor if a member (it is not), add it, update the group, count the badge
    assert len(absorbed) == 5
