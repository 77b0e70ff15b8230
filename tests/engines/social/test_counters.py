"""Counters stay equal to COUNT(*) of the edges under concurrent follows, unfollows and blocks."""

from __future__ import annotations

import asyncio
import random

from casebook.engines import social
from tests.engines.social.factories import NETWORK, counters_match_edges

ACCOUNTS = range(1, 9)


async def _one_change(platform, rng: random.Random) -> None:
    follower_id, followee_id = rng.sample(ACCOUNTS, 2)
    action = rng.random()
    async with platform.uow() as uow:
        if action < 0.55:
            await social.follow(uow, network=NETWORK, follower_id=follower_id, followee_id=followee_id,
                                requires_approval=False)
        elif action < 0.9:
            await social.unfollow(uow, network=NETWORK, follower_id=follower_id, followee_id=followee_id)
        elif action < 0.95:
            await social.block(uow, network=NETWORK, blocker_id=follower_id, blocked_id=followee_id)
        else:
            await social.unblock(uow, network=NETWORK, blocker_id=follower_id, blocked_id=followee_id)


async def _worker(platform, seed: int, changes: int) -> None:
    rng = random.Random(seed)
    for _ in range(changes):
        try:
            await _one_change(platform, rng)
        except social.Blocked:
            pass  # a refused follow changes nothing


async def test_counters_equal_the_edges_after_concurrent_changes(platform) -> None:
    # 8 writers over 8 accounts: the same pairs and the same counter rows are hit at once
    await asyncio.gather(*(_worker(platform, seed, 40) for seed in range(8)))

    stored, recomputed = await counters_match_edges(platform)
    assert stored == recomputed
    assert sum(followers for followers, _ in stored.values()) > 0


async def test_concurrent_follows_of_one_account_count_each_follower_once(platform) -> None:
    async def follow_twice(follower_id: int) -> None:
        for _ in range(2):
            async with platform.uow() as uow:
                await social.follow(uow, network=NETWORK, follower_id=follower_id, followee_id=1,
                                    requires_approval=False)

    await asyncio.gather(*(follow_twice(follower_id) for follower_id in range(2, 42)))

    async with platform.reader() as uow:
        assert await social.counts(uow, network=NETWORK, account_ids=[1]) == {1: social.Counts(followers_count=40)}
    stored, recomputed = await counters_match_edges(platform)
    assert stored == recomputed


async def test_a_follow_racing_a_block_never_lands_after_it(platform) -> None:
    """Follows both ways and a block of one pair at once, many rounds: whatever the order, a blocked pair
    ends with no follow between them, and two blocks of one pair at once both succeed."""

    async def follow(follower_id: int, followee_id: int) -> None:
        try:
            async with platform.uow() as uow:
                await social.follow(uow, network=NETWORK, follower_id=follower_id, followee_id=followee_id,
                                    requires_approval=False)
        except social.Blocked:
            pass

    async def block(blocker_id: int, blocked_id: int) -> None:
        async with platform.uow() as uow:
            await social.block(uow, network=NETWORK, blocker_id=blocker_id, blocked_id=blocked_id)

    for round_number in range(12):
        a, b = 100 + 2 * round_number, 101 + 2 * round_number
        await asyncio.gather(follow(a, b), follow(b, a), block(a, b), block(b, a), follow(a, b))
        async with platform.reader() as uow:
            relationship = await social.relationship(uow, network=NETWORK, viewer_id=a, other_id=b)
        assert relationship.is_blocking and relationship.is_blocked_by
        assert not relationship.is_following and not relationship.is_followed_by

    stored, recomputed = await counters_match_edges(platform)
    assert stored == recomputed
