"""The "instagram.notify" consumer: turns Instagram's and the social graph's events into notifications.

At-least-once and possibly out of order: each handler re-checks the truth before notifying (the like still
stands, the comment still exists, the follow still holds), so a late duplicate or an event overtaken by its
undo notifies nobody. Nobody is notified across a block, about a post they cannot see, or about themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from casebook.apps.instagram import audience, events
from casebook.apps.instagram import rules as instagram_rules
from casebook.apps.instagram.inbox import rules
from casebook.apps.instagram.models import CommentRow, LikeRow, PostRow, ProfileRow
from casebook.engines import notifications, social
from casebook.platform.bus import Consumer
from casebook.platform.bus.events import Event
from casebook.platform.uow import UnitOfWork

NETWORK = instagram_rules.NETWORK


async def on_event(uow: UnitOfWork, event: Event) -> None:
    handler = _HANDLERS.get(event.subject)
    if handler is None:
        return
    if event.subject.startswith("casebook.social.") and event.payload.get("network") != NETWORK:
        return  # another product's graph
    await handler(uow, event.payload)


async def _may_notify(uow: UnitOfWork, *, recipient_id: int, actor_id: int, post: PostRow | None = None) -> bool:
    """Not oneself, not across a block, and (for a post) only a recipient who can see it."""
    if recipient_id == actor_id:
        return False
    if await social.is_blocked_either_way(uow, network=NETWORK, a=recipient_id, b=actor_id):
        return False
    if post is None:
        return True
    viewer = await audience.load_viewer(uow, recipient_id)
    return bool(await audience.visible_posts(uow, viewer, [post]))


async def _lock_recipient(uow: UnitOfWork, account_id: int) -> None:
    """Serialize an act and its undo for one recipient: whichever handler comes second waits here, then
    checks the truth as committed by the first (PostgreSQL re-reads per statement under READ COMMITTED).
    Without it, a like's handler could notify while the unlike's handler, running beside it, finds nothing
    yet to withdraw. SQLite has one writer: FOR UPDATE renders nothing there and nothing is needed."""
    await uow.session.execute(select(ProfileRow.account_id).where(ProfileRow.account_id == account_id)
                              .with_for_update())


async def _live_post(uow: UnitOfWork, post_id: int) -> PostRow | None:
    post = await uow.session.get(PostRow, post_id)
    return None if post is None or post.deleted_at is not None else post


# -- likes ---------------------------------------------------------------------------------------

async def on_post_liked(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    post_id, author_id, liker_id = int(payload["post_id"]), int(payload["author_id"]), int(payload["liker_id"])
    await _lock_recipient(uow, author_id)
    is_liked = await uow.session.scalar(select(LikeRow.post_id).where(
        LikeRow.post_id == post_id, LikeRow.account_id == liker_id)) is not None
    post = await _live_post(uow, post_id)
    if not is_liked or post is None or not await _may_notify(uow, recipient_id=author_id, actor_id=liker_id):
        return
    await notifications.notify(uow, network=NETWORK, recipient_id=author_id, kind="like", actor_id=liker_id,
                               group_key=rules.like_group(post_id), subject_id=post_id,
                               data={"post_id": str(post_id)})


async def on_post_unliked(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    post_id, liker_id = int(payload["post_id"]), int(payload["liker_id"])
    await _lock_recipient(uow, int(payload["author_id"]))
    is_liked = await uow.session.scalar(select(LikeRow.post_id).where(
        LikeRow.post_id == post_id, LikeRow.account_id == liker_id)) is not None
    if is_liked:  # liked again since: the newer like's notification stands
        return
    await notifications.withdraw(uow, network=NETWORK, recipient_id=int(payload["author_id"]),
                                 group_key=rules.like_group(post_id), actor_id=liker_id)


# -- posts: mentions and tags ----------------------------------------------------------------------

async def on_post_published(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    post = await _live_post(uow, int(payload["post_id"]))
    if post is None:
        return
    mention_ids = _ids(payload.get("mention_ids"))
    await _notify_each(uow, post, kind="mention", recipient_ids=mention_ids)
    await _notify_each(uow, post, kind="tag", recipient_ids=[i for i in _ids(payload.get("tagged_ids"))
                                                              if i not in set(mention_ids)])


async def on_post_updated(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    post = await _live_post(uow, int(payload["post_id"]))
    if post is not None:
        await _notify_each(uow, post, kind="mention", recipient_ids=_ids(payload.get("added_mention_ids")))


async def _notify_each(uow: UnitOfWork, post: PostRow, *, kind: str, recipient_ids: Iterable[int]) -> None:
    for recipient_id in dict.fromkeys(recipient_ids):
        if await _may_notify(uow, recipient_id=recipient_id, actor_id=post.author_id, post=post):
            # One line per post and kind: a redelivered event or a re-edited caption joins it, never repeats it.
            await notifications.notify(uow, network=NETWORK, recipient_id=recipient_id, kind=kind,
                                       actor_id=post.author_id, group_key=f"{kind}:{post.id}", subject_id=post.id,
                                       data={"post_id": str(post.id)})


# -- comments ------------------------------------------------------------------------------------

async def on_comment_added(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    comment_id, post_id = int(payload["comment_id"]), int(payload["post_id"])
    author_id, post_author_id = int(payload["author_id"]), int(payload["post_author_id"])
    parent_author_id = _id_or_none(payload.get("parent_author_id"))
    await _lock_recipient(uow, post_author_id)
    comment = await uow.session.get(CommentRow, comment_id)
    post = await _live_post(uow, post_id)
    if comment is None or post is None:
        return
    excerpt = rules.excerpt_of(payload.get("excerpt") or comment.body)
    data = {"post_id": str(post_id), "comment_id": str(comment_id), "excerpt": excerpt}
    notified = {author_id}
    if parent_author_id is not None and await _may_notify(uow, recipient_id=parent_author_id, actor_id=author_id,
                                                          post=post):
        await notifications.notify(uow, network=NETWORK, recipient_id=parent_author_id, kind="reply",
                                   actor_id=author_id, group_key=rules.reply_group(int(payload["parent_id"])),
                                   subject_id=post_id, data=data)
    if parent_author_id is not None:
        notified.add(parent_author_id)  # a reply to the author's own comment says "replied", not also "commented"
    if post_author_id not in notified and await _may_notify(uow, recipient_id=post_author_id, actor_id=author_id):
        await notifications.notify(uow, network=NETWORK, recipient_id=post_author_id, kind="comment",
                                   actor_id=author_id, group_key=rules.comment_group(post_id), subject_id=post_id,
                                   data=data)
    notified.add(post_author_id)
    for recipient_id in dict.fromkeys(_ids(payload.get("mention_ids"))):
        if recipient_id not in notified and await _may_notify(uow, recipient_id=recipient_id, actor_id=author_id,
                                                              post=post):
            await notifications.notify(uow, network=NETWORK, recipient_id=recipient_id, kind="comment_mention",
                                       actor_id=author_id, group_key=f"comment_mention:{comment_id}",
                                       subject_id=post_id, data=data)


async def on_comment_deleted(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """The commenter leaves the post author's unread "commented" line once none of their comments is left."""
    post_id, author_id = int(payload["post_id"]), int(payload["author_id"])
    await _lock_recipient(uow, int(payload["post_author_id"]))
    still_commenting = await uow.session.scalar(select(CommentRow.id).where(
        CommentRow.post_id == post_id, CommentRow.author_id == author_id).limit(1)) is not None
    if not still_commenting:
        await notifications.withdraw(uow, network=NETWORK, recipient_id=int(payload["post_author_id"]),
                                     group_key=rules.comment_group(post_id), actor_id=author_id)


# -- the social graph ----------------------------------------------------------------------------

async def on_followed(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    follower_id, followee_id = int(payload["follower_id"]), int(payload["followee_id"])
    await _lock_recipient(uow, followee_id)
    relationship = await social.relationship(uow, network=NETWORK, viewer_id=follower_id, other_id=followee_id)
    if relationship.is_following and not (relationship.is_blocking or relationship.is_blocked_by):
        await notifications.notify(uow, network=NETWORK, recipient_id=followee_id, kind="follow",
                                   actor_id=follower_id, group_key=rules.FOLLOW_GROUP)


async def on_unfollowed(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    follower_id, followee_id = int(payload["follower_id"]), int(payload["followee_id"])
    await _lock_recipient(uow, followee_id)
    if not (await social.relationship(uow, network=NETWORK, viewer_id=follower_id,
                                      other_id=followee_id)).is_following:
        await notifications.withdraw(uow, network=NETWORK, recipient_id=followee_id, group_key=rules.FOLLOW_GROUP,
                                     actor_id=follower_id)


async def on_follow_requested(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    requester_id, target_id = int(payload["requester_id"]), int(payload["target_id"])
    await _lock_recipient(uow, target_id)
    relationship = await social.relationship(uow, network=NETWORK, viewer_id=requester_id, other_id=target_id)
    if relationship.is_requested and not (relationship.is_blocking or relationship.is_blocked_by):
        await notifications.notify(uow, network=NETWORK, recipient_id=target_id, kind="follow_request",
                                   actor_id=requester_id, group_key=rules.follow_request_group(requester_id),
                                   subject_id=int(payload["request_id"]))


async def on_follow_request_answered(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """Approved, denied or withdrawn: the request's line goes (an approval then says "started following")."""
    requester_id = int(payload.get("requester_id") or payload["follower_id"])
    target_id = int(payload.get("target_id") or payload["followee_id"])
    await _lock_recipient(uow, target_id)
    relationship = await social.relationship(uow, network=NETWORK, viewer_id=requester_id, other_id=target_id)
    if not relationship.is_requested:
        await notifications.withdraw(uow, network=NETWORK, recipient_id=target_id,
                                     group_key=rules.follow_request_group(requester_id), actor_id=requester_id)


async def on_follow_approved(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    await on_follow_request_answered(uow, payload)
    follower_id, followee_id = int(payload["follower_id"]), int(payload["followee_id"])
    if await _may_notify(uow, recipient_id=follower_id, actor_id=followee_id):
        await notifications.notify(uow, network=NETWORK, recipient_id=follower_id, kind="follow_approved",
                                   actor_id=followee_id, group_key=f"follow_approved:{followee_id}")


# -- things gone: a deleted post, a block -------------------------------------------------------------

async def on_post_deleted(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """Every line about the post goes (likes, comments, mentions, tags), so no badge counts what nobody can
    open. The author is locked first: a like handler still running beside this one finishes before."""
    await _lock_recipient(uow, int(payload["author_id"]))
    await notifications.remove_about(uow, network=NETWORK, subject_id=int(payload["post_id"]),
                                     kinds=sorted(rules.POST_KINDS))


async def on_blocked(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """Neither side hears from the other any more: each is taken out of the other's unread groups."""
    blocker_id, blocked_id = int(payload["blocker_id"]), int(payload["blocked_id"])
    for account_id in sorted((blocker_id, blocked_id)):  # the same lock order as any other pair
        await _lock_recipient(uow, account_id)
    await notifications.withdraw_actor(uow, network=NETWORK, recipient_id=blocker_id, actor_id=blocked_id)
    await notifications.withdraw_actor(uow, network=NETWORK, recipient_id=blocked_id, actor_id=blocker_id)


def _ids(values: Any) -> list[int]:
    return [int(value) for value in values or ()]


def _id_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


_HANDLERS = {
    events.POST_LIKED: on_post_liked,
    events.POST_UNLIKED: on_post_unliked,
    events.POST_PUBLISHED: on_post_published,
    events.POST_UPDATED: on_post_updated,
    events.POST_DELETED: on_post_deleted,
    events.COMMENT_ADDED: on_comment_added,
    events.COMMENT_DELETED: on_comment_deleted,
    social.FOLLOWED: on_followed,
    social.UNFOLLOWED: on_unfollowed,
    social.FOLLOW_REQUESTED: on_follow_requested,
    social.FOLLOW_REQUEST_CANCELLED: on_follow_request_answered,
    social.FOLLOW_DENIED: on_follow_request_answered,
    social.FOLLOW_APPROVED: on_follow_approved,
    social.BLOCKED: on_blocked,
}

consumers = [Consumer(name="instagram.notify", subjects=tuple(_HANDLERS), handler=on_event)]
