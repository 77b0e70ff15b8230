"""The social graph's use cases: follow, requests, blocks, relationships, lists, counts and suggestions.

Every write changes edges, counters and the outbox in the caller's transaction; repeated calls that
change nothing publish nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from casebook.engines.social import events, limits, repository
from casebook.engines.social.errors import (
    Blocked,
    FollowingLimitReached,
    FollowRequestNotFound,
    InvalidSocialRequest,
    SelfBlock,
    SelfFollow,
)
from casebook.engines.social.model import (
    Counts,
    FollowEdge,
    FollowPage,
    FollowRequest,
    FollowRequestPage,
    FollowResult,
    Relationship,
    Suggestion,
)
from casebook.platform.http.pagination import Cursors
from casebook.platform.uow import UnitOfWork

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class _EdgePosition(msgspec.Struct, frozen=True):
    followed_at_us: int
    account_id: int


class _RequestPosition(msgspec.Struct, frozen=True):
    before_id: int


def _check_network(network: str) -> None:
    if not network or len(network) > limits.NETWORK_CHARS_MAX:
        raise InvalidSocialRequest(f"network must be 1..{limits.NETWORK_CHARS_MAX} characters.", field="network")


def _check_limit(limit: int, maximum: int) -> None:
    if not 1 <= limit <= maximum:
        raise InvalidSocialRequest(f"limit must be between 1 and {maximum}.", field="limit")


def _cursors(uow: UnitOfWork) -> Cursors:
    return Cursors(uow.platform.settings.secret_key)


def _follow_payload(network: str, follower_id: int, followee_id: int) -> dict[str, object]:
    return {"network": network, "follower_id": follower_id, "followee_id": followee_id}


async def _add_edge(uow: UnitOfWork, *, network: str, follower_id: int, followee_id: int) -> bool:
    created = await repository.insert_follow(uow.session, network=network, follower_id=follower_id,
                                             followee_id=followee_id, created_at=uow.now())
    if created:
        await repository.bump_counters(uow.session, network=network,
                                       changes={followee_id: (1, 0), follower_id: (0, 1)})
        uow.publish(events.FOLLOWED, _follow_payload(network, follower_id, followee_id))
    return created


async def _remove_edges(uow: UnitOfWork, *, network: str, edges: list[tuple[int, int]]) -> None:
    """Counters and events for edges already deleted."""
    changes: dict[int, tuple[int, int]] = {}
    for follower_id, followee_id in edges:
        followers, following = changes.get(followee_id, (0, 0))
        changes[followee_id] = (followers - 1, following)
        followers, following = changes.get(follower_id, (0, 0))
        changes[follower_id] = (followers, following - 1)
        uow.publish(events.UNFOLLOWED, _follow_payload(network, follower_id, followee_id))
    await repository.bump_counters(uow.session, network=network, changes=changes)


# -- follows -------------------------------------------------------------------------------------

async def follow(uow: UnitOfWork, *, network: str, follower_id: int, followee_id: int, requires_approval: bool,
                 following_max: int = limits.FOLLOWING_MAX) -> FollowResult:
    """Follow now, or ask to when the followee approves followers. Refuses, in this order, self-follows
    (SelfFollow), pairs with a block either way (Blocked, a 404) and followers already following
    `following_max` accounts (FollowingLimitReached). Already following or requested: the same answer again."""
    _check_network(network)
    if follower_id == followee_id:
        raise SelfFollow()
    session = uow.session
    await repository.lock_pair(session, network=network, a=follower_id, b=followee_id)
    if await repository.is_blocked_either_way(session, network=network, a=follower_id, b=followee_id):
        raise Blocked()
    if await repository.is_following(session, network=network, follower_id=follower_id, followee_id=followee_id):
        return FollowResult(state="following", is_changed=False)
    found = await repository.counts_of(session, network=network, account_ids=[follower_id])
    if found.get(follower_id, (0, 0))[1] >= following_max:
        raise FollowingLimitReached(f"An account can follow at most {following_max} accounts.")
    if not requires_approval:
        # a request left from when the account was private is answered by following now
        await repository.delete_request(session, network=network, target_id=followee_id, requester_id=follower_id)
        created = await _add_edge(uow, network=network, follower_id=follower_id, followee_id=followee_id)
        return FollowResult(state="following", is_changed=created)
    request_id = uow.new_id()
    if await repository.insert_request(session, request_id=request_id, network=network, requester_id=follower_id,
                                       target_id=followee_id, created_at=uow.now()):
        uow.publish(events.FOLLOW_REQUESTED, {"network": network, "request_id": request_id,
                                              "requester_id": follower_id, "target_id": followee_id})
        return FollowResult(state="requested", request_id=request_id)
    existing = await repository.request_id_of(session, network=network, requester_id=follower_id,
                                              target_id=followee_id)
    return FollowResult(state="requested", request_id=existing, is_changed=False)


async def unfollow(uow: UnitOfWork, *, network: str, follower_id: int, followee_id: int) -> bool:
    """Stop following, or withdraw a pending request; False when there was neither."""
    _check_network(network)
    session = uow.session
    if await repository.delete_follow(session, network=network, follower_id=follower_id, followee_id=followee_id):
        await _remove_edges(uow, network=network, edges=[(follower_id, followee_id)])
        return True
    cancelled = await repository.delete_request(session, network=network, target_id=followee_id,
                                                requester_id=follower_id)
    if cancelled is None:
        return False
    uow.publish(events.FOLLOW_REQUEST_CANCELLED, {"network": network, "request_id": cancelled[0],
                                                  "requester_id": follower_id, "target_id": followee_id})
    return True


async def remove_follower(uow: UnitOfWork, *, network: str, account_id: int, follower_id: int) -> bool:
    """`account_id` drops `follower_id` from its followers; False when it was not a follower."""
    _check_network(network)
    if not await repository.delete_follow(uow.session, network=network, follower_id=follower_id,
                                          followee_id=account_id):
        return False
    await _remove_edges(uow, network=network, edges=[(follower_id, account_id)])
    return True


# -- follow requests -----------------------------------------------------------------------------

async def list_follow_requests(uow: UnitOfWork, *, network: str, target_id: int, cursor: str | None = None,
                               limit: int = 20) -> FollowRequestPage:
    """Pending requests to `target_id`, newest first."""
    _check_network(network)
    _check_limit(limit, limits.PAGE_SIZE_MAX)
    cursors = _cursors(uow)
    position = cursors.decode(cursor, type=_RequestPosition)
    rows = await repository.requests_to(uow.session, network=network, target_id=target_id,
                                        before_id=position.before_id if position else None, limit=limit)
    items = [FollowRequest(id=row.id, requester_id=row.requester_id, target_id=row.target_id,
                           created_at=row.created_at) for row in rows]
    next_cursor = cursors.encode({"before_id": items[-1].id}) if len(items) == limit else None
    return FollowRequestPage(items=items, next_cursor=next_cursor)


async def approve_follow_request(uow: UnitOfWork, *, network: str, target_id: int, request_id: int) -> int:
    """Turn the request into a follow; the requester's id. A request that is not the target's: NotFound."""
    _check_network(network)
    requester_id = await repository.request_requester(uow.session, network=network, target_id=target_id,
                                                      request_id=request_id)
    if requester_id is None:
        raise FollowRequestNotFound()
    # The pair lock before the request's row lock, in the order block takes them (no deadlock between them).
    await repository.lock_pair(uow.session, network=network, a=requester_id, b=target_id)
    answered = await repository.delete_request(uow.session, network=network, target_id=target_id,
                                               request_id=request_id)
    if answered is None:
        raise FollowRequestNotFound()
    requester_id = answered[1]
    await _add_edge(uow, network=network, follower_id=requester_id, followee_id=target_id)
    uow.publish(events.FOLLOW_APPROVED, {"network": network, "request_id": request_id,
                                         "follower_id": requester_id, "followee_id": target_id})
    return requester_id


async def deny_follow_request(uow: UnitOfWork, *, network: str, target_id: int, request_id: int) -> int:
    """Delete the request; the requester's id. A request that is not the target's: NotFound."""
    _check_network(network)
    requester_id = await repository.request_requester(uow.session, network=network, target_id=target_id,
                                                      request_id=request_id)
    if requester_id is None:
        raise FollowRequestNotFound()
    # The pair lock before the request's row lock, in the order block takes them (no deadlock between them).
    await repository.lock_pair(uow.session, network=network, a=requester_id, b=target_id)
    answered = await repository.delete_request(uow.session, network=network, target_id=target_id,
                                               request_id=request_id)
    if answered is None:
        raise FollowRequestNotFound()
    uow.publish(events.FOLLOW_DENIED, {"network": network, "request_id": request_id, "requester_id": answered[1],
                                       "target_id": target_id})
    return answered[1]


# -- blocks --------------------------------------------------------------------------------------

async def block(uow: UnitOfWork, *, network: str, blocker_id: int, blocked_id: int) -> bool:
    """Block, removing follows and pending requests both ways; False when already blocked (nothing changes)."""
    _check_network(network)
    if blocker_id == blocked_id:
        raise SelfBlock()
    session = uow.session
    await repository.lock_pair(session, network=network, a=blocker_id, b=blocked_id)
    if not await repository.insert_block(session, network=network, blocker_id=blocker_id, blocked_id=blocked_id,
                                         created_at=uow.now()):
        return False
    edges = await repository.delete_follows_between(session, network=network, a=blocker_id, b=blocked_id)
    await _remove_edges(uow, network=network, edges=sorted(edges))
    for request_id, requester_id, target_id in await repository.delete_requests_between(
            session, network=network, a=blocker_id, b=blocked_id):
        uow.publish(events.FOLLOW_REQUEST_CANCELLED, {"network": network, "request_id": request_id,
                                                      "requester_id": requester_id, "target_id": target_id})
    uow.publish(events.BLOCKED, {"network": network, "blocker_id": blocker_id, "blocked_id": blocked_id})
    return True


async def unblock(uow: UnitOfWork, *, network: str, blocker_id: int, blocked_id: int) -> bool:
    """Lift a block (follows removed by it stay removed); False when there was none."""
    _check_network(network)
    if not await repository.delete_block(uow.session, network=network, blocker_id=blocker_id, blocked_id=blocked_id):
        return False
    uow.publish(events.UNBLOCKED, {"network": network, "blocker_id": blocker_id, "blocked_id": blocked_id})
    return True


async def is_blocked_either_way(uow: UnitOfWork, *, network: str, a: int, b: int) -> bool:
    return await repository.is_blocked_either_way(uow.session, network=network, a=a, b=b)


async def blocked_either_way_ids(uow: UnitOfWork, *, network: str, account_id: int,
                                 limit: int = limits.BLOCKED_IDS_MAX) -> set[int]:
    """Accounts `account_id` blocks or is blocked by (at most `limit`), to filter lists and feeds."""
    _check_limit(limit, limits.BLOCKED_IDS_MAX)
    return await repository.blocked_either_way_ids(uow.session, network=network, account_id=account_id, limit=limit)


# -- reads ---------------------------------------------------------------------------------------

async def relationship(uow: UnitOfWork, *, network: str, viewer_id: int, other_id: int) -> Relationship:
    """How the viewer stands towards the other account, in one query."""
    if viewer_id == other_id:
        return Relationship()
    rows = await repository.relationship_rows(uow.session, network=network, viewer_id=viewer_id, other_id=other_id)
    found = set(rows)
    return Relationship(
        is_following=("follow", viewer_id) in found, is_followed_by=("follow", other_id) in found,
        is_requested=("request", viewer_id) in found, is_blocking=("block", viewer_id) in found,
        is_blocked_by=("block", other_id) in found)


async def _edges(uow: UnitOfWork, *, network: str, account_id: int, direction: str, cursor: str | None,
                 limit: int) -> FollowPage:
    _check_network(network)
    _check_limit(limit, limits.PAGE_SIZE_MAX)
    cursors = _cursors(uow)
    position = cursors.decode(cursor, type=_EdgePosition)
    before = None
    if position is not None:
        before = (_EPOCH + timedelta(microseconds=position.followed_at_us), position.account_id)
    rows = await repository.edges_page(uow.session, network=network, account_id=account_id, direction=direction,
                                       before=before, limit=limit)
    items = [FollowEdge(account_id=other_id, followed_at=followed_at) for other_id, followed_at in rows]
    next_cursor = None
    if len(items) == limit:
        last = items[-1]
        next_cursor = cursors.encode({"followed_at_us": _to_microseconds(last.followed_at),
                                      "account_id": last.account_id})
    return FollowPage(items=items, next_cursor=next_cursor)


def _to_microseconds(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)  # exact: no float on the way


async def list_followers(uow: UnitOfWork, *, network: str, account_id: int, cursor: str | None = None,
                         limit: int = 20) -> FollowPage:
    """Who follows `account_id`, newest first; `next_cursor` is None on the last page."""
    return await _edges(uow, network=network, account_id=account_id, direction="followers", cursor=cursor,
                        limit=limit)


async def list_following(uow: UnitOfWork, *, network: str, account_id: int, cursor: str | None = None,
                         limit: int = 20) -> FollowPage:
    """Whom `account_id` follows, newest first."""
    return await _edges(uow, network=network, account_id=account_id, direction="following", cursor=cursor,
                        limit=limit)


async def follower_ids(uow: UnitOfWork, *, network: str, account_id: int, after_id: int | None = None,
                       limit: int = limits.FOLLOWER_IDS_PAGE_MAX) -> list[int]:
    """One page of follower ids in ascending id order, for fan-out: pass the last id as `after_id`."""
    _check_limit(limit, limits.FOLLOWER_IDS_PAGE_MAX)
    return await repository.follower_ids(uow.session, network=network, account_id=account_id, after_id=after_id,
                                         limit=limit)


async def following_ids(uow: UnitOfWork, *, network: str, account_id: int,
                        limit: int = limits.FOLLOWING_MAX) -> list[int]:
    """Everyone `account_id` follows (bounded: FOLLOWING_MAX), in ascending id order."""
    _check_limit(limit, limits.FOLLOWING_MAX)
    return await repository.following_ids(uow.session, network=network, account_id=account_id, limit=limit)


async def counts(uow: UnitOfWork, *, network: str, account_ids: list[int]) -> dict[int, Counts]:
    """Followers and following per account in one query; accounts never counted get zeros."""
    if len(account_ids) > limits.COUNTS_IDS_MAX:
        raise InvalidSocialRequest("too many account ids.", field="account_ids")
    found = await repository.counts_of(uow.session, network=network, account_ids=account_ids) if account_ids else {}
    return {account_id: Counts(followers_count=found.get(account_id, (0, 0))[0],
                               following_count=found.get(account_id, (0, 0))[1]) for account_id in account_ids}


async def suggest_accounts(uow: UnitOfWork, *, network: str, account_id: int, limit: int = 20) -> list[Suggestion]:
    """Friends of friends: accounts followed by the accounts I follow, most-followed-by-them first, leaving
    out me, those I follow and blocks either way. Looks through my newest SUGGEST_FOLLOWEES_SAMPLE_MAX followees."""
    _check_limit(limit, limits.SUGGESTIONS_MAX)
    rows = await repository.friends_of_friends(uow.session, network=network, account_id=account_id,
                                               sample_max=limits.SUGGEST_FOLLOWEES_SAMPLE_MAX, limit=limit)
    return [Suggestion(account_id=other_id, followed_by_count=score) for other_id, score in rows]
