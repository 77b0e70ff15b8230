"""Pure rules of discovery: engagement weights, hourly trend buckets, search types. No I/O."""

from __future__ import annotations

from datetime import datetime, timedelta

from casebook.apps.instagram.discover import limits
from casebook.apps.instagram.discover.errors import SearchTypeInvalid

SEARCH_TYPES = ("accounts", "hashtags", "places", "posts")

# Search index kinds (the search port's `kind`).
ACCOUNT_KIND = "instagram_account"
POST_KIND = "instagram_post"
HASHTAG_KIND = "instagram_hashtag"
PLACE_KIND = "instagram_place"

# Engagement velocity: a save says more than a comment, a comment more than a like (the brief's weights).
LIKE_WEIGHT = 1.0
COMMENT_WEIGHT = 2.0
SAVE_WEIGHT = 3.0
NEW_POST_WEIGHT = 1.0  # a hashtag trends with its new posts as well as with their engagement

_POSTS_BUCKET = "ig:trend:posts:"
_TAGS_BUCKET = "ig:trend:tags:"
_SUMMARY = "ig:trend:summary:"


def engagement_score(*, like_count: int, comment_count: int, save_count: int) -> float:
    return LIKE_WEIGHT * like_count + COMMENT_WEIGHT * comment_count + SAVE_WEIGHT * save_count


def hour_of(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H")


def posts_bucket_key(moment: datetime) -> str:
    return _POSTS_BUCKET + hour_of(moment)


def tags_bucket_key(moment: datetime) -> str:
    return _TAGS_BUCKET + hour_of(moment)


def trend_summary_key(moment: datetime) -> str:
    """The summed window of one minute: a new minute sums again."""
    return _SUMMARY + moment.strftime("%Y%m%d%H%M")


def window_hours(now: datetime) -> list[datetime]:
    """The hours the trend window sums, the current one first."""
    return [now - timedelta(hours=back) for back in range(limits.TREND_WINDOW_HOURS)]


def is_in_window(moment: datetime, *, now: datetime) -> bool:
    """Whether engagement at `moment` still counts: in this hour or one of the 23 before it."""
    oldest = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=limits.TREND_WINDOW_HOURS - 1)
    return moment >= oldest


def check_search_type(value: str) -> str:
    if value not in SEARCH_TYPES:
        raise SearchTypeInvalid(f"type is one of {', '.join(SEARCH_TYPES)}.", field="type")
    return value
