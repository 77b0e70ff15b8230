"""SQL of the social graph: edges inserted and deleted with RETURNING (so only real changes count), race-safe
counter upserts, and the bounded reads behind lists, relationships and suggestions."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, literal, or_, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.engines.social.models import BlockRow, CounterRow, FollowRequestRow, FollowRow

follows = FollowRow.__table__
requests = FollowRequestRow.__table__
blocks = BlockRow.__table__
counters = CounterRow.__table__


def _insert(session: AsyncSession, table: Any) -> Any:
    return (postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert)(table)


def _pair(table: Any, left: str, right: str, network: str, a: int, b: int) -> Any:
    """Rows of `network` linking a and b in either direction."""
    return and_(table.c.network == network, or_(and_(table.c[left] == a, table.c[right] == b),
                                                and_(table.c[left] == b, table.c[right] == a)))


# -- the pair lock --------------------------------------------------------------------------------

async def lock_pair(session: AsyncSession, *, network: str, a: int, b: int) -> None:
    """Serialize every change between two accounts until the transaction ends. Without it, on PostgreSQL, a
    follow that checked for a block just before the block committed landed just after it, and two blocks of
    one pair at once could deadlock on each other's rows. One advisory lock per (network, pair), taken first
    by follow, block and approve; SQLite has a single writer and needs none."""
    if session.bind.dialect.name != "postgresql":
        return
    low, high = sorted((a, b))
    digest = hashlib.blake2b(f"{network}:{low}:{high}".encode(), digest_size=8).digest()
    await session.execute(select(func.pg_advisory_xact_lock(int.from_bytes(digest, "big", signed=True))))


async def request_requester(session: AsyncSession, *, network: str, target_id: int, request_id: int) -> int | None:
    return await session.scalar(select(requests.c.requester_id).where(
        requests.c.network == network, requests.c.target_id == target_id, requests.c.id == request_id))


# -- edges ---------------------------------------------------------------------------------------

async def insert_follow(session: AsyncSession, *, network: str, follower_id: int, followee_id: int,
                        created_at: datetime) -> bool:
    """True when this call created the edge (a concurrent or repeated insert gets False)."""
    statement = (_insert(session, follows)
                 .values(network=network, follower_id=follower_id, followee_id=followee_id, created_at=created_at)
                 .on_conflict_do_nothing().returning(follows.c.follower_id))
    return await session.scalar(statement) is not None


async def delete_follow(session: AsyncSession, *, network: str, follower_id: int, followee_id: int) -> bool:
    statement = (delete(follows).where(follows.c.network == network, follows.c.follower_id == follower_id,
                                       follows.c.followee_id == followee_id).returning(follows.c.follower_id))
    return await session.scalar(statement) is not None


async def delete_follows_between(session: AsyncSession, *, network: str, a: int, b: int) -> list[tuple[int, int]]:
    """Delete the edges a→b and b→a; the (follower, followee) pairs that existed."""
    statement = (delete(follows).where(_pair(follows, "follower_id", "followee_id", network, a, b))
                 .returning(follows.c.follower_id, follows.c.followee_id))
    return [(row.follower_id, row.followee_id) for row in (await session.execute(statement)).all()]


async def is_following(session: AsyncSession, *, network: str, follower_id: int, followee_id: int) -> bool:
    statement = select(exists().where(follows.c.network == network, follows.c.follower_id == follower_id,
                                      follows.c.followee_id == followee_id))
    return bool(await session.scalar(statement))


async def bump_counters(session: AsyncSession, *, network: str, changes: dict[int, tuple[int, int]]) -> None:
    """Add (followers, following) deltas per account in one upsert: the row is created on first use by
    INSERT .. ON CONFLICT, and `x = x + delta` is applied under the row lock, so concurrent writers
    never lose an update. Rows go in account-id order so two writers lock them in the same order."""
    changes = {account_id: delta for account_id, delta in changes.items() if delta != (0, 0)}
    if not changes:
        return
    statement = _insert(session, counters).values([
        {"network": network, "account_id": account_id, "followers_count": followers, "following_count": following}
        for account_id, (followers, following) in sorted(changes.items())])
    statement = statement.on_conflict_do_update(
        index_elements=["network", "account_id"],
        set_={"followers_count": counters.c.followers_count + statement.excluded.followers_count,
              "following_count": counters.c.following_count + statement.excluded.following_count})
    await session.execute(statement)


async def counts_of(session: AsyncSession, *, network: str, account_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    statement = (select(counters.c.account_id, counters.c.followers_count, counters.c.following_count)
                 .where(counters.c.network == network, counters.c.account_id.in_(list(account_ids))))
    return {row.account_id: (row.followers_count, row.following_count)
            for row in (await session.execute(statement)).all()}


# -- requests ------------------------------------------------------------------------------------

async def insert_request(session: AsyncSession, *, request_id: int, network: str, requester_id: int,
                         target_id: int, created_at: datetime) -> bool:
    statement = (_insert(session, requests)
                 .values(id=request_id, network=network, requester_id=requester_id, target_id=target_id,
                         created_at=created_at)
                 .on_conflict_do_nothing().returning(requests.c.id))
    return await session.scalar(statement) is not None


async def request_id_of(session: AsyncSession, *, network: str, requester_id: int, target_id: int) -> int | None:
    statement = select(requests.c.id).where(requests.c.network == network, requests.c.requester_id == requester_id,
                                            requests.c.target_id == target_id)
    return await session.scalar(statement)


async def delete_request(session: AsyncSession, *, network: str, target_id: int, request_id: int | None = None,
                         requester_id: int | None = None) -> tuple[int, int] | None:
    """Delete one pending request to `target_id`, by id or by requester; its (id, requester) if it existed."""
    where = [requests.c.network == network, requests.c.target_id == target_id]
    if request_id is not None:
        where.append(requests.c.id == request_id)
    if requester_id is not None:
        where.append(requests.c.requester_id == requester_id)
    statement = delete(requests).where(*where).returning(requests.c.id, requests.c.requester_id)
    row = (await session.execute(statement)).first()
    return None if row is None else (row.id, row.requester_id)


async def delete_requests_between(session: AsyncSession, *, network: str, a: int, b: int) -> list[tuple[int, int, int]]:
    statement = (delete(requests).where(_pair(requests, "requester_id", "target_id", network, a, b))
                 .returning(requests.c.id, requests.c.requester_id, requests.c.target_id))
    return [(row.id, row.requester_id, row.target_id) for row in (await session.execute(statement)).all()]


async def requests_to(session: AsyncSession, *, network: str, target_id: int, before_id: int | None,
                      limit: int) -> Sequence[Any]:
    statement = select(requests).where(requests.c.network == network, requests.c.target_id == target_id)
    if before_id is not None:
        statement = statement.where(requests.c.id < before_id)
    return (await session.execute(statement.order_by(requests.c.id.desc()).limit(limit))).all()


# -- blocks --------------------------------------------------------------------------------------

async def insert_block(session: AsyncSession, *, network: str, blocker_id: int, blocked_id: int,
                       created_at: datetime) -> bool:
    statement = (_insert(session, blocks)
                 .values(network=network, blocker_id=blocker_id, blocked_id=blocked_id, created_at=created_at)
                 .on_conflict_do_nothing().returning(blocks.c.blocker_id))
    return await session.scalar(statement) is not None


async def delete_block(session: AsyncSession, *, network: str, blocker_id: int, blocked_id: int) -> bool:
    statement = (delete(blocks).where(blocks.c.network == network, blocks.c.blocker_id == blocker_id,
                                      blocks.c.blocked_id == blocked_id).returning(blocks.c.blocker_id))
    return await session.scalar(statement) is not None


async def is_blocked_either_way(session: AsyncSession, *, network: str, a: int, b: int) -> bool:
    return bool(await session.scalar(select(exists().where(_pair(blocks, "blocker_id", "blocked_id", network, a, b)))))


def blocked_either_way_query(network: str, account_id: int) -> Any:
    """Ids `account_id` blocks or is blocked by, as one selectable (a column named `account_id`)."""
    return union_all(
        select(blocks.c.blocked_id.label("account_id")).where(blocks.c.network == network,
                                                              blocks.c.blocker_id == account_id),
        select(blocks.c.blocker_id.label("account_id")).where(blocks.c.network == network,
                                                              blocks.c.blocked_id == account_id))


async def blocked_either_way_ids(session: AsyncSession, *, network: str, account_id: int, limit: int) -> set[int]:
    query = blocked_either_way_query(network, account_id).subquery()
    return set((await session.scalars(select(query.c.account_id).limit(limit))).all())


# -- reads ---------------------------------------------------------------------------------------

async def relationship_rows(session: AsyncSession, *, network: str, viewer_id: int,
                            other_id: int) -> list[tuple[str, int]]:
    """One query: ("follow", follower), ("block", blocker) and ("request", requester) rows between the two."""
    statement = union_all(
        select(literal("follow").label("kind"), follows.c.follower_id.label("from_id"))
        .where(_pair(follows, "follower_id", "followee_id", network, viewer_id, other_id)),
        select(literal("block").label("kind"), blocks.c.blocker_id.label("from_id"))
        .where(_pair(blocks, "blocker_id", "blocked_id", network, viewer_id, other_id)),
        select(literal("request").label("kind"), requests.c.requester_id.label("from_id"))
        .where(requests.c.network == network, requests.c.requester_id == viewer_id,
               requests.c.target_id == other_id))
    return [(row.kind, row.from_id) for row in (await session.execute(statement)).all()]


async def edges_page(session: AsyncSession, *, network: str, account_id: int, direction: str,
                     before: tuple[datetime, int] | None, limit: int) -> list[tuple[int, datetime]]:
    """Followers ("followers") or followees ("following") of an account, newest first, keyset-paged on
    (created_at, other id)."""
    mine, other = ((follows.c.followee_id, follows.c.follower_id) if direction == "followers"
                   else (follows.c.follower_id, follows.c.followee_id))
    statement = select(other.label("account_id"), follows.c.created_at).where(follows.c.network == network,
                                                                              mine == account_id)
    if before is not None:
        created_at, other_id = before
        statement = statement.where(or_(follows.c.created_at < created_at,
                                        and_(follows.c.created_at == created_at, other < other_id)))
    statement = statement.order_by(follows.c.created_at.desc(), other.desc()).limit(limit)
    return [(row.account_id, row.created_at) for row in (await session.execute(statement)).all()]


async def follower_ids(session: AsyncSession, *, network: str, account_id: int, after_id: int | None,
                       limit: int) -> list[int]:
    statement = select(follows.c.follower_id).where(follows.c.network == network, follows.c.followee_id == account_id)
    if after_id is not None:
        statement = statement.where(follows.c.follower_id > after_id)
    return list((await session.scalars(statement.order_by(follows.c.follower_id).limit(limit))).all())


async def following_ids(session: AsyncSession, *, network: str, account_id: int, limit: int) -> list[int]:
    statement = (select(follows.c.followee_id).where(follows.c.network == network, follows.c.follower_id == account_id)
                 .order_by(follows.c.followee_id).limit(limit))
    return list((await session.scalars(statement)).all())


async def friends_of_friends(session: AsyncSession, *, network: str, account_id: int, sample_max: int,
                             limit: int) -> list[tuple[int, int]]:
    """(account, how many of my sampled followees follow it), best first. The sample is my newest
    `sample_max` followees, so the scan is bounded by sample_max × FOLLOWING_MAX rows."""
    mine = follows.alias("mine")
    theirs = follows.alias("theirs")
    sample = (select(mine.c.followee_id).where(mine.c.network == network, mine.c.follower_id == account_id)
              .order_by(mine.c.created_at.desc()).limit(sample_max).subquery())
    already = follows.alias("already")
    blocked = blocked_either_way_query(network, account_id).subquery()
    score = func.count().label("score")
    statement = (
        select(theirs.c.followee_id, score)
        .where(theirs.c.network == network, theirs.c.follower_id.in_(select(sample.c.followee_id)),
               theirs.c.followee_id != account_id,
               ~exists().where(already.c.network == network, already.c.follower_id == account_id,
                               already.c.followee_id == theirs.c.followee_id),
               theirs.c.followee_id.not_in(select(blocked.c.account_id)))
        .group_by(theirs.c.followee_id).order_by(score.desc(), theirs.c.followee_id.desc()).limit(limit))
    return [(row.followee_id, row.score) for row in (await session.execute(statement)).all()]
