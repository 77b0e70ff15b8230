"""The messaging engine's refusals: each a platform error with a stable code."""

from __future__ import annotations

from casebook.platform.errors import Conflict, Invalid, NotFound

__all__ = [
    "ConversationNotFound",
    "InvalidConversation",
    "InvalidMessage",
    "MessageNotFound",
    "NoPendingRequest",
    "NotAGroup",
    "RequestPending",
]


class ConversationNotFound(NotFound):
    """Also what a non-member (or a member who left) gets: a conversation's existence is private."""

    code = "conversation_not_found"
    title = "Conversation not found"


class MessageNotFound(NotFound):
    code = "message_not_found"
    title = "Message not found"


class InvalidMessage(Invalid):
    code = "invalid_message"
    title = "Invalid message"


class InvalidConversation(Invalid):
    code = "invalid_conversation"
    title = "Invalid conversation"


class NotAGroup(Invalid):
    code = "not_a_group"
    title = "Only a group conversation can be left"


class RequestPending(Conflict):
    """A requested member reads the request but sends nothing (and announces no "Seen") until accepting."""

    code = "message_request_pending"
    title = "Accept the message request first"


class NoPendingRequest(Conflict):
    code = "no_pending_request"
    title = "There is no message request to answer"
