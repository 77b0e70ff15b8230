"""Request and response shapes of notifications and direct messages (ids as strings)."""

from __future__ import annotations

from datetime import datetime

from casebook.apps.instagram.inbox import activity, direct
from casebook.apps.instagram.posts.views import PostRead
from casebook.apps.instagram.schemas import AccountSummary, Schema, parse_id
from casebook.engines import messaging


class NotificationSubject(Schema):
    post_id: str
    thumbnail_url: str | None = None
    comment_id: str | None = None


class NotificationRead(Schema):
    id: str
    kind: str
    text: str  # "alice and 12 others liked your post"
    actors: list[AccountSummary]  # the few kept, newest first
    actor_count: int
    subject: NotificationSubject | None
    is_read: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_activity(cls, item: activity.Activity) -> NotificationRead:
        notification = item.notification
        subject = None if item.post_id is None else NotificationSubject(
            post_id=str(item.post_id), thumbnail_url=item.thumbnail_url,
            comment_id=None if item.comment_id is None else str(item.comment_id))
        return cls(id=str(notification.id), kind=notification.kind, text=item.text,
                   actors=[AccountSummary.from_profile(actor) for actor in item.actors],
                   actor_count=item.actor_count, subject=subject, is_read=notification.is_read,
                   created_at=notification.created_at, updated_at=notification.updated_at)


class NotificationPage(Schema):
    items: list[NotificationRead]
    next_cursor: str | None
    unread_count: int  # counted up to 100: show "99+" above 99

    @classmethod
    def from_page(cls, page: activity.ActivityPage) -> NotificationPage:
        return cls(items=[NotificationRead.from_activity(item) for item in page.items],
                   next_cursor=page.next_cursor, unread_count=page.unread_count)


class NotificationsMarkRead(Schema):
    ids: list[str] | None = None  # none: everything

    def parsed_ids(self) -> list[int] | None:
        return None if self.ids is None else [parse_id(value, field="ids") for value in self.ids]


class UnreadCountRead(Schema):
    unread_count: int
    changed: int | None = None


class ConversationCreate(Schema):
    usernames: list[str]
    title: str | None = None


class MessageCreate(Schema):
    text: str = ""
    media_id: str | None = None
    post_id: str | None = None


class ReadCreate(Schema):
    message_id: str | None = None


class MessageRead(Schema):
    id: str
    conversation_id: str
    sender: AccountSummary | None  # None: the sender's profile is gone
    kind: str  # text | media | shared
    text: str
    created_at: datetime
    media_urls: dict[str, str] | None = None
    shared_post: PostRead | None = None
    is_post_unavailable: bool = False  # a shared post this reader may not see: "Post unavailable"

    @classmethod
    def from_view(cls, view: direct.MessageView) -> MessageRead:
        message = view.message
        return cls(id=str(message.id), conversation_id=str(message.conversation_id),
                   sender=None if view.sender is None else AccountSummary.from_profile(view.sender),
                   kind=message.kind, text=message.body, media_urls=view.media_urls, shared_post=view.shared_post,
                   is_post_unavailable=view.is_post_unavailable, created_at=message.created_at)

    @classmethod
    def from_message(cls, message: messaging.Message, sender: AccountSummary | None) -> MessageRead:
        return cls(id=str(message.id), conversation_id=str(message.conversation_id), sender=sender,
                   kind=message.kind, text=message.body, created_at=message.created_at)


class ConversationRead(Schema):
    id: str
    kind: str  # direct | group
    title: str | None
    members: list[AccountSummary]  # everyone else in it
    status: str  # active (inbox) | requested (a message request to you)
    last_message_text: str | None
    last_message_at: datetime | None
    unread_count: int
    is_blocked: bool  # a direct thread across a block: read-only

    @classmethod
    def from_view(cls, view: direct.ConversationView) -> ConversationRead:
        summary, last = view.summary, view.last_message
        return cls(id=str(summary.conversation.id), kind=summary.conversation.kind, title=summary.conversation.title,
                   members=[AccountSummary.from_profile(member) for member in view.members], status=summary.status,
                   last_message_text=None if last is None else _preview(last),
                   last_message_at=None if last is None else last.created_at,
                   unread_count=summary.unread_count, is_blocked=view.is_blocked)


class ConversationPage(Schema):
    items: list[ConversationRead]
    next_cursor: str | None


class SeenRead(Schema):
    account: AccountSummary
    last_read_message_id: str | None


class ThreadRead(Schema):
    conversation: ConversationRead
    items: list[MessageRead]  # newest first
    next_cursor: str | None
    seen: list[SeenRead]  # each other member's last read message

    @classmethod
    def from_view(cls, view: direct.ThreadView) -> ThreadRead:
        members = {member.account_id: member for member in view.conversation.members}
        return cls(conversation=ConversationRead.from_view(view.conversation),
                   items=[MessageRead.from_view(item) for item in view.messages], next_cursor=view.next_cursor,
                   seen=[SeenRead(account=AccountSummary.from_profile(members[account_id]),
                                  last_read_message_id=None if message_id is None else str(message_id))
                         for account_id, message_id in view.last_read.items() if account_id in members])


class ReadReceipt(Schema):
    last_read_message_id: str | None


def _preview(message: messaging.Message) -> str:
    if message.kind == "media":
        return message.body or "Sent a photo"
    if message.kind == "shared":
        return message.body or "Shared a post"
    return message.body
