"""Comments: one level of replies, counters moved with the rows, and the lists a viewer may read."""

from __future__ import annotations

import dataclasses

from sqlalchemy import delete, select, update

from casebook.apps.instagram import audience, events, rules
from casebook.apps.instagram.models import CommentRow, PostRow, ProfileRow
from casebook.apps.instagram.posts import reading, repository
from casebook.apps.instagram.posts import rules as post_rules
from casebook.apps.instagram.posts.errors import CommentNotFound, PostNotFound
from casebook.apps.instagram.profiles import service as profiles
from casebook.platform.http.pagination import Cursors
from casebook.platform.uow import UnitOfWork


async def add_comment(uow: UnitOfWork, *, author_id: int, post_id: int, body: str,
                      parent_id: int | None = None) -> CommentRow:
    """Comment on a post the caller may see (a block either way hides it: 404). A reply to a reply joins
    the top-level comment's thread."""
    text = post_rules.check_comment(body)
    viewer = await audience.load_viewer(uow, author_id)
    post = await reading.get_visible_post(uow, viewer, post_id)
    parent = None
    if parent_id is not None:
        parent = await uow.session.get(CommentRow, parent_id)
        if parent is None or parent.post_id != post.id or parent.author_id in viewer.blocked_ids:
            raise CommentNotFound("No such comment on this post.")
        if parent.parent_id is not None:
            parent = await uow.session.get(CommentRow, parent.parent_id)
            if parent is None:
                raise CommentNotFound("No such comment on this post.")
        # Counting the reply also locks the parent, so a delete of the thread cannot miss this reply.
        counted = await uow.session.execute(update(CommentRow).where(CommentRow.id == parent.id)
                                            .values(reply_count=CommentRow.reply_count + 1)
                                            .execution_options(synchronize_session=False))
        if counted.rowcount != 1:
            raise CommentNotFound("That comment was just deleted.")
    mentioned = await profiles.ids_by_username(uow, rules.mentions_in(text))
    mention_ids = [account_id for account_id in mentioned.values() if account_id not in viewer.blocked_ids]
    comment = CommentRow(id=uow.new_id(), post_id=post.id, author_id=author_id,
                         parent_id=parent.id if parent is not None else None, body=text, reply_count=0,
                         created_at=uow.now())
    uow.session.add(comment)
    await uow.session.flush()
    # Counting the comment locks the post: a concurrent delete of the post is seen by the check below.
    await repository.bump_post(uow, post.id, comment_count=+1)
    if await uow.session.scalar(select(PostRow.deleted_at).where(PostRow.id == post.id)) is not None:
        raise PostNotFound("No such post.")
    uow.publish(events.COMMENT_ADDED, {
        "comment_id": comment.id, "post_id": post.id, "post_author_id": post.author_id, "author_id": author_id,
        "parent_id": comment.parent_id, "parent_author_id": parent.author_id if parent is not None else None,
        "excerpt": post_rules.excerpt(text), "mention_ids": mention_ids})
    return comment


async def delete_comment(uow: UnitOfWork, *, account_id: int, comment_id: int) -> None:
    """The comment's author or the post's author may delete it; a top-level comment takes its replies along."""
    comment = await uow.session.scalar(select(CommentRow).where(CommentRow.id == comment_id).with_for_update())
    post = None if comment is None else await uow.session.get(PostRow, comment.post_id)
    if comment is None or post is None or post.deleted_at is not None \
            or account_id not in (comment.author_id, post.author_id):
        raise CommentNotFound("No such comment of yours or on your post.")
    removed = 1
    if comment.parent_id is None:
        replies = await uow.session.execute(delete(CommentRow).where(CommentRow.parent_id == comment.id)
                                            .execution_options(synchronize_session=False))
        removed += replies.rowcount
    else:
        await uow.session.execute(update(CommentRow).where(CommentRow.id == comment.parent_id)
                                  .values(reply_count=CommentRow.reply_count - 1)
                                  .execution_options(synchronize_session=False))
    await uow.session.delete(comment)
    await uow.session.flush()
    await repository.bump_post(uow, post.id, comment_count=-removed)
    uow.publish(events.COMMENT_DELETED, {"comment_id": comment.id, "post_id": post.id,
                                         "post_author_id": post.author_id, "author_id": comment.author_id})


@dataclasses.dataclass(frozen=True, slots=True)
class CommentView:
    comment: CommentRow
    author: ProfileRow
    can_delete: bool


@dataclasses.dataclass(frozen=True, slots=True)
class CommentViewPage:
    items: list[CommentView]
    next_cursor: str | None


async def list_comments(uow: UnitOfWork, *, viewer: audience.Viewer, post_id: int, parent_id: int | None,
                        newest_first: bool, cursor: str | None, limit: int) -> CommentViewPage:
    """Top-level comments of a visible post (or the replies of one), without those of accounts blocked
    either way with the viewer."""
    post = await reading.get_visible_post(uow, viewer, post_id)
    cursors = Cursors(uow.platform.settings.secret_key)
    position = cursors.decode(cursor)
    statement = select(CommentRow).where(CommentRow.post_id == post.id)
    statement = statement.where(CommentRow.parent_id.is_(None) if parent_id is None
                                else CommentRow.parent_id == parent_id)
    if viewer.blocked_ids:
        statement = statement.where(CommentRow.author_id.not_in(viewer.blocked_ids))
    if position is not None:
        after = int(position["after"])
        statement = statement.where(CommentRow.id < after if newest_first else CommentRow.id > after)
    order = CommentRow.id.desc() if newest_first else CommentRow.id.asc()
    rows = list((await uow.session.scalars(statement.order_by(order).limit(limit + 1))).all())
    next_cursor = cursors.encode({"after": str(rows[limit - 1].id)}) if len(rows) > limit else None
    rows = rows[:limit]
    authors = await profiles.profiles_by_id(uow, {row.author_id for row in rows})
    items = [CommentView(comment=row, author=authors[row.author_id],
                         can_delete=viewer.account_id in (row.author_id, post.author_id))
             for row in rows if row.author_id in authors]
    return CommentViewPage(items=items, next_cursor=next_cursor)

