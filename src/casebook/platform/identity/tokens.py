"""Access tokens (HS256 JWTs) and opaque secrets (refresh and session tokens) kept only as SHA-256."""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import re
import secrets
from collections import OrderedDict
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

    This is every authenticated request's hot path, so it verifies HS256 itself (one HMAC, one
    msgspec decode: a few microseconds, once per token) instead of going through PyJWT (~150 µs here). The header
    must be exactly HS256, so `alg: none` and key-confusion tricks are refused. Expiry is checked
    against the platform clock so tests with a frozen clock and production agree.
    """
    claims = _verified.get((secret_key, token))
    if claims is None:
        claims = _verify(token, secret_key=secret_key)
        _verified[(secret_key, token)] = claims
        if len(_verified) > VERIFIED_TOKENS_MAX:
            _verified.popitem(last=False)  # oldest verified first: a client sends one token for minutes
    if now_s >= claims.exp:
        raise _invalid("The access token has expired.")
    return claims


# Signature checks already made: the same token arrives on every request of a client for its lifetime, and a
# token's signature and claims cannot change (only its expiry, checked on every use). Bounded, per process.
VERIFIED_TOKENS_MAX = 10_000
_verified: OrderedDict[tuple[str, str], AccessClaims] = OrderedDict()


def _verify(token: str, *, secret_key: str) -> AccessClaims:
    if len(token) > ACCESS_TOKEN_LENGTH_MAX or token.count(".") != 2:
        raise _invalid("The access token is malformed.")
    header_b64, payload_b64, signature_b64 = token.split(".")
    try:
        header = _HEADER_DECODER.decode(_b64decode(header_b64))
        if header.alg != JWT_ALGORITHM:
            raise ValueError("algorithm")
        signature = _b64decode(signature_b64)
        expected = hmac.new(_signing_key(secret_key), f"{header_b64}.{payload_b64}".encode("ascii"),
                            hashlib.sha256).digest()
        if not hmac.compare_digest(signature, expected):
            raise ValueError("signature")
        claims = _CLAIMS_DECODER.decode(_b64decode(payload_b64))
        int(claims.sub)
    except (ValueError, msgspec.DecodeError, binascii.Error, UnicodeEncodeError):
        raise _invalid("The access token is invalid.") from None
    return claims


class _JoseHeader(msgspec.Struct):
    alg: str


_HEADER_DECODER = msgspec.json.Decoder(_JoseHeader)
_CLAIMS_DECODER = msgspec.json.Decoder(AccessClaims)


@functools.lru_cache(maxsize=8)
def _signing_key(secret_key: str) -> bytes:
    return secret_key.encode()


def _b64decode(segment: str) -> bytes:
    if not _BASE64URL.fullmatch(segment):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def new_opaque_token() -> str:
    return secrets.token_urlsafe(OPAQUE_TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invalid(detail: str) -> Unauthorized:
    return Unauthorized(detail, code="invalid_token")
