"""Rules of Instagram's activity list and direct messages: notification kinds and their wording, who lands in
a message request, and the inbox's limits. No I/O."""

from __future__ import annotations

from casebook.platform.errors import Forbidden, Invalid, NotFound

# 31: Instagram's group thread holds 32 people, the sender included.
CONVERSATION_USERNAMES_MAX = 31
EXCERPT_CHARS_MAX = 100  # a comment quoted in a notification: one line on a phone
SHARED_POSTS_PER_PAGE_MAX = 100  # one page of messages shares at most one post each
STREAM_BLOCKED_IDS_MAX = 10_000  # the social engine's own cap on blocked_either_way_ids

# What each kind says after the actors; kinds with ":" quote the comment's excerpt when there is one actor.
KIND_PHRASES = {
    "like": "liked your post",
    "comment": "commented on your post",
    "reply": "replied to your comment",
    "mention": "mentioned you in a post",
    "comment_mention": "mentioned you in a comment",
    "tag": "tagged you in a post",
    "follow": "started following you",
    "follow_request": "requested to follow you",
    "follow_approved": "accepted your follow request",
}
QUOTING_KINDS = frozenset({"comment", "reply", "comment_mention"})
POST_KINDS = frozenset({"like", "comment", "reply", "mention", "comment_mention", "tag"})


class MessagingBlocked(Forbidden):
    """A block stands between the two people of a direct conversation: nothing more can be sent in it."""

    code = "messaging_blocked"


class PostUnavailable(NotFound):
    code = "post_not_found"


def like_group(post_id: int) -> str:
    return f"like:{post_id}"


def comment_group(post_id: int) -> str:
    return f"comment:{post_id}"


def reply_group(comment_id: int) -> str:
    return f"reply:{comment_id}"


FOLLOW_GROUP = "follow"  # new followers pile up into one line while unread


def follow_request_group(requester_id: int) -> str:
    """One line per requester, so an answered or withdrawn request can take its own line away."""
    return f"follow_request:{requester_id}"


def actors_phrase(names: list[str], count: int) -> str:
    """"alice", "alice and bob", "alice and 12 others" ("and 1 other")."""
    assert names and count >= len(names), "a notification names at least one of its actors"
    if count == 1:
        return names[0]
    if count == 2 and len(names) >= 2:
        return f"{names[0]} and {names[1]}"
    others = count - 1
    return f"{names[0]} and {others} {'other' if others == 1 else 'others'}"


def notification_text(kind: str, names: list[str], count: int, excerpt: str | None = None) -> str:
    """"alice and 12 others liked your post"; a single commenter's words are quoted after a colon."""
    text = f"{actors_phrase(names, count)} {KIND_PHRASES.get(kind, kind.replace('_', ' '))}"
    if kind in QUOTING_KINDS and count == 1 and excerpt:
        text += f": {excerpt}"
    return text


def excerpt_of(body: str) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= EXCERPT_CHARS_MAX else flat[:EXCERPT_CHARS_MAX - 1] + "…"


def is_message_request(*, recipient_follows_sender: bool) -> bool:
    """Someone who does not follow the sender (private or not) gets the first message as a request."""
    return not recipient_follows_sender


def check_usernames(usernames: list[str]) -> None:
    if not 1 <= len(usernames) <= CONVERSATION_USERNAMES_MAX:
        raise Invalid(f"A conversation starts with 1 to {CONVERSATION_USERNAMES_MAX} other people.",
                      field="usernames", code="usernames_count_invalid")
