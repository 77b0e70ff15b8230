"""The messaging engine's public types (msgspec Structs) and its pure rules, no I/O."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

from casebook.engines.messaging import limits
from casebook.engines.messaging.errors import InvalidConversation, InvalidMessage

ConversationKind = Literal["direct", "group"]
MemberStatus = Literal["active", "requested", "left"]
MessageKind = Literal["text", "media", "shared"]
Folder = Literal["inbox", "requests"]

MESSAGE_KINDS = ("text", "media", "shared")
# A folder is the member statuses it lists: the inbox holds accepted threads, requests the pending ones.
FOLDER_STATUS = {"inbox": "active", "requests": "requested"}


class Conversation(msgspec.Struct, kw_only=True, frozen=True):
    id: int
    network: str
    kind: ConversationKind
    title: str | None
    created_by: int
    created_at: datetime
    last_message_at: datetime | None
    last_message_id: int | None


class Member(msgspec.Struct, kw_only=True, frozen=True):
    account_id: int
    status: MemberStatus
    last_read_message_id: int | None
    is_muted: bool
    joined_at: datetime


class Message(msgspec.Struct, kw_only=True, frozen=True):
    id: int
    conversation_id: int
    sender_id: int
    kind: MessageKind
    body: str
    attachment: dict[str, Any] | None
    created_at: datetime


class ConversationSummary(msgspec.Struct, kw_only=True, frozen=True):
    """One inbox row as the reading account sees it."""

    conversation: Conversation
    members: list[Member]  # everyone not gone, the reader included, in account id order
    status: MemberStatus  # the reader's own
    last_message: Message | None
    unread_count: int
    is_muted: bool

    @property
    def is_unread(self) -> bool:
        return self.unread_count > 0


class ConversationPage(msgspec.Struct, kw_only=True, frozen=True):
    items: list[ConversationSummary]
    next_cursor: str | None


class MessagePage(msgspec.Struct, kw_only=True, frozen=True):
    items: list[Message]  # newest first
    next_cursor: str | None


def direct_key(first_id: int, second_id: int) -> str:
    """The same key whoever starts: the two ids in ascending order."""
    low, high = sorted((first_id, second_id))
    return f"{low}:{high}"


def check_network(network: str) -> None:
    if not network or len(network) > limits.NETWORK_CHARS_MAX:
        raise InvalidConversation(f"network must be 1 to {limits.NETWORK_CHARS_MAX} characters", field="network")


def check_message(kind: str, body: str, attachment: dict[str, Any] | None) -> None:
    """Text needs a body; media and shared messages need an attachment (the body is an optional caption)."""
    if kind not in MESSAGE_KINDS:
        raise InvalidMessage(f"kind must be one of {', '.join(MESSAGE_KINDS)}", field="kind")
    if len(body) > limits.MESSAGE_CHARS_MAX:
        raise InvalidMessage(f"a message holds at most {limits.MESSAGE_CHARS_MAX} characters", field="body")
    if kind == "text":
        if not body.strip():
            raise InvalidMessage("a text message needs some text", field="body")
        if attachment is not None:
            raise InvalidMessage("a text message has no attachment", field="attachment")
        return
    if not attachment:
        raise InvalidMessage(f"a {kind} message needs an attachment", field="attachment")
    if len(msgspec.json.encode(attachment)) > limits.ATTACHMENT_BYTES_MAX:
        raise InvalidMessage(f"an attachment is at most {limits.ATTACHMENT_BYTES_MAX} bytes of JSON",
                             field="attachment")


def check_group(creator_id: int, member_ids: set[int], title: str | None) -> None:
    everyone = member_ids | {creator_id}
    if len(everyone) < limits.GROUP_MEMBERS_MIN:
        raise InvalidConversation(f"a group has at least {limits.GROUP_MEMBERS_MIN} members, its creator included",
                                  field="member_ids")
    if len(everyone) > limits.GROUP_MEMBERS_MAX:
        raise InvalidConversation(f"a group has at most {limits.GROUP_MEMBERS_MAX} members, its creator included",
                                  field="member_ids")
    if title is not None and len(title) > limits.GROUP_TITLE_CHARS_MAX:
        raise InvalidConversation(f"a title is at most {limits.GROUP_TITLE_CHARS_MAX} characters", field="title")
