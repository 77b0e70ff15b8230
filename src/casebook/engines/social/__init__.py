"""The social graph (follows, follow requests, blocks, counters) and capped home timelines with hybrid fan-out.

Product-neutral: every call takes a `network` (the app's slug), so one product's graph never
shows in another's. Accounts are identity account ids. Apps write `from casebook.engines import social` and:

- change the graph inside their unit of work: `await social.follow(uow, network=..., follower_id=...,
  followee_id=..., requires_approval=profile.is_private)`; edges, counters and events
  (`social.FOLLOWED`, ...) commit together;
- read with `social.relationship`, `social.list_followers`, `social.counts`, `social.suggest_accounts`;
- fan out from their bus consumer: `await social.timelines.fan_out(uow, network=..., author_id=...,
  item_id=post.id, created_at=post.created_at)`;
- serve a home feed: `page = await social.timelines.read(cache, network=..., account_id=..., before=cursor)`;
  None means "rebuild": read the newest posts of `following_ids` from the database and call
  `social.timelines.rebuild(...)`. Posts of followed accounts over the fan-out threshold are read at
  request time and merged in with `social.timelines.merge`.
"""

from casebook.engines.social import events, limits, timelines
from casebook.engines.social.errors import (
    Blocked,
    FollowingLimitReached,
    FollowRequestNotFound,
    InvalidSocialRequest,
    SelfBlock,
    SelfFollow,
)
from casebook.engines.social.events import (
    BLOCKED,
    FOLLOW_APPROVED,
    FOLLOW_DENIED,
    FOLLOW_REQUEST_CANCELLED,
    FOLLOW_REQUESTED,
    FOLLOWED,
    UNBLOCKED,
    UNFOLLOWED,
)
from casebook.engines.social.graph import (
    approve_follow_request,
    block,
    blocked_either_way_ids,
    counts,
    deny_follow_request,
    follow,
    follower_ids,
    following_ids,
    is_blocked_either_way,
    list_follow_requests,
    list_followers,
    list_following,
    relationship,
    remove_follower,
    suggest_accounts,
    unblock,
    unfollow,
)
from casebook.engines.social.model import (
    Counts,
    FanOutResult,
    FollowEdge,
    FollowPage,
    FollowRequest,
    FollowRequestPage,
    FollowResult,
    Relationship,
    Suggestion,
)
from casebook.engines.social.timelines import TimelineEntry, TimelinePage

__all__ = [
    "BLOCKED", "FOLLOWED", "FOLLOW_APPROVED", "FOLLOW_DENIED", "FOLLOW_REQUESTED", "FOLLOW_REQUEST_CANCELLED",
    "UNBLOCKED", "UNFOLLOWED",
    "Blocked", "Counts", "FanOutResult", "FollowEdge", "FollowPage", "FollowRequest", "FollowRequestNotFound",
    "FollowRequestPage", "FollowResult", "FollowingLimitReached", "InvalidSocialRequest", "Relationship", "SelfBlock", "SelfFollow",
    "Suggestion", "TimelineEntry", "TimelinePage",
    "approve_follow_request", "block", "blocked_either_way_ids", "counts", "deny_follow_request", "events",
    "follow", "follower_ids", "following_ids", "is_blocked_either_way", "limits", "list_follow_requests",
    "list_followers", "list_following", "relationship", "remove_follower", "suggest_accounts", "timelines",
    "unblock", "unfollow",
]
