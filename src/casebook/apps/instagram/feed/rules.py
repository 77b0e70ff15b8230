"""The home feed's and stories' rules: fan-out threshold, bounds, and the ranked feed's score. No I/O.

The ranked score follows the design's "likeness, comments, user activity": a post's engagement (likes,
comments, saves) on a log scale, the viewer's affinity with its author (their recent likes and comments
on that author's posts), both discounted by the post's age with an exponential half-life.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

# An author with more followers than this is not fanned out: readers pull their posts at read time.
# Inclusive, so the benchmark's author with exactly 10,000 followers is pushed. Tests monkeypatch it.
FANOUT_FOLLOWERS_MAX = 10_000

FEED_PAGE_SIZE_DEFAULT = 20
FEED_PAGE_SIZE_MAX = 50
REBUILD_ITEMS_MAX = 800  # the timeline's own cap (Mastodon's home-feed cap)
REBUILD_WINDOW = timedelta(days=30)  # a rebuilt timeline reaches back this far
# After a rebuild, posts stamped this long before it began are read again: a post's time is taken before its
# transaction commits, so one committing during the rebuild may carry a slightly earlier time.
REBUILD_CATCH_UP = timedelta(seconds=10)
PULLED_WINDOW = timedelta(days=30)  # pulled (celebrity) posts merged in reach back as far as a rebuild
PULLED_TIES_MAX = 800  # posts of pulled authors read for one millisecond at a page boundary (see pulled_page)

RANKED_CANDIDATES_MAX = 500  # posts scored for one ranked feed
RANKED_WINDOW = timedelta(days=7)  # ranked candidates are at most a week old
RANKED_SNAPSHOT_TTL_S = 10 * 60  # a ranked feed scrolls through one frozen order for ten minutes
AFFINITY_WINDOW = timedelta(days=30)  # likes and comments that count towards affinity
AFFINITY_ROWS_MAX = 2_000  # likes + comments read for one viewer's affinity

RECENCY_HALF_LIFE_H = 6.0  # a post loses half its score every six hours
ENGAGEMENT_WEIGHT = 1.0
AFFINITY_WEIGHT = 2.0  # people see more of those they interact with: one like outweighs a stranger's
BASE_SCORE = 1.0  # a fresh post nobody touched still ranks, by recency alone
COMMENT_WEIGHT = 2.0  # a comment takes more effort than a like
SAVE_WEIGHT = 1.0

STORY_LIFETIME = timedelta(hours=24)
STORY_AUDIENCES = ("everyone", "close_friends")
STORY_RETENTION = timedelta(days=2)  # rows (and their views) kept after expiry, then purged; 48 h like Instagram
STORY_PURGE_EVERY_S = 3600
STORY_PURGE_BATCH_MAX = 1_000
TRAY_ACCOUNTS_MAX = 100  # accounts shown in one tray
TRAY_STORIES_MAX = 2_000  # live stories read for one tray
STORIES_PER_ACCOUNT_MAX = 100  # Instagram's daily cap on stories


def recency_factor(age_h: float) -> float:
    """1 for a post made now, halving every RECENCY_HALF_LIFE_H hours; never above 1 (clock skew)."""
    return 0.5 ** (max(age_h, 0.0) / RECENCY_HALF_LIFE_H)


def engagement(*, like_count: int, comment_count: int, save_count: int) -> float:
    """log(1 + likes + 2 × comments + saves): a thousand likes do not bury everyone else's posts."""
    total = max(like_count, 0) + COMMENT_WEIGHT * max(comment_count, 0) + SAVE_WEIGHT * max(save_count, 0)
    return math.log1p(total)


def affinity(interaction_count: int) -> float:
    """log(1 + the viewer's recent likes and comments on the author's posts)."""
    return math.log1p(max(interaction_count, 0))


def score(*, age_h: float, like_count: int, comment_count: int, save_count: int, interaction_count: int) -> float:
    """The ranked feed's score of one post for one viewer; higher first."""
    value = BASE_SCORE + ENGAGEMENT_WEIGHT * engagement(
        like_count=like_count, comment_count=comment_count, save_count=save_count) \
        + AFFINITY_WEIGHT * affinity(interaction_count)
    return value * recency_factor(age_h)


def age_hours(created_at: datetime, now: datetime) -> float:
    return (now - created_at).total_seconds() / 3600
