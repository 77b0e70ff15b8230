"""The activity list as its owner reads it: notifications rendered into text with their actors and post,
without what the reader may no longer see (blocked actors, deleted or hidden posts, deleted comments).

A page renders in a fixed number of queries whatever its size: the engine's page, the reader's viewer,
the actors' profiles, the posts with their first media, the comments quoted, and the unread count.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sqlalchemy import select

from casebook.apps.instagram import audience
from casebook.apps.instagram import rules as instagram_rules
from casebook.apps.instagram.inbox import rules
from casebook.apps.instagram.models import CommentRow, PostMediaRow, PostRow, ProfileRow
from casebook.apps.instagram.profiles import service as profiles
from casebook.engines import media, notifications
from casebook.platform.uow import UnitOfWork

NETWORK = instagram_rules.NETWORK
THUMBNAIL_RENDITION = "small"


@dataclasses.dataclass(frozen=True, slots=True)
class Activity:
    """One rendered line of the activity list."""

    notification: notifications.Notification
    text: str
    actors: list[ProfileRow]  # the few kept, newest first, none blocked
    actor_count: int
    post_id: int | None
    thumbnail_url: str | None
    comment_id: int | None


@dataclasses.dataclass(frozen=True, slots=True)
class ActivityPage:
    items: list[Activity]
    next_cursor: str | None
    unread_count: int


async def list_activity(uow: UnitOfWork, *, account_id: int, cursor: str | None = None,
                        limit: int = 20) -> ActivityPage:
    page = await notifications.list_notifications(uow, network=NETWORK, recipient_id=account_id, cursor=cursor,
                                                  limit=limit)
    items = await render(uow, account_id=account_id, found=page.items)
    count = await notifications.unread_count(uow, network=NETWORK, recipient_id=account_id)
    return ActivityPage(items=items, next_cursor=page.next_cursor, unread_count=count)


async def unread_count(uow: UnitOfWork, *, account_id: int) -> int:
    return await notifications.unread_count(uow, network=NETWORK, recipient_id=account_id)


async def mark_read(uow: UnitOfWork, *, account_id: int, ids: list[int] | None) -> tuple[int, int]:
    """Mark the given notifications (all when None) read; (how many changed, unread left)."""
    changed = await notifications.mark_read(uow, network=NETWORK, recipient_id=account_id, ids=ids)
    return changed, await notifications.unread_count(uow, network=NETWORK, recipient_id=account_id)


async def render(uow: UnitOfWork, *, account_id: int,
                 found: Sequence[notifications.Notification]) -> list[Activity]:
    """`found` as the reader may see it, in order; lines with nothing left to show are dropped."""
    if not found:
        return []
    viewer = await audience.load_viewer(uow, account_id)
    actor_profiles = await profiles.profiles_by_id(uow, {i for item in found for i in item.actor_ids})
    post_ids = {item.subject_id for item in found if item.kind in rules.POST_KINDS and item.subject_id is not None}
    posts = await _visible_posts(uow, viewer, post_ids)
    thumbnails = await _thumbnails(uow, list(posts))
    comment_ids = {_comment_id(item) for item in found if item.kind in rules.QUOTING_KINDS} - {None}
    live_comments = set((await uow.session.scalars(select(CommentRow.id).where(
        CommentRow.id.in_(comment_ids)))).all()) if comment_ids else set()
    rendered = []
    for item in found:
        actors = [actor_profiles[i] for i in item.actor_ids if i in actor_profiles and i not in viewer.blocked_ids]
        hidden_actors = len(item.actor_ids) - len(actors)
        post_id = item.subject_id if item.kind in rules.POST_KINDS else None
        if not actors or (post_id is not None and post_id not in posts):
            continue
        comment_id = _comment_id(item)
        if item.kind in ("reply", "comment_mention") and comment_id not in live_comments:
            continue
        excerpt = (item.data or {}).get("excerpt") if comment_id in live_comments else None
        count = item.actor_count - hidden_actors
        rendered.append(Activity(
            notification=item, actors=actors, actor_count=count, post_id=post_id,
            text=rules.notification_text(item.kind, [actor.username for actor in actors], count, excerpt),
            thumbnail_url=thumbnails.get(post_id) if post_id is not None else None,
            comment_id=comment_id if comment_id in live_comments else None))
    return rendered


def _comment_id(item: notifications.Notification) -> int | None:
    value = (item.data or {}).get("comment_id")
    return None if value is None else int(value)


async def _visible_posts(uow: UnitOfWork, viewer: audience.Viewer, post_ids: set[int]) -> dict[int, PostRow]:
    if not post_ids:
        return {}
    rows = (await uow.session.scalars(select(PostRow).where(PostRow.id.in_(post_ids)))).all()
    return {post.id: post for post in await audience.visible_posts(uow, viewer, rows)}


async def _thumbnails(uow: UnitOfWork, post_ids: list[int]) -> dict[int, str]:
    """The first media item's small rendition (a video's small poster) per post, once it is ready."""
    if not post_ids:
        return {}
    firsts: dict[int, int] = {}
    for post_id, media_id in (await uow.session.execute(select(PostMediaRow.post_id, PostMediaRow.media_id).where(
            PostMediaRow.post_id.in_(post_ids)).order_by(PostMediaRow.post_id, PostMediaRow.position))).all():
        firsts.setdefault(post_id, media_id)  # carousels hold at most 10 items: the rest are few rows
    assets = await media.get_assets(uow, ids=firsts.values())
    thumbnails = {}
    for post_id, media_id in firsts.items():
        asset = assets.get(media_id)
        if asset is None or not asset.is_ready:
            continue
        urls = media.rendition_urls(uow.platform.blobs, asset)
        url = urls.get(THUMBNAIL_RENDITION) or urls.get(f"poster-{THUMBNAIL_RENDITION}")
        if url is not None:
            thumbnails[post_id] = url
    return thumbnails
