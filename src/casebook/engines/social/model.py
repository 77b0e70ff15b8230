"""Pure types of the social engine: results, relationships, pages; no I/O."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

FollowState = Literal["following", "requested"]


class FollowResult(msgspec.Struct, frozen=True, kw_only=True):
    """`request_id` is set when `state` is "requested"; `is_changed` is False for a repeated call."""

    state: FollowState
    request_id: int | None = None
    is_changed: bool = True


class Relationship(msgspec.Struct, frozen=True, kw_only=True):
    """How `viewer_id` stands towards `other_id`."""

    is_following: bool = False
    is_followed_by: bool = False
    is_requested: bool = False  # the viewer asked to follow the other and waits
    is_blocking: bool = False
    is_blocked_by: bool = False


class Counts(msgspec.Struct, frozen=True, kw_only=True):
    followers_count: int = 0
    following_count: int = 0


class FollowEdge(msgspec.Struct, frozen=True, kw_only=True):
    account_id: int  # the follower (list_followers) or the followee (list_following)
    followed_at: datetime


class FollowPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[FollowEdge]
    next_cursor: str | None = None


class FollowRequest(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    requester_id: int
    target_id: int
    created_at: datetime


class FollowRequestPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[FollowRequest]
    next_cursor: str | None = None


class Suggestion(msgspec.Struct, frozen=True, kw_only=True):
    account_id: int
    followed_by_count: int  # how many of the accounts I follow follow it


class FanOutResult(msgspec.Struct, frozen=True, kw_only=True):
    """"pushed": written into `pushed_count` active timelines; "pulled": the author has too many followers,
    so readers merge the author's items in at read time."""

    state: Literal["pushed", "pulled"]
    pushed_count: int = 0
