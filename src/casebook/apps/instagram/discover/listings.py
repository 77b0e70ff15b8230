"""Hashtag and place pages: the tag or place, and its posts newest first, only those the viewer may see."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from sqlalchemy import select

from casebook.apps.instagram import audience
from casebook.apps.instagram.discover import limits
from casebook.apps.instagram.discover.errors import HashtagNotFound, PlaceNotFound
from casebook.apps.instagram.models import HashtagRow, PlaceRow, PostHashtagRow, PostRow
from casebook.apps.instagram.posts import views
from casebook.platform.uow import UnitOfWork

SubjectT = TypeVar("SubjectT")
# (before post id or None, how many) -> posts newest first
FetchPosts = Callable[[int | None, int], Awaitable[Sequence[PostRow]]]


@dataclasses.dataclass(frozen=True, slots=True)
class Listing(Generic[SubjectT]):
    subject: SubjectT  # the HashtagRow or PlaceRow
    posts: list[views.PostRead]
    next_before_id: int | None  # resume after this post id; None: nothing further


def normalize_tag(tag: str) -> str:
    return tag.strip().lstrip("#").lower()


async def hashtag_listing(uow: UnitOfWork, *, viewer: audience.Viewer, tag: str, before_id: int | None,
                          limit: int) -> Listing[HashtagRow]:
    """The tag with its post count and a page of its visible posts (keyset over (tag, post_id))."""
    name = normalize_tag(tag)
    hashtag = await uow.session.get(HashtagRow, name) if name else None
    if hashtag is None:
        raise HashtagNotFound(f"No posts tagged #{name[:100]}.")

    async def fetch(before: int | None, count: int) -> Sequence[PostRow]:
        statement = (select(PostRow).join(PostHashtagRow, PostHashtagRow.post_id == PostRow.id)
                     .where(PostHashtagRow.tag == name, PostRow.deleted_at.is_(None)))
        if before is not None:
            statement = statement.where(PostHashtagRow.post_id < before)
        return (await uow.session.scalars(statement.order_by(PostHashtagRow.post_id.desc()).limit(count))).all()

    posts, next_before_id = await _visible_page(uow, viewer, fetch, before_id=before_id, limit=limit)
    return Listing(hashtag, posts, next_before_id)


async def place_listing(uow: UnitOfWork, *, viewer: audience.Viewer, place_id: int, before_id: int | None,
                        limit: int) -> Listing[PlaceRow]:
    """The place and a page of its visible posts (keyset over the (place_id, id) index)."""
    place = await uow.session.get(PlaceRow, place_id)
    if place is None:
        raise PlaceNotFound("No such place.")

    async def fetch(before: int | None, count: int) -> Sequence[PostRow]:
        statement = select(PostRow).where(PostRow.place_id == place_id, PostRow.deleted_at.is_(None))
        if before is not None:
            statement = statement.where(PostRow.id < before)
        return (await uow.session.scalars(statement.order_by(PostRow.id.desc()).limit(count))).all()

    posts, next_before_id = await _visible_page(uow, viewer, fetch, before_id=before_id, limit=limit)
    return Listing(place, posts, next_before_id)


async def _visible_page(uow: UnitOfWork, viewer: audience.Viewer, fetch: FetchPosts, *, before_id: int | None,
                        limit: int) -> tuple[list[views.PostRead], int | None]:
    """Scan newest first until `limit` visible posts or LISTING_SCAN_ROWS_MAX rows; the cursor resumes right
    after the last post shown, or after the last row scanned when the scan stopped early."""
    shown: list[PostRow] = []
    scanned, position = 0, before_id
    while scanned < limits.LISTING_SCAN_ROWS_MAX:
        count = min(limits.LISTING_SCAN_BATCH_ROWS, limits.LISTING_SCAN_ROWS_MAX - scanned)
        rows = await fetch(position, count)
        scanned += len(rows)
        visible_ids = {post.id for post in await audience.visible_posts(uow, viewer, rows)}
        for post in rows:
            if post.id in visible_ids:
                shown.append(post)
                if len(shown) == limit:
                    return await views.hydrate_posts(uow, viewer, shown), post.id
        if len(rows) < count:
            return await views.hydrate_posts(uow, viewer, shown), None
        position = rows[-1].id
    return await views.hydrate_posts(uow, viewer, shown), position
