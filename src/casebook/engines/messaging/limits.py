"""Limits of the messaging engine, units last."""

# 1,000: Instagram's cap on one direct message's text.
MESSAGE_CHARS_MAX = 1_000
# 32: Instagram's group thread cap (creator included).
GROUP_MEMBERS_MAX = 32
# A group of two is a direct conversation: a group starts with the creator and at least two others.
GROUP_MEMBERS_MIN = 3
GROUP_TITLE_CHARS_MAX = 100
NETWORK_CHARS_MAX = 40
# Attachments are app-defined references (a media asset id, a shared post id), never content.
ATTACHMENT_BYTES_MAX = 2_048
