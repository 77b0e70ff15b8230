"""Blob keys: the one validator every adapter and route runs, so no key can leave the store's root."""

from __future__ import annotations

import re

from casebook.platform.errors import Invalid

KEY_CHARS_MAX = 512
# Letters, digits and `. _ / - =`; no `%`, `\`, `:` or spaces, so nothing decodes or maps to another path.
_KEY_PATTERN = re.compile(r"[A-Za-z0-9._/=-]+")
UPLOAD_PARTS_PREFIX = "uploads/"  # reserved: resumable-upload parts live here


def validate_key(key: str) -> str:
    """Return `key` unchanged when it is a safe relative key; raise Invalid (field "key") otherwise.

    Refused: empty, longer than KEY_CHARS_MAX, absolute, backslashes or other characters outside
    the set, empty segments (`a//b`, trailing `/`), and segments starting with a dot (`.`, `..`,
    hidden names; the local adapter keeps its metadata under `.meta/`).
    """
    if not isinstance(key, str) or not key:
        raise Invalid("a blob key must be a non-empty string", field="key")
    if len(key) > KEY_CHARS_MAX:
        raise Invalid(f"a blob key has at most {KEY_CHARS_MAX} characters", field="key")
    if not _KEY_PATTERN.fullmatch(key):
        raise Invalid("a blob key may only contain letters, digits and . _ / - =", field="key")
    if key.startswith("/"):
        raise Invalid("a blob key must be relative", field="key")
    for segment in key.split("/"):
        if not segment:
            raise Invalid("a blob key has no empty segments", field="key")
        if segment.startswith("."):
            raise Invalid("a blob key segment may not start with a dot", field="key")
    return key


def part_key(upload_id: int, offset_bytes: int) -> str:
    """Where the chunk of a resumable upload that starts at `offset_bytes` is stored."""
    return f"{UPLOAD_PARTS_PREFIX}{upload_id}/{offset_bytes}"
