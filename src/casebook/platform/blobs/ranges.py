"""HTTP byte ranges and entity tags for blob downloads (RFC 9110 sections 13 and 14)."""

from __future__ import annotations

import re

_RANGE_PATTERN = re.compile(r"bytes=(\d*)-(\d*)")
RANGE_HEADER_CHARS_MAX = 200


class Unsatisfiable(Exception):
    """The Range names no byte of the object: answer 416."""


def parse_range(header: str | None, size_bytes: int) -> tuple[int, int] | None:
    """The one range [start, end) asked for, or None to send the whole object.

    Absent, malformed or multi-range headers give None (the whole object with 200 is a valid
    answer to all of them); a well-formed range outside the object raises Unsatisfiable.
    """
    if not header or len(header) > RANGE_HEADER_CHARS_MAX or "," in header:
        return None
    match = _RANGE_PATTERN.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # bytes=-n: the last n bytes
        suffix_bytes = int(last)
        if suffix_bytes == 0 or size_bytes == 0:
            raise Unsatisfiable
        return max(size_bytes - suffix_bytes, 0), size_bytes
    start = int(first)
    end = int(last) + 1 if last else size_bytes
    if last and end <= start:
        return None  # last < first is syntactically invalid: ignore the header
    if start >= size_bytes:
        raise Unsatisfiable
    return start, min(end, size_bytes)


def quoted(etag: str) -> str:
    return f'"{etag}"'


def etag_matches(header: str | None, etag: str) -> bool:
    """If-None-Match / If-Range comparison (weak: a W/ prefix is ignored, `*` matches)."""
    if not header:
        return False
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/").strip('"') == etag:
            return True
    return False
