"""Posts as a viewer sees them: `load_posts` by id and `hydrate_posts` / `show_posts` into `PostRead` (the feed,
explore, grids, saved and the post page all use them).

A page is read in two halves. What may change or belongs to the reader comes from ONE query, fresh on every
read: caption, visibility, counters, the author's name, privacy and avatar, and whether the reader liked or
saved the post, follows the author, is on the author's close-friends list or is blocked either way; the
visibility rule (`audience.Viewer`) is applied to exactly that. What never changes once published (media with
their signed URLs, place, user tags) comes from `bodies`, built once per process and URL window. A steady
page is one query, two when it shows user tags; posts not seen before add four, avatars not seen one.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import bindparam, exists, select

from casebook.apps.instagram import audience, rules
from casebook.apps.instagram.models import CloseFriendRow, LikeRow, PostRow, ProfileRow, SaveRow
from casebook.apps.instagram.posts import bodies
from casebook.apps.instagram.posts.post_read import PlaceRead, PostMediaRead, PostRead, UserTagRead
from casebook.apps.instagram.posts.rules import HYDRATE_POSTS_MAX
from casebook.apps.instagram.schemas import AccountSummary
from casebook.engines.social import predicates
from casebook.platform.db.prepared import PreparedRead
from casebook.platform.db.types import Snowflake
from casebook.platform.uow import UnitOfWork

__all__ = ["PlaceRead", "PostMediaRead", "PostRead", "ShownPage", "UserTagRead", "hydrate_posts", "load_posts",
           "show_page", "show_posts"]

_VIEWER = bindparam("viewer_id", type_=Snowflake())

# The fresh half of a page: one row per existing post, run on the driver (platform/db/prepared.py).
_STATES = PreparedRead(
    select(PostRow.id, PostRow.author_id, PostRow.caption, PostRow.visibility, PostRow.like_count,
           PostRow.comment_count, PostRow.save_count, PostRow.created_at, PostRow.edited_at,
           ProfileRow.username, ProfileRow.full_name, ProfileRow.is_private, ProfileRow.avatar_media_id,
           exists().where(LikeRow.post_id == PostRow.id, LikeRow.account_id == _VIEWER).label("liked"),
           exists().where(SaveRow.account_id == _VIEWER, SaveRow.post_id == PostRow.id).label("saved"),
           predicates.follows(rules.NETWORK, _VIEWER, PostRow.author_id).label("follows_author"),
           predicates.blocked_either_way(rules.NETWORK, _VIEWER, PostRow.author_id).label("blocked"),
           exists().where(CloseFriendRow.owner_id == PostRow.author_id,
                          CloseFriendRow.friend_id == _VIEWER).label("close_friend"))
    .join(ProfileRow, ProfileRow.account_id == PostRow.author_id)
    .where(PreparedRead.in_ids(PostRow.id, "post_ids"), PostRow.deleted_at.is_(None)))


@dataclasses.dataclass(frozen=True, slots=True)
class _State:
    """One row of _STATES."""

    id: int
    author_id: int
    caption: str
    visibility: str
    like_count: int
    comment_count: int
    save_count: int
    created_at: datetime
    edited_at: datetime | None
    username: str
    full_name: str
    is_private: bool
    avatar_media_id: int | None
    liked: bool
    saved: bool
    follows_author: bool
    blocked: bool
    close_friend: bool


# Tagged people as the reader may see them: their summary, and whether a block stands between them.
CAPTIONS_REMEMBERED = 10_000  # hashtags parsed once per caption
_TAGGED = PreparedRead(
    select(ProfileRow.account_id, ProfileRow.username, ProfileRow.full_name, ProfileRow.is_private,
           ProfileRow.avatar_media_id,
           predicates.blocked_either_way(rules.NETWORK, _VIEWER, ProfileRow.account_id).label("blocked"))
    .where(PreparedRead.in_ids(ProfileRow.account_id, "account_ids")))


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
    """`posts` as `viewer` sees them, order kept, invisible ones dropped (read afresh: see the module doc)."""
    return await show_posts(uow, viewer.account_id, [post.id for post in posts])


async def show_posts(uow: UnitOfWork, viewer_id: int | None, post_ids: Sequence[int]) -> list[PostRead]:
    """The posts of `post_ids` as the viewer (None: signed out) sees them, in that order; deleted, missing and
    invisible ones are left out. A list longer than HYDRATE_POSTS_MAX is read a page at a time."""
    wanted = list(dict.fromkeys(post_ids))
    if len(wanted) > HYDRATE_POSTS_MAX:
        return [read for start in range(0, len(wanted), HYDRATE_POSTS_MAX)
                for read in await show_posts(uow, viewer_id, wanted[start:start + HYDRATE_POSTS_MAX])]
    return (await show_page(uow, viewer_id, wanted)).posts


@dataclasses.dataclass(frozen=True, slots=True)
class ShownPage:
    posts: list[PostRead]
    settled: bool  # every medium and avatar shown is ready or failed: the page reads the same until a change


async def show_page(uow: UnitOfWork, viewer_id: int | None, post_ids: Sequence[int]) -> ShownPage:
    """`show_posts` of at most HYDRATE_POSTS_MAX posts, telling whether any medium shown is still processing."""
    wanted = list(dict.fromkeys(post_ids))
    assert len(wanted) <= HYDRATE_POSTS_MAX
    if not wanted:
        return ShownPage(posts=[], settled=True)
    rows = [_State(*row) for row in await _STATES.rows(uow.session, {"viewer_id": viewer_id, "post_ids": wanted})]
    viewer = audience.Viewer(
        account_id=viewer_id,
        following_ids=frozenset(row.author_id for row in rows if row.follows_author),
        blocked_ids=frozenset(row.author_id for row in rows if row.blocked),
        close_friend_of_ids=frozenset(row.author_id for row in rows if row.close_friend))
    by_id = {row.id: row for row in rows if viewer.can_see_published(
        row.author_id, row.visibility, author_is_private=row.is_private)}
    shown = [by_id[post_id] for post_id in wanted if post_id in by_id]
    if not shown:
        return ShownPage(posts=[], settled=True)
    window = bodies.current_window()
    post_bodies = await bodies.post_bodies(uow, [row.id for row in shown], window=window)
    tagged_ids = {account_id for row in shown for account_id in post_bodies[row.id].tagged_ids}
    tagged = await _tagged_people(uow, viewer_id, sorted(tagged_ids)) if tagged_ids else []
    avatar_ids = {row.avatar_media_id for row in (*shown, *tagged) if row.avatar_media_id is not None}
    avatars = await bodies.avatar_urls(uow, avatar_ids, window=window) if avatar_ids else {}
    authors: dict[int, AccountSummary] = {}
    for row in shown:
        if row.author_id not in authors:
            authors[row.author_id] = _summary(row.author_id, row, avatars)
    people = {row.account_id: _summary(row.account_id, row, avatars) for row in tagged}
    posts = [PostRead(
        id=str(row.id), author=authors[row.author_id], caption=row.caption, hashtags=list(_hashtags(row.caption)),
        visibility=row.visibility, media=_media(post_bodies[row.id], people),
        location=post_bodies[row.id].location, like_count=row.like_count, comment_count=row.comment_count,
        save_count=row.save_count, viewer_has_liked=bool(row.liked), viewer_has_saved=bool(row.saved),
        created_at=row.created_at, edited_at=row.edited_at) for row in shown]
    settled = (all(post_bodies[row.id].settled for row in shown)
               and bodies.avatars_kept(uow.platform, avatar_ids, window=window))
    return ShownPage(posts=posts, settled=settled)


@functools.lru_cache(maxsize=CAPTIONS_REMEMBERED)
def _hashtags(caption: str) -> tuple[str, ...]:
    return tuple(rules.hashtags_in(caption))


@dataclasses.dataclass(frozen=True, slots=True)
class _Tagged:
    """One row of _TAGGED."""

    account_id: int
    username: str
    full_name: str
    is_private: bool
    avatar_media_id: int | None
    blocked: bool


async def _tagged_people(uow: UnitOfWork, viewer_id: int | None, account_ids: list[int]) -> list[_Tagged]:
    """The tagged accounts that exist and are not blocked either way, in one query."""
    rows = await _TAGGED.rows(uow.session, {"viewer_id": viewer_id, "account_ids": account_ids})
    return [person for person in (_Tagged(*row) for row in rows) if not person.blocked]


def _summary(account_id: int, row: Any, avatars: dict[int, dict[str, str]]) -> AccountSummary:
    avatar = avatars.get(row.avatar_media_id, {}) if row.avatar_media_id is not None else {}
    return AccountSummary(id=str(account_id), username=row.username, full_name=row.full_name,
                          is_private=row.is_private, avatar_url=avatar.get("small") or avatar.get("medium"))


def _media(body: bodies.PostBody, people: dict[int, AccountSummary]) -> list[PostMediaRead]:
    """The body's media as shown; the shared read of a slot nobody is tagged in is used as it is."""
    shown = []
    for item in body.items:
        if not item.tags:
            shown.append(item.media)
            continue
        tags = [UserTagRead(account=people[tag.account_id], x=tag.x, y=tag.y)
                for tag in item.tags if tag.account_id in people]
        shown.append(msgspec.structs.replace(item.media, user_tags=tags))
    return shown
