"""The half of a post that never changes once it is published, kept in the process: its media (with the
signed URLs of the current URL window), its place and who is tagged where; and the signed URLs of avatars.

A post's media list, place and user tags are fixed at publishing (an edit changes only the caption and the
visibility), and its rendition URLs are identical for a whole URL window (engines/media signs against the
window, not the moment). So a body built once serves every reader in this process until the window turns;
nothing needs invalidating, and a deleted post is never shown because the fresh half of the read (views.py)
no longer finds it. A body is kept only once its media are settled (ready or failed): a photo still rendering
is read again next time. Memory is bounded by an LRU of BODIES_MAX posts and AVATARS_MAX avatars. (The media
engine's `delete_asset`, which no Instagram path calls, would leave a kept body naming a deleted asset's
URLs until the window turns.)
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from sqlalchemy import select

from casebook.apps.instagram.models import PlaceRow, PostMediaRow, PostRow, UserTagRow
from casebook.apps.instagram.posts.post_read import PlaceRead, PostMediaRead
from casebook.engines import media
from casebook.engines.media import limits as media_limits
from casebook.platform.state import PerPlatform
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

BODIES_MAX = 10_000  # a few KB each: tens of MB at most
AVATARS_MAX = 20_000
SETTLED_STATES = ("ready", "failed")

Value = TypeVar("Value")


@dataclasses.dataclass(frozen=True, slots=True)
class TaggedPerson:
    account_id: int
    x: float
    y: float


@dataclasses.dataclass(frozen=True, slots=True)
class BodyItem:
    """One carousel slot: its media as shown (without user tags, which depend on the reader) and its tags."""

    media: PostMediaRead
    tags: tuple[TaggedPerson, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class PostBody:
    items: tuple[BodyItem, ...]
    location: PlaceRead | None
    settled: bool  # every asset ready or failed: safe to keep
    tagged_ids: frozenset[int]


class _WindowedLru(Generic[Value]):
    """An LRU map whose entries belong to one URL window; an entry of an earlier window is a miss."""

    def __init__(self, items_max: int) -> None:
        self.items_max = items_max
        self._items: OrderedDict[int, tuple[int, Value]] = OrderedDict()

    def get(self, key: int, window: int) -> Value | None:
        item = self._items.get(key)
        if item is None or item[0] != window:
            return None
        return item[1]

    def split(self, keys: Iterable[int], window: int) -> tuple[dict[int, Value], list[int]]:
        """The values held for `keys` in this window, and the keys missing."""
        found: dict[int, Value] = {}
        missing: list[int] = []
        for key in keys:
            value = self.get(key, window)
            if value is None:
                missing.append(key)
            else:
                found[key] = value
        return found, missing

    def put(self, key: int, window: int, value: Value) -> None:
        self._items[key] = (window, value)
        self._items.move_to_end(key)
        if len(self._items) > self.items_max:
            self._items.popitem(last=False)


@dataclasses.dataclass
class _Caches:
    bodies: _WindowedLru[PostBody] = dataclasses.field(default_factory=lambda: _WindowedLru(BODIES_MAX))
    avatars: _WindowedLru[dict[str, str]] = dataclasses.field(default_factory=lambda: _WindowedLru(AVATARS_MAX))


# Per platform: URLs carry the platform's blob base URL and signing key (tests run many platforms at once).
_caches: PerPlatform[_Caches] = PerPlatform(lambda _platform: _Caches())


def _caches_of(platform: Platform) -> _Caches:
    return _caches.of(platform)


def current_window() -> int:
    """The URL window now: media URLs signed within it are identical (engines/media.rendition_urls)."""
    return math.floor(time.time() / media_limits.URL_WINDOW_S)


async def post_bodies(uow: UnitOfWork, post_ids: Sequence[int], *, window: int) -> dict[int, PostBody]:
    """The bodies of `post_ids` (existing posts), from the cache or, for the missing ones, in four queries."""
    caches = _caches_of(uow.platform)
    found, missing = caches.bodies.split(post_ids, window)
    if missing:
        for post_id, body in (await _load_bodies(uow, missing)).items():
            found[post_id] = body
            if body.settled:
                caches.bodies.put(post_id, window, body)
    return found


async def avatar_urls(uow: UnitOfWork, asset_ids: set[int], *, window: int) -> dict[int, dict[str, str]]:
    """Signed rendition URLs of avatar assets, from the cache or in one query for the missing ones; an asset
    that no longer exists has none."""
    caches = _caches_of(uow.platform)
    found, missing = caches.avatars.split(asset_ids, window)
    if missing:
        for asset_id, asset in (await _assets(uow, missing)).items():
            urls = found[asset_id] = _urls(uow, asset)
            if asset.state in SETTLED_STATES:
                caches.avatars.put(asset_id, window, urls)
    return found


def avatars_kept(platform: Platform, asset_ids: Iterable[int], *, window: int) -> bool:
    """True when every avatar of `asset_ids` is kept for `window`, which only settled ones are."""
    avatars = _caches_of(platform).avatars
    return all(avatars.get(asset_id, window) is not None for asset_id in asset_ids)


async def _load_bodies(uow: UnitOfWork, post_ids: list[int]) -> dict[int, PostBody]:
    """Media slots, user tags, places and assets of `post_ids`: four queries for a page."""
    media_rows = (await uow.session.execute(
        select(PostMediaRow.post_id, PostMediaRow.position, PostMediaRow.media_id)
        .where(PostMediaRow.post_id.in_(post_ids)).order_by(PostMediaRow.post_id, PostMediaRow.position))).all()
    tag_rows = (await uow.session.execute(
        select(UserTagRow.post_id, UserTagRow.position, UserTagRow.account_id, UserTagRow.x, UserTagRow.y)
        .where(UserTagRow.post_id.in_(post_ids))
        .order_by(UserTagRow.post_id, UserTagRow.position, UserTagRow.account_id))).all()
    place_rows = (await uow.session.execute(
        select(PostRow.id.label("post_id"), PlaceRow.id, PlaceRow.name, PlaceRow.latitude, PlaceRow.longitude)
        .join(PlaceRow, PlaceRow.id == PostRow.place_id).where(PostRow.id.in_(post_ids)))).all()
    assets = await _assets(uow, [row.media_id for row in media_rows])
    tags: dict[tuple[int, int], list[TaggedPerson]] = {}
    for tag in tag_rows:
        tags.setdefault((tag.post_id, tag.position), []).append(TaggedPerson(tag.account_id, tag.x, tag.y))
    places = {row.post_id: PlaceRead(id=str(row.id), name=row.name, latitude=row.latitude, longitude=row.longitude)
              for row in place_rows}
    items: dict[int, list[BodyItem]] = {post_id: [] for post_id in post_ids}
    settled = dict.fromkeys(post_ids, True)
    for row in media_rows:
        asset = assets.get(row.media_id)
        if asset is not None and asset.state not in SETTLED_STATES:
            settled[row.post_id] = False
        items[row.post_id].append(BodyItem(media=_media_read(uow, row.media_id, asset),
                                           tags=tuple(tags.get((row.post_id, row.position), ()))))
    return {post_id: PostBody(items=tuple(items[post_id]), location=places.get(post_id), settled=settled[post_id],
                              tagged_ids=frozenset(tag.account_id for item in items[post_id] for tag in item.tags))
            for post_id in post_ids}


async def _assets(uow: UnitOfWork, asset_ids: Sequence[int]) -> dict[int, media.MediaAsset]:
    """One query for a usual page; a page of full carousels takes a few."""
    wanted = list(dict.fromkeys(asset_ids))
    found: dict[int, media.MediaAsset] = {}
    step = media_limits.ASSETS_PER_QUERY_MAX
    for start in range(0, len(wanted), step):
        found.update(await media.get_assets(uow, ids=wanted[start:start + step]))
    return found


def _urls(uow: UnitOfWork, asset: media.MediaAsset) -> dict[str, str]:
    return media.rendition_urls(uow.platform.blobs, asset)


def _media_read(uow: UnitOfWork, media_id: int, asset: media.MediaAsset | None) -> PostMediaRead:
    if asset is None:  # the asset was deleted from the media library: the slot stays, empty
        return PostMediaRead(id=str(media_id), kind="image", state="failed", width=0, height=0, duration_ms=None,
                             urls={}, user_tags=[])
    return PostMediaRead(id=str(asset.id), kind=asset.kind, state=asset.state, width=asset.width,
                         height=asset.height, duration_ms=asset.duration_ms, urls=_urls(uow, asset),
                         user_tags=[])
