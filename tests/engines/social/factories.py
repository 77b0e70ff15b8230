"""Graph setup and snapshots for social tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from casebook.engines import social
from casebook.engines.social.models import BlockRow, CounterRow, FollowRequestRow, FollowRow
from casebook.platform.bootstrap import Platform
from casebook.platform.bus.models import OutboxRow

NETWORK = "photos"


async def follow(platform: Platform, follower_id: int, followee_id: int, *, requires_approval: bool = False,
                 network: str = NETWORK) -> social.FollowResult:
    async with platform.uow() as uow:
        return await social.follow(uow, network=network, follower_id=follower_id, followee_id=followee_id,
                                   requires_approval=requires_approval)


async def social_events(platform: Platform) -> list[tuple[str, dict[str, Any]]]:
    async with platform.reader() as uow:
        rows = (await uow.session.scalars(select(OutboxRow).where(OutboxRow.subject.like("casebook.social.%"))
                                          .order_by(OutboxRow.id))).all()
    return [(row.subject, row.payload) for row in rows]


async def graph_state(platform: Platform) -> dict[str, Any]:
    """Everything a refused or repeated call must leave unchanged."""
    async with platform.reader() as uow:
        session = uow.session
        follows = sorted((row.network, row.follower_id, row.followee_id)
                         for row in (await session.scalars(select(FollowRow))).all())
        requests = sorted((row.network, row.requester_id, row.target_id)
                          for row in (await session.scalars(select(FollowRequestRow))).all())
        blocks = sorted((row.network, row.blocker_id, row.blocked_id)
                        for row in (await session.scalars(select(BlockRow))).all())
        counters = sorted((row.network, row.account_id, row.followers_count, row.following_count)
                          for row in (await session.scalars(select(CounterRow))).all())
        events = await session.scalar(select(func.count()).select_from(OutboxRow))
    return {"follows": follows, "requests": requests, "blocks": blocks, "counters": counters, "events": events}


async def counters_match_edges(platform: Platform, network: str = NETWORK) -> tuple[dict, dict]:
    """(counters table, counts recomputed with COUNT(*)), both without zero rows."""
    async with platform.reader() as uow:
        session = uow.session
        stored = {row.account_id: (row.followers_count, row.following_count)
                  for row in (await session.scalars(select(CounterRow).where(CounterRow.network == network))).all()
                  if (row.followers_count, row.following_count) != (0, 0)}
        followers = dict((await session.execute(
            select(FollowRow.followee_id, func.count()).where(FollowRow.network == network)
            .group_by(FollowRow.followee_id))).all())
        following = dict((await session.execute(
            select(FollowRow.follower_id, func.count()).where(FollowRow.network == network)
            .group_by(FollowRow.follower_id))).all())
    recomputed = {account_id: (followers.get(account_id, 0), following.get(account_id, 0))
                  for account_id in set(followers) | set(following)}
    return stored, recomputed
