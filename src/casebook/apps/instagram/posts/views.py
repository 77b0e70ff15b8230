"""Posts as a viewer sees them: `load_posts` by id and `hydrate_posts` into `PostRead`, in a fixed number of
queries whatever the page size (the feed, explore, grids, saved and the post page all use it)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select

from casebook.apps.instagram import audience, rules
from casebook.apps.instagram.models import (
    LikeRow,
    PlaceRow,
    PostMediaRow,
    PostRow,
    ProfileRow,
    SaveRow,
    UserTagRow,
)
from casebook.apps.instagram.posts.rules import HYDRATE_POSTS_MAX
from casebook.apps.instagram.schemas import AccountSummary, Schema
from casebook.engines import media
from casebook.engines.media import limits as media_limits
from casebook.platform.uow import UnitOfWork


class UserTagRead(Schema):
    account: AccountSummary
    x: float
    y: float


class PostMediaRead(Schema):
    id: str
    kind: str  # image | video
    state: str  # processing | ready | failed
    width: int
    height: int
    duration_ms: int | None
    urls: dict[str, str]  # large/medium/small for photos; mp4 and poster-<size> for videos
    user_tags: list[UserTagRead]


class PlaceRead(Schema):
    id: str
    name: str
    latitude: float | None
    longitude: float | None


class PostRead(Schema):
    id: str
    author: AccountSummary
    caption: str
    hashtags: list[str]
    visibility: str
    media: list[PostMediaRead]
    location: PlaceRead | None
    like_count: int
    comment_count: int
    save_count: int
    viewer_has_liked: bool
    viewer_has_saved: bool
    created_at: datetime
    edited_at: datetime | None


async def load_posts(uow: UnitOfWork, ids: Iterable[int]) -> list[PostRow]:
    """The posts of `ids` in that order, in one query; missing and deleted ones are skipped."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    rows = (await uow.session.scalars(select(PostRow).where(PostRow.id.in_(wanted),
                                                            PostRow.deleted_at.is_(None)))).all()
    found = {row.id: row for row in rows}
    return [found[post_id] for post_id in wanted if post_id in found]


async def hydrate_posts(uow: UnitOfWork, viewer: audience.Viewer, posts: Sequence[PostRow]) -> list[PostRead]:
    """`posts` as `viewer` sees them, order kept, invisible ones dropped; seven queries for a page of up to
    HYDRATE_POSTS_MAX posts (a longer list is done a page at a time). Rendition URLs are signed for now."""
    if len(posts) > HYDRATE_POSTS_MAX:
        return [read for start in range(0, len(posts), HYDRATE_POSTS_MAX)
                for read in await hydrate_posts(uow, viewer, posts[start:start + HYDRATE_POSTS_MAX])]
    candidates = [post for post in posts if post.deleted_at is None]
    if not candidates:
        return []
    post_ids = [post.id for post in candidates]
    media_rows = (await uow.session.scalars(select(PostMediaRow).where(PostMediaRow.post_id.in_(post_ids))
                                            .order_by(PostMediaRow.post_id, PostMediaRow.position))).all()
    tag_rows = (await uow.session.scalars(select(UserTagRow).where(UserTagRow.post_id.in_(post_ids)))).all()
    profiles = await _profiles(uow, {post.author_id for post in candidates} | {tag.account_id for tag in tag_rows})
    shown = [post for post in candidates if post.author_id in profiles and viewer.can_see_post(
        post, author_is_private=profiles[post.author_id].is_private)]
    if not shown:
        return []
    shown_ids = [post.id for post in shown]
    asset_ids = [row.media_id for row in media_rows] + [
        profile.avatar_media_id for profile in profiles.values() if profile.avatar_media_id is not None]
    assets = await _assets(uow, asset_ids)
    place_ids = {post.place_id for post in shown if post.place_id is not None}
    places = {} if not place_ids else {row.id: row for row in (await uow.session.scalars(
        select(PlaceRow).where(PlaceRow.id.in_(place_ids)))).all()}
    liked: set[int] = set()
    saved: set[int] = set()
    if viewer.account_id is not None:
        liked = set((await uow.session.scalars(select(LikeRow.post_id).where(
            LikeRow.account_id == viewer.account_id, LikeRow.post_id.in_(shown_ids)))).all())
        saved = set((await uow.session.scalars(select(SaveRow.post_id).where(
            SaveRow.account_id == viewer.account_id, SaveRow.post_id.in_(shown_ids)))).all())
    blobs = uow.platform.blobs
    urls = {asset_id: media.rendition_urls(blobs, asset) for asset_id, asset in assets.items()}
    summaries = {account_id: _summary(profile, urls) for account_id, profile in profiles.items()}
    media_by_post: dict[int, list[PostMediaRow]] = {}
    for row in media_rows:
        media_by_post.setdefault(row.post_id, []).append(row)
    tags_by_item: dict[tuple[int, int], list[UserTagRow]] = {}
    for tag in tag_rows:
        if tag.account_id in summaries and tag.account_id not in viewer.blocked_ids:
            tags_by_item.setdefault((tag.post_id, tag.position), []).append(tag)
    return [PostRead(
        id=str(post.id), author=summaries[post.author_id], caption=post.caption,
        hashtags=rules.hashtags_in(post.caption), visibility=post.visibility,
        media=[_media_read(row, assets.get(row.media_id), urls, summaries, tags_by_item.get((post.id, row.position), []))
               for row in media_by_post.get(post.id, [])],
        location=_place_read(places.get(post.place_id)) if post.place_id is not None else None,
        like_count=post.like_count, comment_count=post.comment_count, save_count=post.save_count,
        viewer_has_liked=post.id in liked, viewer_has_saved=post.id in saved,
        created_at=post.created_at, edited_at=post.edited_at) for post in shown]


async def _profiles(uow: UnitOfWork, account_ids: set[int]) -> dict[int, ProfileRow]:
    rows = (await uow.session.scalars(select(ProfileRow).where(ProfileRow.account_id.in_(account_ids)))).all()
    return {row.account_id: row for row in rows}


async def _assets(uow: UnitOfWork, asset_ids: list[int]) -> dict[int, media.MediaAsset]:
    """One query for a usual page; a page of full carousels with many tagged people takes a few."""
    wanted = list(dict.fromkeys(asset_ids))
    found: dict[int, media.MediaAsset] = {}
    step = media_limits.ASSETS_PER_QUERY_MAX
    for start in range(0, len(wanted), step):
        found.update(await media.get_assets(uow, ids=wanted[start:start + step]))
    return found


def _summary(profile: ProfileRow, urls: dict[int, dict[str, str]]) -> AccountSummary:
    avatar = urls.get(profile.avatar_media_id, {}) if profile.avatar_media_id is not None else {}
    return AccountSummary.from_profile(profile, avatar_url=avatar.get("small") or avatar.get("medium"))


def _media_read(row: PostMediaRow, asset: media.MediaAsset | None, urls: dict[int, dict[str, str]],
                summaries: dict[int, AccountSummary], tags: list[UserTagRow]) -> PostMediaRead:
    user_tags = [UserTagRead(account=summaries[tag.account_id], x=tag.x, y=tag.y) for tag in tags]
    if asset is None:  # the asset was deleted from the media library: the slot stays, empty
        return PostMediaRead(id=str(row.media_id), kind="image", state="failed", width=0, height=0,
                             duration_ms=None, urls={}, user_tags=user_tags)
    return PostMediaRead(id=str(asset.id), kind=asset.kind, state=asset.state, width=asset.width,
                         height=asset.height, duration_ms=asset.duration_ms, urls=urls.get(asset.id, {}),
                         user_tags=user_tags)


def _place_read(place: PlaceRow | None) -> PlaceRead | None:
    if place is None:
        return None
    return PlaceRead(id=str(place.id), name=place.name, latitude=place.latitude, longitude=place.longitude)
