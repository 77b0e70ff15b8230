"""Instagram's product rules shared by every part of the app: names, limits, caption parsing. No I/O."""

from __future__ import annotations

import re
import unicodedata

from casebook.platform.errors import Invalid

NETWORK = "instagram"  # the engines' namespace for this app's graph, timelines, notifications and DMs

USERNAME_CHARS_MAX = 30  # Instagram's cap
FULL_NAME_CHARS_MAX = 64
BIO_CHARS_MAX = 150
WEBSITE_CHARS_MAX = 200
CAPTION_CHARS_MAX = 2_200  # Instagram's caption cap
CAPTION_HASHTAGS_MAX = 30  # Instagram refuses a caption with more
CAPTION_MENTIONS_MAX = 20  # Instagram's mention cap per caption
HASHTAG_CHARS_MAX = 100
POST_MEDIA_MAX = 10  # a carousel holds 1-10 items
USER_TAGS_PER_MEDIA_MAX = 20
COMMENT_CHARS_MAX = 2_200
REPORT_DETAILS_CHARS_MAX = 1_000
CLOSE_FRIENDS_MAX = 1_000

VISIBILITIES = ("public", "followers", "close_friends")
REPORT_KINDS = ("post", "comment", "account")
REPORT_REASONS = ("spam", "nudity", "violence", "harassment", "hate_speech", "false_information",
                  "scam", "intellectual_property", "self_harm", "other")

_USERNAME = re.compile(r"[a-z0-9._]{1,30}")
# A hashtag or mention ends at the first character that is not a letter, digit or underscore (mentions
# also allow dots, as usernames do); "#" or "@" must not follow a word character (so "a@b.c" is no mention).
_HASHTAG = re.compile(r"(?<![\w#])#(\w{1,100})", re.UNICODE)
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9._]{1,30})")


def normalize_username(username: str) -> str:
    return username.strip().lstrip("@").lower()


def check_username(username: str, *, field: str = "username") -> str:
    """Lower case letters, digits, '.' and '_', 1-30 characters, not starting or ending with '.'."""
    normalized = normalize_username(username)
    if not _USERNAME.fullmatch(normalized) or normalized.startswith(".") or normalized.endswith(".") \
            or ".." in normalized:
        raise Invalid("A username has 1-30 letters, digits, '.' or '_' (no leading, trailing or double '.').",
                      field=field, code="username_invalid")
    return normalized


def username_from_identity(identity_username: str) -> str:
    """The Instagram username first offered for an identity account (identity allows other characters)."""
    folded = unicodedata.normalize("NFKD", identity_username).encode("ascii", "ignore").decode().lower()
    cleaned = re.sub(r"[^a-z0-9._]", "_", folded).strip(".")[:USERNAME_CHARS_MAX].rstrip(".")
    return re.sub(r"\.{2,}", ".", cleaned) or "user"


def check_text(value: str, *, field: str, chars_max: int) -> str:
    if len(value) > chars_max:
        raise Invalid(f"At most {chars_max} characters.", field=field, code="too_long")
    return value


def hashtags_in(caption: str) -> list[str]:
    """Distinct hashtags, lower case, in order of first appearance."""
    return list(dict.fromkeys(tag.lower() for tag in _HASHTAG.findall(caption)))


def mentions_in(caption: str) -> list[str]:
    """Distinct mentioned usernames, lower case, in order of first appearance."""
    return list(dict.fromkeys(name.lower().rstrip(".") for name in _MENTION.findall(caption)))


def check_caption(caption: str, *, field: str = "caption") -> tuple[list[str], list[str]]:
    """Return (hashtags, mentions) of a caption within Instagram's limits, or raise Invalid."""
    check_text(caption, field=field, chars_max=CAPTION_CHARS_MAX)
    hashtags, mentions = hashtags_in(caption), mentions_in(caption)
    if len(hashtags) > CAPTION_HASHTAGS_MAX:
        raise Invalid(f"A caption has at most {CAPTION_HASHTAGS_MAX} hashtags.", field=field,
                      code="too_many_hashtags")
    if len(mentions) > CAPTION_MENTIONS_MAX:
        raise Invalid(f"A caption mentions at most {CAPTION_MENTIONS_MAX} accounts.", field=field,
                      code="too_many_mentions")
    return hashtags, mentions


def check_visibility(visibility: str, *, field: str = "visibility") -> str:
    if visibility not in VISIBILITIES:
        raise Invalid(f"Visibility is one of {', '.join(VISIBILITIES)}.", field=field, code="visibility_invalid")
    return visibility

