"""Direct messages: 1:1 and group conversations, message requests, read receipts, live delivery.

Product-neutral: apps write `from casebook.engines import messaging`, pass their `network` (a product's
namespace) and decide who may message whom themselves, passing the outcome in (`as_request`, `requested_ids`).
Recipients get `{"type": "message", ...}` and `{"type": "read", ...}` on their realtime stream after commit.
"""

from casebook.engines.messaging.conversations import (
    accept_request,
    create_group,
    decline_request,
    leave,
    open_direct,
    set_muted,
)
from casebook.engines.messaging.errors import (
    ConversationNotFound,
    InvalidConversation,
    InvalidMessage,
    MessageNotFound,
    NoPendingRequest,
    NotAGroup,
    RequestPending,
)
from casebook.engines.messaging.events import GROUP_CREATED, MESSAGE_SENT, REQUEST_ACCEPTED
from casebook.engines.messaging.inbox import count_unread_conversations, get_conversation, list_conversations
from casebook.engines.messaging.messages import list_messages, mark_read, read_state, send_message
from casebook.engines.messaging.model import (
    Conversation,
    ConversationPage,
    ConversationSummary,
    Member,
    Message,
    MessagePage,
)

__all__ = [
    "GROUP_CREATED", "MESSAGE_SENT", "REQUEST_ACCEPTED",
    "Conversation", "ConversationNotFound", "ConversationPage", "ConversationSummary", "InvalidConversation",
    "InvalidMessage", "Member", "Message", "MessageNotFound", "MessagePage", "NoPendingRequest", "NotAGroup",
    "RequestPending",
    "accept_request", "count_unread_conversations", "create_group", "decline_request", "get_conversation",
    "leave", "list_conversations", "list_messages", "mark_read", "open_direct", "read_state", "send_message",
    "set_muted",
]
