"""The chronological home feed: the viewer's pushed timeline merged with the posts of followed accounts too
big to fan out, rebuilt from the database when missing; and the fan-out-on-read baseline it is measured
against.

Order and cursor are the social engine's timeline order, (creation time in unix ms, post id) newest first,
for pushed and pulled posts alike, so a cursor is one position in the merged stream: a page holds the
`limit` newest entries strictly older than it, and posts arriving meanwhile are newer, never in between.
"""

from __future__ import annotations

import dataclasses
import functools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, bindparam, literal_column, or_, select

from casebook.apps.instagram import rules
from casebook.apps.instagram.feed import rules as feed_rules
from casebook.apps.instagram.models import CloseFriendRow, PostRow
from casebook.apps.instagram.posts import views
from casebook.engines import social
from casebook.engines.social import predicates
from casebook.platform.cache import Cache
from casebook.platform.db.prepared import PreparedRead
from casebook.platform.db.types import Snowflake, UTCDateTime
from casebook.platform.uow import UnitOfWork

TimelineEntry = social.TimelineEntry
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclasses.dataclass(frozen=True, slots=True)
class FeedResult:
    posts: list[views.PostRead]
    next_cursor: str | None
    entries: list[TimelineEntry]  # the positions the page covered, shown or not (tests, insights)


def _moment(sort_key_ms: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=sort_key_ms)


def _is_older(entry: TimelineEntry, than: TimelineEntry | None) -> bool:
    return than is None or (entry[1], entry[0]) < (than[1], than[0])


def _newest_first(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    return sorted(entries, key=lambda entry: (entry[1], entry[0]), reverse=True)


async def read_chronological(uow: UnitOfWork, *, viewer_id: int, cursor: str | None, limit: int) -> FeedResult:
    """One page of the chronological feed of a signed-in viewer: the timeline's ids from the cache, the pulled
    authors' from one query, and the posts as the viewer may see them (views.show_posts: one more query when
    the page is warm). Nothing here loads the viewer's whole follow list."""
    page = await read_pushed(uow.cache, viewer_id=viewer_id, cursor=cursor, limit=limit)
    entries = await page_entries(uow, viewer_id=viewer_id, cursor=cursor, limit=limit, pushed=page)
    posts = await views.show_posts(uow, viewer_id, [entry[0] for entry in entries])
    return FeedResult(posts=posts, next_cursor=next_cursor_of(entries, limit), entries=entries)


async def read_pushed(cache: Cache, *, viewer_id: int, cursor: str | None, limit: int) -> social.TimelinePage | None:
    """The page of the viewer's pushed timeline, from the cache; None when it must be rebuilt."""
    assert 1 <= limit <= feed_rules.FEED_PAGE_SIZE_MAX
    return await social.timelines.read(cache, network=rules.NETWORK, account_id=viewer_id, before=cursor,
                                       limit=limit)


async def page_entries(uow: UnitOfWork, *, viewer_id: int, cursor: str | None, limit: int,
                       pushed: social.TimelinePage | None) -> list[TimelineEntry]:
    """The page's positions: `pushed` (the timeline's page, or the rebuilt timeline's when None) merged with
    the pulled authors' posts of the same range."""
    position = social.timelines.decode_cursor(cursor)
    if pushed is not None:
        pushed_entries = pushed.items
    else:  # never built, evicted or expired: rebuild from the database, then page in memory
        rebuilt = await rebuild_timeline(uow, viewer_id=viewer_id)
        pushed_entries = [entry for entry in rebuilt if _is_older(entry, position)][:limit]
    pulled = await pulled_entries(uow, viewer_id=viewer_id, before=position, limit=limit,
                                  since=uow.now() - feed_rules.PULLED_WINDOW)
    return social.timelines.merge(pushed_entries, pulled, limit)


def next_cursor_of(entries: list[TimelineEntry], limit: int) -> str | None:
    return social.timelines.encode_cursor(entries[-1]) if len(entries) == limit else None


async def rebuild_timeline(uow: UnitOfWork, *, viewer_id: int) -> list[TimelineEntry]:
    """Fan-out on read, once: the newest REBUILD_ITEMS_MAX posts of the last REBUILD_WINDOW by the viewer and
    the accounts they follow (close-friends posts only from authors whose list has them), stored as the
    viewer's timeline; returned newest first."""
    read_started = uow.now()
    followees = predicates.followees(rules.NETWORK, viewer_id)
    listing_me = select(CloseFriendRow.owner_id).where(CloseFriendRow.friend_id == viewer_id)
    statement = (select(PostRow.id, PostRow.created_at)
                 .where(or_(PostRow.author_id.in_(followees), PostRow.author_id == viewer_id),
                        PostRow.deleted_at.is_(None),
                        PostRow.created_at >= uow.now() - feed_rules.REBUILD_WINDOW,
                        or_(PostRow.visibility != "close_friends", PostRow.author_id == viewer_id,
                            PostRow.author_id.in_(listing_me)))
                 .order_by(PostRow.created_at.desc(), PostRow.id.desc())
                 .limit(feed_rules.REBUILD_ITEMS_MAX))
    rows = (await uow.session.execute(statement)).all()
    entries = _newest_first([social.timelines.entry_of(row.id, row.created_at) for row in rows])
    await social.timelines.rebuild(uow.cache, network=rules.NETWORK, account_id=viewer_id, items=entries)
    # A post committed while this ran was fanned out before the timeline existed, and fan-out skips accounts
    # without one. Read again, in a fresh transaction (a SQLite reader keeps its snapshot), what was published
    # since the first read began, and push it: anything later finds the timeline and is pushed by fan-out.
    async with uow.platform.reader() as fresh:
        late = (await fresh.session.execute(
            statement.where(PostRow.created_at >= read_started - feed_rules.REBUILD_CATCH_UP))).all()
    known = {item_id for item_id, _ in entries}
    for row in late:
        if row.id not in known:
            await social.timelines.push(uow.cache, network=rules.NETWORK, account_ids=[viewer_id], item_id=row.id,
                                        created_at=row.created_at)
            entries.append(social.timelines.entry_of(row.id, row.created_at))
    return _newest_first(entries)


def _pulled_filter(viewer_id: Any, followers_min: Any, since: Any) -> list[ColumnElement[bool]]:
    return [PostRow.author_id.in_(predicates.followed_with_followers_over(rules.NETWORK, viewer_id, followers_min)),
            PostRow.deleted_at.is_(None),
            PostRow.visibility != "close_friends",  # pushed to the list, never pulled
            PostRow.created_at >= since]


@functools.lru_cache(maxsize=4)
def _pulled_page(followers_min: int) -> PreparedRead:
    """The page query of pulled posts, run on the driver (it is part of every feed read). The position is
    always given: a first page asks for posts older than the end of time. The threshold is written into the
    SQL, not bound: PostgreSQL then plans `followers_count > 10000` knowing how few rows pass, and can keep one
    generic plan instead of planning every execution anew (~1 ms)."""
    return PreparedRead(
        select(PostRow.id, PostRow.created_at)
        .where(*_pulled_filter(bindparam("viewer_id", type_=Snowflake()), literal_column(str(int(followers_min))),
                               bindparam("since", type_=UTCDateTime())),
               or_(PostRow.created_at < bindparam("before_at", type_=UTCDateTime()),
                   and_(PostRow.created_at < bindparam("before_next_at", type_=UTCDateTime()),
                        PostRow.id < bindparam("before_id", type_=Snowflake()))))
        .order_by(PostRow.created_at.desc(), PostRow.id.desc())
        .limit(bindparam("rows_max", type_=Integer())))


_END_OF_TIME = (2**63 - 1, int((datetime(9999, 1, 1, tzinfo=UTC) - _EPOCH).total_seconds() * 1000))


async def pulled_entries(uow: UnitOfWork, *, viewer_id: int, before: TimelineEntry | None, limit: int,
                         since: datetime) -> list[TimelineEntry]:
    """The `limit` newest posts older than `before` by followed accounts over the fan-out threshold, in
    timeline order; one query over the (author_id, id) index, two when the page ends inside a millisecond.

    SQL orders by the exact time, the timeline by (millisecond, id): they can differ only among posts of
    one millisecond, so when the row after the page shares the last row's millisecond, that millisecond's
    rows are read whole and the page is cut in timeline order."""
    before_id, before_ms = before if before is not None else _END_OF_TIME
    rows = await _pulled_page(feed_rules.FANOUT_FOLLOWERS_MAX).rows(uow.session, {
        "viewer_id": viewer_id, "since": since,
        "before_at": _moment(before_ms), "before_next_at": _moment(before_ms + 1), "before_id": before_id,
        "rows_max": limit + 1})
    entries = [social.timelines.entry_of(post_id, created_at) for post_id, created_at in rows]
    if len(entries) <= limit or entries[limit][1] != entries[limit - 1][1]:
        return _newest_first(entries[:limit])
    boundary_ms = entries[limit - 1][1]
    ties = (await uow.session.execute(
        select(PostRow.id, PostRow.created_at)
        .where(*_pulled_filter(viewer_id, feed_rules.FANOUT_FOLLOWERS_MAX, since),
               PostRow.created_at >= _moment(boundary_ms), PostRow.created_at < _moment(boundary_ms + 1),
               or_(PostRow.created_at < _moment(before_ms),
                   and_(PostRow.created_at < _moment(before_ms + 1), PostRow.id < before_id)))
        .order_by(PostRow.id.desc()).limit(feed_rules.PULLED_TIES_MAX))).all()
    tied = [social.timelines.entry_of(row.id, row.created_at) for row in ties]
    newer = [entry for entry in entries if entry[1] > boundary_ms]
    return _newest_first(newer + tied)[:limit]


async def feed_by_fanout_on_read(uow: UnitOfWork, viewer_id: int, limit: int) -> list[PostRow]:
    """The naive baseline the benchmark compares against: one query over the posts table of everyone the
    viewer follows, newest first, no timeline (visibility is left to show_posts, as on the real path)."""
    statement = (select(PostRow)
                 .where(PostRow.author_id.in_(predicates.followees(rules.NETWORK, viewer_id)),
                        PostRow.deleted_at.is_(None))
                 .order_by(PostRow.created_at.desc(), PostRow.id.desc())
                 .limit(limit))
    return list((await uow.session.scalars(statement)).all())
