"""The fan-out consumers: new posts (and close-friends posts opened to everyone) pushed into followers'
timelines, deleted ones taken out, and a viewer's timeline dropped (rebuilt on next read) when whom they
follow changes.

Runs at least once per event: every step is idempotent (pushing a member twice leaves one, dropping a
missing timeline does nothing).
"""

from __future__ import annotations

from sqlalchemy import select

from casebook.apps.instagram import events, rules
from casebook.apps.instagram.feed import rules as feed_rules
from casebook.apps.instagram.models import CloseFriendRow, PostRow
from casebook.engines import social
from casebook.platform.bus import Consumer
from casebook.platform.bus.events import Event
from casebook.platform.uow import UnitOfWork

FANOUT_CONSUMER = "instagram.fanout"


async def on_post_published(uow: UnitOfWork, event: Event) -> None:
    """Push to the author and their followers (close-friends posts: to the list only); an author over
    FANOUT_FOLLOWERS_MAX followers is left to readers, who pull their posts in."""
    post = await uow.session.get(PostRow, int(event.payload["post_id"]))
    if post is None or post.deleted_at is not None:  # deleted before we got here: nothing to push
        return
    if post.visibility == "close_friends":
        await _push_to_close_friends(uow, post)
        return
    await social.timelines.fan_out(uow, network=rules.NETWORK, author_id=post.author_id, item_id=post.id,
                                   created_at=post.created_at, followers_max=feed_rules.FANOUT_FOLLOWERS_MAX)


async def on_post_updated(uow: UnitOfWork, event: Event) -> None:
    """A close-friends post opened to all followers reaches the followers' timelines now, in its place by
    creation time (pushing is idempotent). A narrowed audience needs nothing: every read checks it."""
    payload = event.payload
    if payload.get("previous_visibility") == "close_friends" and payload.get("visibility") != "close_friends":
        await on_post_published(uow, event)


async def _push_to_close_friends(uow: UnitOfWork, post: PostRow) -> None:
    friend_ids = list((await uow.session.scalars(select(CloseFriendRow.friend_id).where(
        CloseFriendRow.owner_id == post.author_id).limit(rules.CLOSE_FRIENDS_MAX))).all())
    # Blocks remove follows, not list entries; a private author's listed non-follower is pushed too, and the
    # read path (hydrate_posts) drops it for them: the list is small, a check per friend would cost more.
    blocked = await social.blocked_either_way_ids(uow, network=rules.NETWORK, account_id=post.author_id)
    audience = [post.author_id, *(friend_id for friend_id in friend_ids if friend_id not in blocked)]
    await social.timelines.push(uow.cache, network=rules.NETWORK, account_ids=audience, item_id=post.id,
                                created_at=post.created_at)


async def on_post_deleted(uow: UnitOfWork, event: Event) -> None:
    """Best effort: the read path skips deleted posts anyway; this frees their timeline slots."""
    author_id, post_id = int(event.payload["author_id"]), int(event.payload["post_id"])
    await social.timelines.retract(uow, network=rules.NETWORK, author_id=author_id, item_id=post_id)
    friend_ids = (await uow.session.scalars(select(CloseFriendRow.friend_id).where(
        CloseFriendRow.owner_id == author_id).limit(rules.CLOSE_FRIENDS_MAX))).all()
    await social.timelines.remove(uow.cache, network=rules.NETWORK, account_ids=friend_ids, item_id=post_id)


async def on_graph_changed(uow: UnitOfWork, event: Event) -> None:
    """Whom someone follows changed: drop their timeline, so the next read rebuilds it from the database
    with the new followee's posts in, or the old one's out. A block drops both sides' timelines."""
    payload = event.payload
    if payload.get("network") != rules.NETWORK:
        return
    if event.subject == social.BLOCKED:
        account_ids = (int(payload["blocker_id"]), int(payload["blocked_id"]))
    else:  # followed, follow_approved, unfollowed: the follower's view changed
        account_ids = (int(payload["follower_id"]),)
    for account_id in account_ids:
        await social.timelines.drop(uow.cache, network=rules.NETWORK, account_id=account_id)


consumers = [
    Consumer(name=FANOUT_CONSUMER, subjects=(events.POST_PUBLISHED,), handler=on_post_published),
    Consumer(name="instagram.fanout_retract", subjects=(events.POST_DELETED,), handler=on_post_deleted),
    Consumer(name="instagram.fanout_widen", subjects=(events.POST_UPDATED,), handler=on_post_updated),
    Consumer(name="instagram.fanout_graph",
             subjects=(social.FOLLOWED, social.FOLLOW_APPROVED, social.UNFOLLOWED, social.BLOCKED),
             handler=on_graph_changed),
]
