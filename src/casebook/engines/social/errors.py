"""The social engine's refusals: each a platform error with a stable code."""

from __future__ import annotations

from casebook.platform.errors import Conflict, Invalid, NotFound

__all__ = ["Blocked", "FollowRequestNotFound", "FollowingLimitReached", "InvalidSocialRequest", "SelfBlock",
           "SelfFollow"]


class InvalidSocialRequest(Invalid):
    code = "invalid_social_request"
    title = "Invalid request"


class SelfFollow(Invalid):
    code = "self_follow"
    title = "An account cannot follow itself"


class SelfBlock(Invalid):
    code = "self_block"
    title = "An account cannot block itself"


class Blocked(NotFound):
    """A block stands between the two accounts. A 404, because apps hide that the other account exists."""

    code = "blocked"
    title = "Not found"


class FollowRequestNotFound(NotFound):
    code = "follow_request_not_found"
    title = "Follow request not found"


class FollowingLimitReached(Conflict):
    """Following is capped (FOLLOWING_MAX by default), which keeps following_ids() and rebuilds bounded."""

    code = "following_limit_reached"
    title = "Following too many accounts"
