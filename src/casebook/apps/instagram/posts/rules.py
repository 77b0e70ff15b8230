"""Rules of posts, uploads, comments and places: limits and normalizations. No I/O."""

from __future__ import annotations

import re

from casebook.apps.instagram import rules
from casebook.platform.errors import Invalid

# Uploads: a phone photo is 2-12 MB (a 48 MP JPEG ~15 MB); a 60 s 1080p clip 60-100 MB.
PHOTO_BYTES_MAX = 30 * 1024 * 1024
VIDEO_BYTES_MAX = 100 * 1024 * 1024
UPLOAD_BYTES_MAX = max(PHOTO_BYTES_MAX, VIDEO_BYTES_MAX)  # what a body may be before its kind is known
SNIFF_BYTES = 4_096  # the media engine reads an ISO ftyp box of up to 4,096 bytes to tell the kind

PLACE_NAME_CHARS_MAX = 100
PLACE_COORDINATE_DECIMALS = 3  # 0.001 degree of latitude is ~111 m: one place per name per ~100 m
COMMENT_MENTIONS_MAX = rules.CAPTION_MENTIONS_MAX
POSTS_PAGE_SIZE_DEFAULT = 12  # a profile grid shows rows of three
HYDRATE_POSTS_MAX = 100  # one feed, grid or saved page


def check_media_ids(media_ids: list[int]) -> list[int]:
    if not 1 <= len(media_ids) <= rules.POST_MEDIA_MAX:
        raise Invalid(f"A post has 1 to {rules.POST_MEDIA_MAX} photos or videos.", field="media_ids",
                      code="media_count_invalid")
    if len(set(media_ids)) != len(media_ids):
        raise Invalid("The same media appears twice in the post.", field="media_ids", code="media_duplicate")
    return media_ids


def check_tag_point(x: float, y: float, *, field: str) -> None:
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        raise Invalid("A tag's x and y are fractions of the width and height, 0 to 1.", field=field,
                      code="tag_point_invalid")


def normalize_place_name(name: str) -> str:
    """The name as shown: trimmed, inner whitespace collapsed."""
    return re.sub(r"\s+", " ", name).strip()


def check_place(name: str, latitude: float | None, longitude: float | None) -> str:
    shown = normalize_place_name(name)
    if not shown or len(shown) > PLACE_NAME_CHARS_MAX:
        raise Invalid(f"A location's name has 1 to {PLACE_NAME_CHARS_MAX} characters.", field="location.name",
                      code="location_invalid")
    if (latitude is None) != (longitude is None):
        raise Invalid("Give both latitude and longitude, or neither.", field="location", code="location_invalid")
    if latitude is not None and not -90.0 <= latitude <= 90.0:
        raise Invalid("Latitude is between -90 and 90.", field="location.latitude", code="location_invalid")
    if longitude is not None and not -180.0 <= longitude <= 180.0:
        raise Invalid("Longitude is between -180 and 180.", field="location.longitude", code="location_invalid")
    return shown


def place_key(name: str, latitude: float | None, longitude: float | None) -> str:
    """Case-insensitive name plus coordinates rounded to ~100 m: the same café tagged twice is one place."""
    folded = normalize_place_name(name).casefold()
    if latitude is None or longitude is None:
        return folded
    digits = PLACE_COORDINATE_DECIMALS
    # +0.0 turns a rounded -0.0 into 0.0, so both sides of the equator's rounding share a key.
    return f"{folded}@{round(latitude, digits) + 0.0:.{digits}f},{round(longitude, digits) + 0.0:.{digits}f}"


def check_comment(body: str) -> str:
    text = body.strip()
    if not text:
        raise Invalid("A comment cannot be empty.", field="body", code="comment_empty")
    rules.check_text(text, field="body", chars_max=rules.COMMENT_CHARS_MAX)
    if len(rules.mentions_in(text)) > COMMENT_MENTIONS_MAX:
        raise Invalid(f"A comment mentions at most {COMMENT_MENTIONS_MAX} accounts.", field="body",
                      code="too_many_mentions")
    return text


def excerpt(text: str, *, chars_max: int = 100) -> str:
    return text if len(text) <= chars_max else text[:chars_max - 1] + "…"
