"""HMAC-signed download URLs served by /api/blobs: signing, verification, Content-Disposition."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
import urllib.parse

from casebook.platform.blobs.keys import validate_key
from casebook.platform.errors import Forbidden, Invalid

BLOB_ROUTE_PREFIX = "/api/blobs/"
SIGNED_URL_EXPIRES_S_MAX = 7 * 24 * 3600  # 7 days: the longest S3 allows for a presigned URL
FILENAME_CHARS_MAX = 255
_FILENAME_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f"\\/]')
_SIGNATURE_PATTERN = re.compile(r"[0-9a-f]{64}")


class UrlSigner:
    """Signs `{public_url}/api/blobs/{key}?expires=…&sig=…[&filename=…]` with the platform secret.

    The MAC covers key, expiry and filename joined by newlines: none of them can contain one, so
    no two different triples sign the same message.
    """

    def __init__(self, secret_key: str, public_url: str) -> None:
        assert secret_key, "blob URL signing needs a secret key"
        self._secret = secret_key.encode()
        self.public_url = public_url.rstrip("/")

    def _mac(self, key: str, expires_at_s: int, filename: str | None) -> str:
        message = "\n".join((key, str(expires_at_s), filename or "")).encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def sign(self, key: str, *, expires_s: int, filename: str | None = None, now_s: float | None = None) -> str:
        """A URL valid for `expires_s` seconds from now (a negative value gives an expired URL)."""
        validate_key(key)
        if filename is not None:
            validate_filename(filename)
        if expires_s > SIGNED_URL_EXPIRES_S_MAX:
            raise Invalid(f"a signed URL lives at most {SIGNED_URL_EXPIRES_S_MAX} s", field="expires_s")
        expires_at_s = int(now_s if now_s is not None else time.time()) + expires_s
        query = {"expires": str(expires_at_s), "sig": self._mac(key, expires_at_s, filename)}
        if filename is not None:
            query["filename"] = filename
        return f"{self.public_url}{BLOB_ROUTE_PREFIX}{key}?{urllib.parse.urlencode(query)}"

    def verify(self, key: str, *, expires: str | None, sig: str | None, filename: str | None,
               now_s: float | None = None) -> int:
        """Return the expiry (unix seconds) of a valid signature; raise Forbidden otherwise."""
        if not expires or not sig or not expires.isdigit() or len(expires) > 12 \
                or not _SIGNATURE_PATTERN.fullmatch(sig):
            raise Forbidden("missing or malformed signature", code="signature_invalid")
        expires_at_s = int(expires)
        expected = self._mac(key, expires_at_s, filename)
        if not hmac.compare_digest(expected, sig):
            raise Forbidden("the signature does not match", code="signature_invalid")
        if expires_at_s <= (now_s if now_s is not None else time.time()):
            raise Forbidden("the signed URL has expired", code="signature_expired")
        return expires_at_s


def validate_filename(filename: str) -> str:
    if not filename or len(filename) > FILENAME_CHARS_MAX or _FILENAME_FORBIDDEN.search(filename):
        raise Invalid("a download filename has 1-255 characters and no quotes, slashes or controls",
                      field="filename")
    return filename


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / RFC 8187)."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{urllib.parse.quote(filename, safe='')}"
