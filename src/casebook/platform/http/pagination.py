"""Cursor pagination: opaque, tamper-evident cursors and a bounded page size for every list."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any, Generic, TypeVar

import msgspec

from casebook.platform.errors import Invalid

PAGE_SIZE_DEFAULT = 20
PAGE_SIZE_MAX = 100
CURSOR_LENGTH_MAX = 1024
_SIGNATURE_BYTES = 12

T = TypeVar("T")


class Page(msgspec.Struct, Generic[T], kw_only=True):
    items: list[T]
    next_cursor: str | None = None


class Cursors:
    """Encodes a position (a small dict) as base64url JSON with a truncated HMAC.

    The signature is not what keeps data private (every query re-checks access); it makes a
    forged or truncated cursor a clean 422 instead of a query on nonsense values.
    """

    def __init__(self, secret_key: str) -> None:
        self._key = hashlib.sha256(b"cursor:" + secret_key.encode()).digest()

    def encode(self, position: dict[str, Any]) -> str:
        payload = msgspec.json.encode(position)
        signature = hmac.new(self._key, payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]
        return base64.urlsafe_b64encode(signature + payload).rstrip(b"=").decode()

    def decode(self, cursor: str | None, *, type: type[T] = dict) -> T | None:
        """The position in `cursor` as `type` (a msgspec Struct or dict); None for the first page."""
        if cursor is None or cursor == "":
            return None
        try:
            if len(cursor) > CURSOR_LENGTH_MAX:
                raise ValueError("too long")
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            signature, payload = raw[:_SIGNATURE_BYTES], raw[_SIGNATURE_BYTES:]
            expected = hmac.new(self._key, payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]
            if not hmac.compare_digest(signature, expected):
                raise ValueError("bad signature")
            return msgspec.json.decode(payload, type=type)
        except (ValueError, msgspec.DecodeError, msgspec.ValidationError) as error:
            raise Invalid("The cursor is not valid; start again without it.", field="cursor",
                          code="invalid_cursor") from error


def clamp_limit(limit: int | None) -> int:
    """A page size within 1..PAGE_SIZE_MAX; out-of-range values are a 422, not silently changed."""
    if limit is None:
        return PAGE_SIZE_DEFAULT
    if not 1 <= limit <= PAGE_SIZE_MAX:
        raise Invalid(f"limit must be between 1 and {PAGE_SIZE_MAX}.", field="limit")
    return limit
