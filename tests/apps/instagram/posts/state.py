"""What the posts tests compare before and after a refused request: every row count and counter."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from casebook.apps.instagram.models import (
    CommentRow,
    HashtagRow,
    LikeRow,
    MentionRow,
    PlaceRow,
    PostHashtagRow,
    PostMediaRow,
    PostRow,
    PostViewRow,
    ProfileRow,
    SaveRow,
    UserTagRow,
)
from casebook.engines.media.models import MediaAssetRow
from casebook.platform.bus.models import OutboxRow

_COUNTED = (PostRow, PostMediaRow, UserTagRow, MentionRow, HashtagRow, PostHashtagRow, PlaceRow, LikeRow,
            CommentRow, SaveRow, PostViewRow, MediaAssetRow)


async def snapshot(platform: Any) -> dict[str, Any]:
    """Row counts of every table posts write, every counter, and the Instagram events in the outbox."""
    async with platform.reader() as uow:
        session = uow.session
        state: dict[str, Any] = {model.__tablename__: await session.scalar(select(func.count()).select_from(model))
                                 for model in _COUNTED}
        state["posts"] = sorted((await session.execute(select(
            PostRow.id, PostRow.caption, PostRow.visibility, PostRow.like_count, PostRow.comment_count,
            PostRow.save_count, PostRow.deleted_at))).all())
        state["posts_count"] = sorted((await session.execute(select(ProfileRow.username, ProfileRow.posts_count))).all())
        state["hashtags"] = sorted((await session.execute(select(HashtagRow.tag, HashtagRow.post_count))).all())
        state["places"] = sorted((await session.execute(select(PlaceRow.place_key, PlaceRow.post_count))).all())
        state["replies"] = sorted((await session.execute(select(CommentRow.id, CommentRow.reply_count))).all())
        state["events"] = await session.scalar(select(func.count()).select_from(OutboxRow).where(
            OutboxRow.subject.like("casebook.instagram.%")))
    return state


async def events_of(platform: Any, subject: str) -> list[dict]:
    async with platform.reader() as uow:
        return list((await uow.session.scalars(select(OutboxRow.payload).where(
            OutboxRow.subject == "casebook.instagram." + subject).order_by(OutboxRow.id))).all())


async def counters_match_rows(platform: Any) -> None:
    """Every post's like, comment and save counter equals COUNT(*) of its rows; reply counts likewise."""
    async with platform.reader() as uow:
        session = uow.session
        for post in (await session.scalars(select(PostRow))).all():
            likes = await session.scalar(select(func.count()).select_from(LikeRow).where(LikeRow.post_id == post.id))
            comments = await session.scalar(select(func.count()).select_from(CommentRow).where(
                CommentRow.post_id == post.id))
            saves = await session.scalar(select(func.count()).select_from(SaveRow).where(SaveRow.post_id == post.id))
            assert (post.like_count, post.comment_count, post.save_count) == (likes, comments, saves), post.id
        for comment in (await session.scalars(select(CommentRow).where(CommentRow.parent_id.is_(None)))).all():
            replies = await session.scalar(select(func.count()).select_from(CommentRow).where(
                CommentRow.parent_id == comment.id))
            assert comment.reply_count == replies, comment.id
