"""Likes and saves: idempotent toggles whose counters move only when a row really came or went, and the
likers and saved lists."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlalchemy import delete, select, tuple_

from casebook.apps.instagram import audience, events
from casebook.apps.instagram.models import LikeRow, PostRow, ProfileRow, SaveRow
from casebook.apps.instagram.posts import reading, repository, views
from casebook.apps.instagram.posts import rules as post_rules
from casebook.apps.instagram.posts.errors import PostNotFound
from casebook.apps.instagram.profiles import service as profiles
from casebook.platform.http.pagination import Cursors
from casebook.platform.uow import UnitOfWork


async def like_post(uow: UnitOfWork, *, account_id: int, post_id: int) -> PostRow:
    """Like a post the caller may see; liking twice is one like (POST_LIKED only for the first)."""
    viewer = await audience.load_viewer(uow, account_id)
    post = await reading.get_visible_post(uow, viewer, post_id)
    if await repository.insert_once(uow, LikeRow, {"post_id": post.id, "account_id": account_id,
                                                   "created_at": uow.now()}, key=LikeRow.post_id):
        await repository.bump_post(uow, post.id, like_count=+1)
        uow.publish(events.POST_LIKED, {"post_id": post.id, "author_id": post.author_id, "liker_id": account_id})
    return await _reloaded(uow, post.id)


async def unlike_post(uow: UnitOfWork, *, account_id: int, post_id: int) -> PostRow:
    viewer = await audience.load_viewer(uow, account_id)
    post = await reading.get_visible_post(uow, viewer, post_id)
    removed = (await uow.session.execute(delete(LikeRow).where(
        LikeRow.post_id == post.id, LikeRow.account_id == account_id).returning(LikeRow.post_id))).first()
    if removed is not None:
        await repository.bump_post(uow, post.id, like_count=-1)
        uow.publish(events.POST_UNLIKED, {"post_id": post.id, "author_id": post.author_id, "liker_id": account_id})
    return await _reloaded(uow, post.id)


async def save_post(uow: UnitOfWork, *, account_id: int, post_id: int) -> PostRow:
    """Bookmark a post the caller may see; saving twice is one save."""
    viewer = await audience.load_viewer(uow, account_id)
    post = await reading.get_visible_post(uow, viewer, post_id)
    if await repository.insert_once(uow, SaveRow, {"account_id": account_id, "post_id": post.id,
                                                   "created_at": uow.now()}, key=SaveRow.post_id):
        await repository.bump_post(uow, post.id, save_count=+1)
        uow.publish(events.POST_SAVED, {"post_id": post.id, "author_id": post.author_id, "saver_id": account_id})
    return await _reloaded(uow, post.id)


async def unsave_post(uow: UnitOfWork, *, account_id: int, post_id: int) -> PostRow:
    viewer = await audience.load_viewer(uow, account_id)
    post = await reading.get_visible_post(uow, viewer, post_id)
    removed = (await uow.session.execute(delete(SaveRow).where(
        SaveRow.account_id == account_id, SaveRow.post_id == post.id).returning(SaveRow.post_id))).first()
    if removed is not None:
        await repository.bump_post(uow, post.id, save_count=-1)
        uow.publish(events.POST_UNSAVED, {"post_id": post.id, "author_id": post.author_id, "saver_id": account_id})
    return await _reloaded(uow, post.id)


async def _reloaded(uow: UnitOfWork, post_id: int) -> PostRow:
    """The post with the counters the UPDATE just set (the ORM copy predates them). The UPDATE waited for
    any concurrent delete of the post, so a post deleted meanwhile is seen here and the change rolls back."""
    post = await uow.session.get(PostRow, post_id, populate_existing=True)
    if post is None or post.deleted_at is not None:
        raise PostNotFound("No such post.")
    return post


@dataclasses.dataclass(frozen=True, slots=True)
class LikersPage:
    profiles: list[ProfileRow]
    next_cursor: str | None


async def list_likers(uow: UnitOfWork, *, viewer: audience.Viewer, post_id: int, cursor: str | None,
                      limit: int) -> LikersPage:
    """Who liked a visible post, newest first; accounts blocked either way with the viewer are left out."""
    post = await reading.get_visible_post(uow, viewer, post_id)
    cursors = Cursors(uow.platform.settings.secret_key)
    position = cursors.decode(cursor)
    statement = select(LikeRow.account_id, LikeRow.created_at).where(LikeRow.post_id == post.id)
    if viewer.blocked_ids:
        statement = statement.where(LikeRow.account_id.not_in(viewer.blocked_ids))
    if position is not None:
        statement = statement.where(tuple_(LikeRow.created_at, LikeRow.account_id) < (
            datetime.fromisoformat(position["at"]), int(position["id"])))
    rows = (await uow.session.execute(statement.order_by(LikeRow.created_at.desc(), LikeRow.account_id.desc())
                                      .limit(limit + 1))).all()
    next_cursor = None
    if len(rows) > limit:
        last_id, last_at = rows[limit - 1]
        next_cursor = cursors.encode({"at": last_at.isoformat(), "id": str(last_id)})
    found = await profiles.profiles_by_id(uow, [account_id for account_id, _at in rows[:limit]])
    return LikersPage(profiles=[found[account_id] for account_id, _at in rows[:limit] if account_id in found],
                      next_cursor=next_cursor)


@dataclasses.dataclass(frozen=True, slots=True)
class SavedPage:
    posts: list[PostRow]  # still to be filtered by what the viewer may see (hydrate_posts does)
    next_cursor: str | None


async def list_saved(uow: UnitOfWork, *, account_id: int, cursor: str | None, limit: int) -> SavedPage:
    """The caller's saved posts, newest save first; deleted posts are skipped."""
    limit = min(limit, post_rules.HYDRATE_POSTS_MAX)
    cursors = Cursors(uow.platform.settings.secret_key)
    position = cursors.decode(cursor)
    statement = select(SaveRow.post_id, SaveRow.created_at).where(SaveRow.account_id == account_id)
    if position is not None:
        statement = statement.where(tuple_(SaveRow.created_at, SaveRow.post_id) < (
            datetime.fromisoformat(position["at"]), int(position["id"])))
    rows = (await uow.session.execute(statement.order_by(SaveRow.created_at.desc(), SaveRow.post_id.desc())
                                      .limit(limit + 1))).all()
    next_cursor = None
    if len(rows) > limit:
        last_id, last_at = rows[limit - 1]
        next_cursor = cursors.encode({"at": last_at.isoformat(), "id": str(last_id)})
    return SavedPage(posts=await views.load_posts(uow, [post_id for post_id, _at in rows[:limit]]),
                     next_cursor=next_cursor)
