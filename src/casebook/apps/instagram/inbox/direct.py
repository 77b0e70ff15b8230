"""Instagram's direct messages over the messaging engine: who may start a thread with whom (blocks hide
people, non-followers get a message request), what may be sent (text, one's own photo, a post one can see),
and threads as each member sees them (blocked people's messages hidden, shared posts re-checked per reader).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from casebook.apps.instagram import audience
from casebook.apps.instagram import rules as instagram_rules
from casebook.apps.instagram.inbox import rules
from casebook.apps.instagram.models import ProfileRow
from casebook.apps.instagram.posts import views as posts
from casebook.apps.instagram.profiles import service as profiles
from casebook.engines import media, messaging, social
from casebook.platform.errors import Invalid, NotFound
from casebook.platform.uow import UnitOfWork

NETWORK = instagram_rules.NETWORK


# -- starting and answering ----------------------------------------------------------------------

async def start_conversation(uow: UnitOfWork, *, sender_id: int, usernames: list[str],
                             title: str | None = None) -> messaging.Conversation:
    """One name: the direct thread with that person (got or created); more: a new group. Someone blocked
    either way is "not found", exactly like an unknown name; whoever does not follow the sender gets a request."""
    rules.check_usernames(usernames)
    names = [instagram_rules.normalize_username(name) for name in usernames]
    found = await profiles.ids_by_username(uow, names)
    recipient_ids: list[int] = []
    is_request: dict[int, bool] = {}
    for name in dict.fromkeys(names):
        account_id = found.get(name)
        if account_id == sender_id:
            continue
        relationship = None if account_id is None else await social.relationship(
            uow, network=NETWORK, viewer_id=sender_id, other_id=account_id)
        if relationship is None or relationship.is_blocking or relationship.is_blocked_by:
            raise NotFound(f"No Instagram account @{name[:40]}.", code="user_not_found", field="usernames")
        recipient_ids.append(account_id)
        is_request[account_id] = rules.is_message_request(recipient_follows_sender=relationship.is_followed_by)
    if not recipient_ids:
        raise Invalid("Name someone other than yourself.", field="usernames", code="usernames_count_invalid")
    if len(recipient_ids) == 1 and title is None:
        (recipient_id,) = recipient_ids
        return await messaging.open_direct(uow, network=NETWORK, sender_id=sender_id, recipient_id=recipient_id,
                                           as_request=is_request[recipient_id])
    if len(recipient_ids) == 1:
        raise Invalid("A group has at least two other people; a title needs a group.", field="title",
                      code="group_too_small")
    return await messaging.create_group(uow, network=NETWORK, creator_id=sender_id, member_ids=set(recipient_ids),
                                        title=title, requested_ids={i for i in recipient_ids if is_request[i]})


async def accept_request(uow: UnitOfWork, *, account_id: int, conversation_id: int) -> None:
    await messaging.accept_request(uow, conversation_id=conversation_id, account_id=account_id)


async def decline_request(uow: UnitOfWork, *, account_id: int, conversation_id: int) -> None:
    await messaging.decline_request(uow, conversation_id=conversation_id, account_id=account_id)


# -- sending -------------------------------------------------------------------------------------

async def send_message(uow: UnitOfWork, *, sender_id: int, conversation_id: int, text: str = "",
                       media_id: int | None = None, post_id: int | None = None) -> messaging.Message:
    """Text, one of the sender's own photos or videos, or a post the sender can see (with optional text).

    In a direct thread a block either way stops both people from sending (MessagingBlocked)."""
    if media_id is not None and post_id is not None:
        raise Invalid("Send a photo or share a post, not both.", field="post_id", code="one_attachment")
    summary = await messaging.get_conversation(uow, conversation_id=conversation_id, account_id=sender_id)
    if summary.conversation.network != NETWORK:
        raise messaging.ConversationNotFound(f"conversation {conversation_id} not found")
    if summary.conversation.kind == "direct":
        (other_id,) = [member.account_id for member in summary.members if member.account_id != sender_id] or [None]
        if other_id is not None and await social.is_blocked_either_way(uow, network=NETWORK, a=sender_id,
                                                                       b=other_id):
            raise rules.MessagingBlocked("You can't message this account.")
    if media_id is not None:
        asset = await media.get_asset(uow, asset_id=media_id, owner_id=sender_id)
        return await messaging.send_message(uow, conversation_id=conversation_id, sender_id=sender_id, kind="media",
                                            body=text, attachment={"media_id": str(asset.id)})
    if post_id is not None:
        viewer = await audience.load_viewer(uow, sender_id)
        if not await audience.visible_posts(uow, viewer, await posts.load_posts(uow, [post_id])):
            raise rules.PostUnavailable("No such post.", field="post_id")
        return await messaging.send_message(uow, conversation_id=conversation_id, sender_id=sender_id,
                                            kind="shared", body=text, attachment={"post_id": str(post_id)})
    return await messaging.send_message(uow, conversation_id=conversation_id, sender_id=sender_id, body=text)


# -- reading -------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, slots=True)
class ConversationView:
    summary: messaging.ConversationSummary
    members: list[ProfileRow]  # everyone present but the reader, in account id order
    last_message: messaging.Message | None  # None when there is none, or it is hidden from the reader
    is_blocked: bool  # a direct thread across a block: nothing can be sent


@dataclasses.dataclass(frozen=True, slots=True)
class ConversationsView:
    items: list[ConversationView]
    next_cursor: str | None


async def list_conversations(uow: UnitOfWork, *, account_id: int, folder: str, cursor: str | None,
                             limit: int | None) -> ConversationsView:
    page = await messaging.list_conversations(uow, network=NETWORK, account_id=account_id, folder=folder,
                                              cursor=cursor, limit=limit)
    return ConversationsView(items=await _views(uow, account_id, page.items), next_cursor=page.next_cursor)


async def get_conversation(uow: UnitOfWork, *, account_id: int, conversation_id: int) -> ConversationView:
    summary = await messaging.get_conversation(uow, conversation_id=conversation_id, account_id=account_id)
    if summary.conversation.network != NETWORK:
        raise messaging.ConversationNotFound(f"conversation {conversation_id} not found")
    (view,) = await _views(uow, account_id, [summary])
    return view


async def _views(uow: UnitOfWork, account_id: int,
                 summaries: Sequence[messaging.ConversationSummary]) -> list[ConversationView]:
    if not summaries:
        return []
    blocked = await social.blocked_either_way_ids(uow, network=NETWORK, account_id=account_id)
    found = await profiles.profiles_by_id(uow, {m.account_id for s in summaries for m in s.members})
    views = []
    for summary in summaries:
        others = [found[m.account_id] for m in summary.members
                  if m.account_id != account_id and m.account_id in found]
        last = summary.last_message
        views.append(ConversationView(
            summary=summary, members=others,
            last_message=None if last is None or last.sender_id in blocked else last,
            is_blocked=summary.conversation.kind == "direct" and any(o.account_id in blocked for o in others)))
    return views


@dataclasses.dataclass(frozen=True, slots=True)
class MessageView:
    message: messaging.Message
    sender: ProfileRow | None
    media_urls: dict[str, str] | None  # a photo or video message: its renditions (empty while processing)
    shared_post: posts.PostRead | None  # a shared post the reader can see
    is_post_unavailable: bool  # a shared post the reader cannot see (deleted, private, blocked)


@dataclasses.dataclass(frozen=True, slots=True)
class ThreadView:
    conversation: ConversationView
    messages: list[MessageView]  # newest first
    next_cursor: str | None
    last_read: dict[int, int | None]  # each other member's last read message id: "Seen"


async def read_thread(uow: UnitOfWork, *, account_id: int, conversation_id: int, cursor: str | None = None,
                      limit: int | None = None) -> ThreadView:
    """A page of messages (newest first) as the reader may see them, with everyone's read position."""
    conversation = await get_conversation(uow, account_id=account_id, conversation_id=conversation_id)
    page = await messaging.list_messages(uow, conversation_id=conversation_id, account_id=account_id,
                                         cursor=cursor, limit=limit)
    viewer = await audience.load_viewer(uow, account_id)
    shown = [message for message in page.items if message.sender_id not in viewer.blocked_ids]
    senders = await profiles.profiles_by_id(uow, {message.sender_id for message in shown})
    media_ids = [int(m.attachment["media_id"]) for m in shown if m.kind == "media" and m.attachment]
    assets = await media.get_assets(uow, ids=media_ids)
    post_ids = [int(m.attachment["post_id"]) for m in shown if m.kind == "shared" and m.attachment]
    shared = {int(post.id): post for post in await posts.hydrate_posts(
        uow, viewer, await posts.load_posts(uow, post_ids[:rules.SHARED_POSTS_PER_PAGE_MAX]))}
    views = []
    for message in shown:
        attachment = message.attachment or {}
        asset = assets.get(int(attachment["media_id"])) if message.kind == "media" else None
        post = shared.get(int(attachment["post_id"])) if message.kind == "shared" else None
        views.append(MessageView(
            message=message, sender=senders.get(message.sender_id),
            media_urls=(media.rendition_urls(uow.platform.blobs, asset) if asset is not None else {})
            if message.kind == "media" else None,
            shared_post=post, is_post_unavailable=message.kind == "shared" and post is None))
    last_read = {member.account_id: member.last_read_message_id for member in conversation.summary.members
                 if member.account_id != account_id}
    return ThreadView(conversation=conversation, messages=views, next_cursor=page.next_cursor, last_read=last_read)


async def mark_read(uow: UnitOfWork, *, account_id: int, conversation_id: int,
                    message_id: int | None = None) -> int | None:
    await get_conversation(uow, account_id=account_id, conversation_id=conversation_id)
    return await messaging.mark_read(uow, conversation_id=conversation_id, account_id=account_id,
                                     message_id=message_id)


async def unread_conversations(uow: UnitOfWork, *, account_id: int) -> int:
    return await messaging.count_unread_conversations(uow, network=NETWORK, account_id=account_id)
