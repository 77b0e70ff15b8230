"""Access tokens (HS256 JWTs) and opaque secrets (refresh and session tokens) kept only as SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import jwt
import msgspec

from casebook.platform.errors import Unauthorized

JWT_ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("sub", "usr", "iat", "exp", "jti")
ACCESS_TOKEN_LENGTH_MAX = 4096  # ours are ~300 chars; refuse to parse anything much bigger
OPAQUE_TOKEN_BYTES = 32  # 256 bits of entropy
OPAQUE_TOKEN_LENGTH_MAX = 128


class AccessClaims(msgspec.Struct, frozen=True, kw_only=True):
    sub: str  # account id
    usr: str  # username
    iat: int
    exp: int
    jti: str
    sid: str | None = None  # the refresh family this token was minted with


def encode_access_token(*, secret_key: str, account_id: int, username: str, family_id: int | None,
                        now: datetime, ttl_s: int) -> str:
    issued_at_s = int(now.timestamp())
    claims = {"sub": str(account_id), "usr": username, "iat": issued_at_s, "exp": issued_at_s + ttl_s,
              "jti": secrets.token_urlsafe(12)}
    if family_id is not None:
        claims["sid"] = str(family_id)
    return jwt.encode(claims, secret_key, algorithm=JWT_ALGORITHM)


def decode_access_token(token: str, *, secret_key: str, now_s: float) -> AccessClaims:
    """Verified claims, or Unauthorized("invalid_token") for anything forged, malformed or expired.

    Expiry is checked against the platform clock (not PyJWT's wall clock) so tests with a
    frozen clock and production agree on what "expired" means.
    """
    if len(token) > ACCESS_TOKEN_LENGTH_MAX:
        raise _invalid("The access token is malformed.")
    try:
        payload = jwt.decode(
            token, secret_key, algorithms=[JWT_ALGORITHM],
            options={"require": list(REQUIRED_CLAIMS), "verify_exp": False, "verify_iat": False,
                     "verify_nbf": False},
        )
        claims = msgspec.convert(payload, AccessClaims)
        int(claims.sub)
    except (jwt.InvalidTokenError, msgspec.ValidationError, ValueError):
        raise _invalid("The access token is invalid.") from None
    if now_s >= claims.exp:
        raise _invalid("The access token has expired.")
    return claims


def new_opaque_token() -> str:
    return secrets.token_urlsafe(OPAQUE_TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invalid(detail: str) -> Unauthorized:
    return Unauthorized(detail, code="invalid_token")
