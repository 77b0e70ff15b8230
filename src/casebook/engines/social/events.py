"""Events the social engine publishes, each in the transaction of the change it describes.

Every payload carries `network`; ids are ints. Idempotent calls that change nothing publish nothing.
"""

from __future__ import annotations

FOLLOWED = "casebook.social.followed"  # network, follower_id, followee_id (any new edge, approved ones too)
UNFOLLOWED = "casebook.social.unfollowed"  # network, follower_id, followee_id (unfollow, remove, block)
FOLLOW_REQUESTED = "casebook.social.follow_requested"  # network, request_id, requester_id, target_id
FOLLOW_REQUEST_CANCELLED = "casebook.social.follow_request_cancelled"  # same payload as requested
FOLLOW_APPROVED = "casebook.social.follow_approved"  # network, request_id, follower_id, followee_id
FOLLOW_DENIED = "casebook.social.follow_denied"  # network, request_id, requester_id, target_id
BLOCKED = "casebook.social.blocked"  # network, blocker_id, blocked_id
UNBLOCKED = "casebook.social.unblocked"  # network, blocker_id, blocked_id
ALL_SUBJECTS = (FOLLOWED, UNFOLLOWED, FOLLOW_REQUESTED, FOLLOW_REQUEST_CANCELLED, FOLLOW_APPROVED, FOLLOW_DENIED,
                BLOCKED, UNBLOCKED)
