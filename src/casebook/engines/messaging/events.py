"""Events the messaging engine publishes (in the transaction of the change), for apps to notify on."""

from __future__ import annotations

# payload: message_id, conversation_id, network, kind (message kind), sender_id, recipient_ids (active
# members but the sender), request_recipient_ids (members who have not accepted yet), muted_recipient_ids
# (those of either list who muted the conversation: deliver, but do not notify); ids as strings.
MESSAGE_SENT = "casebook.messaging.message_sent"
# payload: conversation_id, network, account_id; ids as strings.
REQUEST_ACCEPTED = "casebook.messaging.request_accepted"
# payload: conversation_id, network, creator_id, member_ids, request_ids; ids as strings.
GROUP_CREATED = "casebook.messaging.group_created"

__all__ = ["GROUP_CREATED", "MESSAGE_SENT", "REQUEST_ACCEPTED"]
