"""Finding posts for a viewer: one post by id, and an account's grid newest first."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from casebook.apps.instagram import audience
from casebook.apps.instagram.models import PostRow, ProfileRow
from casebook.apps.instagram.posts.errors import PostNotFound
from casebook.apps.instagram.profiles import service as profiles
from casebook.apps.instagram.profiles.relations import PrivateAccount
from casebook.platform.http.pagination import Cursors
from casebook.platform.uow import UnitOfWork


async def get_visible_post(uow: UnitOfWork, viewer: audience.Viewer, post_id: int) -> PostRow:
    """The post if `viewer` may see it; missing, deleted and hidden posts all answer PostNotFound."""
    post = await uow.session.get(PostRow, post_id, populate_existing=True)
    if post is None or not await audience.visible_posts(uow, viewer, [post]):
        raise PostNotFound("No such post.")
    return post


@dataclasses.dataclass(frozen=True, slots=True)
class PostRowPage:
    posts: list[PostRow]
    next_cursor: str | None


async def list_profile_posts(uow: UnitOfWork, *, viewer: audience.Viewer, username: str, cursor: str | None,
                             limit: int) -> PostRowPage:
    """The account's live posts the viewer may see, newest first; a private account's are its followers'."""
    owner = await profiles.get_by_username(uow, username, viewer=viewer)
    if not viewer.can_see_account(owner.account_id, is_private=owner.is_private):
        raise PrivateAccount(f"@{owner.username} is private: follow it to see its posts.")
    return await _page(uow, viewer=viewer, owner=owner, cursor=cursor, limit=limit)


async def _page(uow: UnitOfWork, *, viewer: audience.Viewer, owner: ProfileRow, cursor: str | None,
                limit: int) -> PostRowPage:
    cursors = Cursors(uow.platform.settings.secret_key)
    position = cursors.decode(cursor)
    statement = select(PostRow).where(PostRow.author_id == owner.account_id, PostRow.deleted_at.is_(None),
                                      PostRow.visibility.in_(_visibilities(viewer, owner.account_id)))
    if position is not None:
        statement = statement.where(PostRow.id < int(position["before"]))
    rows = list((await uow.session.scalars(statement.order_by(PostRow.id.desc()).limit(limit + 1))).all())
    next_cursor = cursors.encode({"before": str(rows[limit - 1].id)}) if len(rows) > limit else None
    return PostRowPage(posts=rows[:limit], next_cursor=next_cursor)


def _visibilities(viewer: audience.Viewer, author_id: int) -> list[str]:
    """The audiences of the author's posts this viewer is in (filtered in SQL so pages stay full)."""
    if viewer.account_id == author_id:
        return ["public", "followers", "close_friends"]
    shown = ["public"]
    if author_id in viewer.following_ids:
        shown.append("followers")
    if author_id in viewer.close_friend_of_ids:
        shown.append("close_friends")
    return shown
