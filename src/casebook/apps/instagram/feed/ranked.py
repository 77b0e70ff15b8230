"""The ranked home feed: recent candidates from the same merged source as the chronological feed, scored
on recency, engagement and the viewer's affinity with the author (feed/rules.py), and frozen.

The first page ranks and stores the order in the cache under a snapshot id for RANKED_SNAPSHOT_TTL_S;
later pages read slices of it (cursor = snapshot id + offset), so scrolling never repeats or skips even as
scores move. An expired snapshot is a 422 `feed_expired`: the client starts again from the top.
"""

from __future__ import annotations

import msgspec
from sqlalchemy import func, select, union_all

from casebook.apps.instagram import audience, rules
from casebook.apps.instagram.feed import rules as feed_rules
from casebook.apps.instagram.feed.timeline import FeedResult, TimelineEntry, pulled_entries, rebuild_timeline
from casebook.apps.instagram.models import CommentRow, LikeRow, PostRow
from casebook.apps.instagram.posts import views
from casebook.engines import social
from casebook.platform.errors import Invalid
from casebook.platform.http.pagination import Cursors
from casebook.platform.uow import UnitOfWork


class FeedExpired(Invalid):
    code = "feed_expired"


class _Position(msgspec.Struct, frozen=True):
    snapshot_id: int
    offset: int


def _snapshot_key(viewer_id: int, snapshot_id: int) -> str:
    return f"feed:{rules.NETWORK}:ranked:{viewer_id}:{snapshot_id}"


async def read_ranked(uow: UnitOfWork, *, viewer: audience.Viewer, cursor: str | None, limit: int) -> FeedResult:
    """One page of the ranked feed; the first page (no cursor) ranks and freezes the order."""
    assert viewer.account_id is not None
    assert 1 <= limit <= feed_rules.FEED_PAGE_SIZE_MAX
    cursors = Cursors(uow.platform.settings.secret_key)
    position = cursors.decode(cursor, type=_Position)
    if position is None:
        ranked_ids = await rank_candidates(uow, viewer=viewer)
        position = _Position(snapshot_id=uow.new_id(), offset=0)
        await uow.cache.set(_snapshot_key(viewer.account_id, position.snapshot_id),
                            msgspec.json.encode(ranked_ids), ttl_s=feed_rules.RANKED_SNAPSHOT_TTL_S)
    else:
        stored = await uow.cache.get(_snapshot_key(viewer.account_id, position.snapshot_id))
        if stored is None:
            raise FeedExpired("This ranked feed has expired; load it again from the top.", field="cursor")
        ranked_ids = msgspec.json.decode(stored, type=list[int])
    page_ids = ranked_ids[position.offset:position.offset + limit]
    posts = await views.hydrate_posts(uow, viewer, await views.load_posts(uow, page_ids))
    end = position.offset + len(page_ids)
    next_cursor = cursors.encode({"snapshot_id": position.snapshot_id, "offset": end}) \
        if end < len(ranked_ids) else None
    return FeedResult(posts=posts, next_cursor=next_cursor, entries=[])


async def rank_candidates(uow: UnitOfWork, *, viewer: audience.Viewer) -> list[int]:
    """Post ids of up to RANKED_CANDIDATES_MAX visible posts of the last RANKED_WINDOW, best first."""
    assert viewer.account_id is not None
    now = uow.now()
    since = now - feed_rules.RANKED_WINDOW
    since_ms = social.timelines.sort_key_of(since)
    pushed = await _recent_timeline(uow, viewer=viewer, since_ms=since_ms)
    pulled = await pulled_entries(uow, viewer_id=viewer.account_id, before=None,
                                  limit=feed_rules.RANKED_CANDIDATES_MAX, since=since)
    entries = social.timelines.merge(pushed, pulled, feed_rules.RANKED_CANDIDATES_MAX)
    posts = await audience.visible_posts(uow, viewer, await views.load_posts(uow, [entry[0] for entry in entries]))
    interactions = await _interactions_by_author(uow, viewer_id=viewer.account_id, posts=posts)
    scored = sorted(posts, reverse=True, key=lambda post: (feed_rules.score(
        age_h=feed_rules.age_hours(post.created_at, now), like_count=post.like_count,
        comment_count=post.comment_count, save_count=post.save_count,
        interaction_count=0 if post.author_id == viewer.account_id else interactions.get(post.author_id, 0)),
        post.id))
    return [post.id for post in scored]


async def _recent_timeline(uow: UnitOfWork, *, viewer: audience.Viewer, since_ms: int) -> list[TimelineEntry]:
    """The timeline's entries newer than `since_ms`, at most RANKED_CANDIDATES_MAX (a page of reads)."""
    assert viewer.account_id is not None
    entries: list[TimelineEntry] = []
    cursor = None
    while len(entries) < feed_rules.RANKED_CANDIDATES_MAX:
        page = await social.timelines.read(uow.cache, network=rules.NETWORK, account_id=viewer.account_id,
                                           before=cursor, limit=social.limits.TIMELINE_PAGE_MAX)
        if page is None:
            rebuilt = await rebuild_timeline(uow, viewer_id=viewer.account_id)
            return [entry for entry in rebuilt if entry[1] >= since_ms][:feed_rules.RANKED_CANDIDATES_MAX]
        fresh = [entry for entry in page.items if entry[1] >= since_ms]
        entries.extend(fresh)
        if page.next_cursor is None or len(fresh) < len(page.items):
            break
        cursor = page.next_cursor
    return entries[:feed_rules.RANKED_CANDIDATES_MAX]


async def _interactions_by_author(uow: UnitOfWork, *, viewer_id: int, posts: list[PostRow]) -> dict[int, int]:
    """How often the viewer recently liked or commented on each candidate author's posts, in one query:
    their likes on the AFFINITY_ROWS_MAX newest posts they liked within AFFINITY_WINDOW (the likes index
    (account_id, post_id) serves it), plus their comments on the candidate posts."""
    author_ids = {post.author_id for post in posts} - {viewer_id}
    if not author_ids:
        return {}
    since = uow.now() - feed_rules.AFFINITY_WINDOW
    likes = (select(LikeRow.post_id).where(LikeRow.account_id == viewer_id, LikeRow.created_at >= since)
             .order_by(LikeRow.post_id.desc()).limit(feed_rules.AFFINITY_ROWS_MAX).subquery())
    comments = (select(CommentRow.post_id).where(CommentRow.post_id.in_([post.id for post in posts]),
                                                 CommentRow.author_id == viewer_id, CommentRow.created_at >= since)
                .limit(feed_rules.AFFINITY_ROWS_MAX).subquery())
    touched = union_all(select(likes.c.post_id), select(comments.c.post_id)).subquery()
    statement = (select(PostRow.author_id, func.count())
                 .join(touched, touched.c.post_id == PostRow.id)
                 .where(PostRow.author_id.in_(author_ids))
                 .group_by(PostRow.author_id))
    return {author_id: count for author_id, count in (await uow.session.execute(statement)).all()}
