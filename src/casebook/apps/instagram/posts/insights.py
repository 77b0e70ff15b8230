"""Post insights: impressions (times shown) and reach (distinct viewers) from views recorded off the
request's path, plus the post's counters; the author's own views never count."""

from __future__ import annotations

import asyncio
import dataclasses
import weakref
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import structlog
from sqlalchemy import func, select

from casebook.apps.instagram.models import PostRow, PostViewRow
from casebook.apps.instagram.posts import repository
from casebook.apps.instagram.posts.errors import PostNotFound
from casebook.platform.batching import GroupCommitter
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

log = structlog.get_logger(__name__)

VIEWS_PER_CALL_MAX = 100  # one feed page
VIEW_QUEUE_MAX = 16_384  # pages of views waiting for the writer; past it new views are dropped, not waited for
VIEW_BATCH_MAX = 8_192  # pages of views per transaction; they fold into one upsert row per (post, viewer)
# The writer gathers views for this long before it writes: a reader scrolling or refreshing is one row, not
# one per page, and the event loop runs one short write a beat instead of many (a crash loses at most this).
VIEW_LINGER_S = 0.5


@dataclasses.dataclass(frozen=True, slots=True)
class PageView:
    """One reader shown some posts at one moment (a feed page, a post page): one queue item, however many."""

    viewer_id: int
    post_ids: tuple[int, ...]
    seen_at: datetime


class _Recorder:
    """One group-commit writer per platform, and the views it has not committed yet (for `flush`)."""

    def __init__(self, platform: Platform) -> None:
        self.committer: GroupCommitter[PageView, None] = GroupCommitter(
            platform, name="instagram.post_views", commit_batch=commit_views, batch_max=VIEW_BATCH_MAX,
            linger_s=VIEW_LINGER_S, queue_max=VIEW_QUEUE_MAX)
        self.pending: set[asyncio.Future[None]] = set()
        self.dropped = 0

    def settle(self, future: asyncio.Future[None]) -> None:
        self.pending.discard(future)
        if not future.cancelled() and future.exception() is not None:
            log.warning("post_views_lost", error=repr(future.exception()))


_recorders: weakref.WeakKeyDictionary[Platform, _Recorder] = weakref.WeakKeyDictionary()


def _recorder(platform: Platform) -> _Recorder:
    recorder = _recorders.get(platform)
    if recorder is None:
        recorder = _recorders[platform] = _Recorder(platform)
    return recorder


async def record_views(platform: Platform, viewer_id: int | None, post_ids: Iterable[int]) -> None:
    """Count that `viewer_id` was shown `post_ids`. Returns at once: the views are written in batches by one
    writer; when it is VIEW_QUEUE_MAX pages behind, views are dropped (insights are estimates, feeds are not)."""
    shown = tuple(dict.fromkeys(post_ids))[:VIEWS_PER_CALL_MAX]
    if viewer_id is None or not shown:
        return
    recorder = _recorder(platform)
    if recorder.committer.queue.full():
        recorder.dropped += len(shown)
        return
    future = await recorder.committer.enqueue(PageView(viewer_id=viewer_id, post_ids=shown,
                                                       seen_at=platform.clock.now()))
    recorder.pending.add(future)
    future.add_done_callback(recorder.settle)


async def flush(platform: Platform) -> None:
    """Wait until every view recorded so far is committed (tests, and shutdown of a benchmark)."""
    recorder = _recorders.get(platform)
    if recorder is not None and recorder.pending:
        await asyncio.gather(*list(recorder.pending), return_exceptions=True)


async def commit_views(uow: UnitOfWork, pages: Sequence[PageView]) -> list[None]:
    """Fold the batch into one row per (post, viewer), skip the authors' own and deleted posts, and upsert
    them in one statement, in key order (concurrent writers in other processes lock rows in the same order)."""
    post_ids = {post_id for page in pages for post_id in page.post_ids}
    authors = dict((await uow.session.execute(select(PostRow.id, PostRow.author_id).where(
        PostRow.id.in_(post_ids), PostRow.deleted_at.is_(None)))).all())
    folded: dict[tuple[int, int], tuple[int, datetime, datetime]] = {}
    for page in pages:
        for post_id in page.post_ids:
            if authors.get(post_id) in (None, page.viewer_id):
                continue
            key = (post_id, page.viewer_id)
            count, first, last = folded.get(key, (0, page.seen_at, page.seen_at))
            folded[key] = (count + 1, min(first, page.seen_at), max(last, page.seen_at))
    if not folded:
        return [None] * len(pages)
    statement = repository.insert_for(uow.session, PostViewRow)
    statement = statement.on_conflict_do_update(
        index_elements=["post_id", "viewer_id"],
        set_={"count": PostViewRow.count + statement.excluded.count, "last_seen_at": statement.excluded.last_seen_at})
    await uow.session.execute(statement, [
        {"post_id": post_id, "viewer_id": viewer_id, "count": count, "first_seen_at": first, "last_seen_at": last}
        for (post_id, viewer_id), (count, first, last) in sorted(folded.items())])
    return [None] * len(pages)


@dataclasses.dataclass(frozen=True, slots=True)
class Insights:
    post: PostRow
    impressions: int
    reach: int


async def post_insights(uow: UnitOfWork, *, author_id: int, post_id: int) -> Insights:
    """The author's view of a post's numbers; anyone else gets PostNotFound."""
    post = await uow.session.get(PostRow, post_id)
    if post is None or post.deleted_at is not None or post.author_id != author_id:
        raise PostNotFound("No such post of yours.")
    impressions, reach = (await uow.session.execute(select(
        func.coalesce(func.sum(PostViewRow.count), 0), func.count()).where(PostViewRow.post_id == post.id))).one()
    return Insights(post=post, impressions=int(impressions), reach=int(reach))
