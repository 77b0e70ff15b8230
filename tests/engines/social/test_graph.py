"""Follows, unfollows, relationships, lists, counts and suggestions."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from casebook.engines import social
from casebook.platform.errors import Invalid
from tests.engines.social.factories import NETWORK, follow, graph_state, social_events


async def test_follow_creates_the_edge_counts_it_and_publishes_once(platform) -> None:
    result = await follow(platform, 1, 2)
    again = await follow(platform, 1, 2)

    assert result == social.FollowResult(state="following")
    assert again == social.FollowResult(state="following", is_changed=False)
    async with platform.reader() as uow:
        counted = await social.counts(uow, network=NETWORK, account_ids=[1, 2, 3])
    assert counted == {1: social.Counts(followers_count=0, following_count=1),
                       2: social.Counts(followers_count=1, following_count=0),
                       3: social.Counts(followers_count=0, following_count=0)}
    assert await social_events(platform) == [
        (social.FOLLOWED, {"network": NETWORK, "follower_id": 1, "followee_id": 2})]


async def test_refuses_to_follow_oneself_and_changes_nothing(platform) -> None:
    before = await graph_state(platform)

    with pytest.raises(social.SelfFollow) as refused:
        await follow(platform, 1, 1)

    assert refused.value.code == "self_follow"
    assert isinstance(refused.value, Invalid)
    assert await graph_state(platform) == before


async def test_networks_are_separate(platform) -> None:
    await follow(platform, 1, 2, network="photos")

    async with platform.reader() as uow:
        other = await social.relationship(uow, network="music", viewer_id=1, other_id=2)
        same = await social.relationship(uow, network="photos", viewer_id=1, other_id=2)
        counted = await social.counts(uow, network="music", account_ids=[2])
    assert other == social.Relationship()
    assert same == social.Relationship(is_following=True)
    assert counted == {2: social.Counts()}


async def test_unfollow_removes_the_edge_once(platform) -> None:
    await follow(platform, 1, 2)

    async with platform.uow() as uow:
        first = await social.unfollow(uow, network=NETWORK, follower_id=1, followee_id=2)
    async with platform.uow() as uow:
        second = await social.unfollow(uow, network=NETWORK, follower_id=1, followee_id=2)

    assert (first, second) == (True, False)
    async with platform.reader() as uow:
        assert await social.counts(uow, network=NETWORK, account_ids=[1, 2]) == {1: social.Counts(),
                                                                                 2: social.Counts()}
    assert [subject for subject, _ in await social_events(platform)] == [social.FOLLOWED, social.UNFOLLOWED]


async def test_remove_follower_drops_them(platform) -> None:
    await follow(platform, 1, 2)

    async with platform.uow() as uow:
        removed = await social.remove_follower(uow, network=NETWORK, account_id=2, follower_id=1)
    async with platform.uow() as uow:
        again = await social.remove_follower(uow, network=NETWORK, account_id=2, follower_id=1)

    assert (removed, again) == (True, False)
    async with platform.reader() as uow:
        assert await social.relationship(uow, network=NETWORK, viewer_id=2, other_id=1) == social.Relationship()
    assert (await social_events(platform))[-1] == (
        social.UNFOLLOWED, {"network": NETWORK, "follower_id": 1, "followee_id": 2})


async def test_relationship_reads_both_directions_in_one_query(platform) -> None:
    await follow(platform, 1, 2)
    await follow(platform, 2, 1)
    await follow(platform, 1, 3, requires_approval=True)
    async with platform.uow() as uow:
        await social.block(uow, network=NETWORK, blocker_id=4, blocked_id=1)
    statements = []

    def count(_connection: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    async with platform.reader() as uow:
        await uow.session.execute(text("SELECT 1"))  # the read transaction is open before counting
        engine = uow.session.bind.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            mutual = await social.relationship(uow, network=NETWORK, viewer_id=1, other_id=2)
            requested = await social.relationship(uow, network=NETWORK, viewer_id=1, other_id=3)
            blocked_by = await social.relationship(uow, network=NETWORK, viewer_id=1, other_id=4)
            blocking = await social.relationship(uow, network=NETWORK, viewer_id=4, other_id=1)
        finally:
            event.remove(engine, "before_cursor_execute", count)

    assert mutual == social.Relationship(is_following=True, is_followed_by=True)
    assert requested == social.Relationship(is_requested=True)
    assert blocked_by == social.Relationship(is_blocked_by=True)
    assert blocking == social.Relationship(is_blocking=True)
    assert len(statements) == 4


async def test_lists_page_newest_first_without_repeats(platform, clock) -> None:
    followed_at = {}
    for follower_id in range(10, 35):
        await follow(platform, follower_id, 1)
        followed_at[follower_id] = clock.now()
        if follower_id % 3 == 0:
            clock.advance(seconds=1)  # groups of three share a time: ties are ordered by account id
    await follow(platform, 1, 99)

    seen = []
    cursor = None
    async with platform.reader() as uow:
        while True:
            page = await social.list_followers(uow, network=NETWORK, account_id=1, cursor=cursor, limit=7)
            seen.extend(edge.account_id for edge in page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        following = await social.list_following(uow, network=NETWORK, account_id=1, limit=10)

    assert seen == sorted(followed_at, key=lambda account_id: (followed_at[account_id], account_id), reverse=True)
    assert [edge.account_id for edge in following.items] == [99]
    assert following.next_cursor is None


async def test_lists_refuse_limits_over_a_hundred_and_forged_cursors(platform) -> None:
    async with platform.reader() as uow:
        with pytest.raises(social.InvalidSocialRequest):
            await social.list_followers(uow, network=NETWORK, account_id=1, limit=101)
        with pytest.raises(Invalid) as forged:
            await social.list_followers(uow, network=NETWORK, account_id=1, cursor="not-a-cursor")
    assert forged.value.code == "invalid_cursor"


async def test_follower_ids_page_by_id_and_following_ids_are_bounded(platform) -> None:
    for follower_id in (5, 3, 9, 7):
        await follow(platform, follower_id, 1)
        await follow(platform, 1, follower_id + 100)

    async with platform.reader() as uow:
        first = await social.follower_ids(uow, network=NETWORK, account_id=1, limit=3)
        rest = await social.follower_ids(uow, network=NETWORK, account_id=1, after_id=first[-1], limit=3)
        following = await social.following_ids(uow, network=NETWORK, account_id=1)
        two = await social.following_ids(uow, network=NETWORK, account_id=1, limit=2)

    assert (first, rest) == ([3, 5, 7], [9])
    assert following == [103, 105, 107, 109]
    assert two == [103, 105]


async def test_suggests_friends_of_friends_ranked_and_filtered(platform) -> None:
    me = 1
    for friend in (2, 3, 4):
        await follow(platform, me, friend)
    await follow(platform, me, 20)  # already followed: never suggested
    for friend, followees in {2: (10, 11, 20, me), 3: (10, 11, 12), 4: (10, 13)}.items():
        for followee in followees:
            await follow(platform, friend, followee)
    async with platform.uow() as uow:
        await social.block(uow, network=NETWORK, blocker_id=13, blocked_id=me)  # blocked either way: hidden

    async with platform.reader() as uow:
        suggestions = await social.suggest_accounts(uow, network=NETWORK, account_id=me, limit=10)

    assert suggestions == [social.Suggestion(account_id=10, followed_by_count=3),
                           social.Suggestion(account_id=11, followed_by_count=2),
                           social.Suggestion(account_id=12, followed_by_count=1)]


async def test_refuses_to_follow_past_the_following_cap_and_changes_nothing(platform) -> None:
    for followee_id in (2, 3):
        await follow(platform, 1, followee_id)
    before = await graph_state(platform)

    for requires_approval in (False, True):
        with pytest.raises(social.FollowingLimitReached) as refused:
            async with platform.uow() as uow:
                await social.follow(uow, network=NETWORK, follower_id=1, followee_id=4,
                                    requires_approval=requires_approval, following_max=2)
        assert refused.value.code == "following_limit_reached"

    assert await graph_state(platform) == before
    async with platform.uow() as uow:  # following again someone already followed is still fine
        again = await social.follow(uow, network=NETWORK, follower_id=1, followee_id=2, requires_approval=False,
                                    following_max=2)
    assert again == social.FollowResult(state="following", is_changed=False)
