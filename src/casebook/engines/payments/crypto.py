"""Card secrets at rest: AES-GCM sealing and a keyed digest, keyed from the platform secret key (HKDF)."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12  # AES-GCM's standard nonce; random per seal, so one key seals far fewer than 2**32 values
KEY_BYTES = 32  # AES-256
# Distinct HKDF labels: the sealing key and the digest key never equal each other or any other platform key.
SEAL_INFO = b"casebook.payments.card-seal.v1"
DIGEST_INFO = b"casebook.payments.card-digest.v1"


@functools.lru_cache(maxsize=8)  # a process uses one secret key; deriving per call would waste ~20 us
def _derived(secret_key: str, info: bytes) -> bytes:
    assert secret_key, "the platform secret key is empty"
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(secret_key.encode())


def _context(card_id: int, field: str) -> bytes:
    """Associated data: a sealed value only opens for its own card and column, so rows cannot swap secrets."""
    return f"{card_id}:{field}".encode()


def seal(secret_key: str, value: str, *, card_id: int, field: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_derived(secret_key, SEAL_INFO)).encrypt(nonce, value.encode(), _context(card_id, field))
    return nonce + sealed


def unseal(secret_key: str, sealed: bytes, *, card_id: int, field: str) -> str:
    """The plain value; a wrong key, card or column (or a tampered row) fails the tag and raises."""
    nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    try:
        return AESGCM(_derived(secret_key, SEAL_INFO)).decrypt(nonce, body, _context(card_id, field)).decode()
    except InvalidTag as error:
        raise ValueError(f"card {card_id} {field} does not open with this key") from error


def number_digest(secret_key: str, number: str) -> str:
    """HMAC-SHA256 of a card number: an index to find the card, useless without the key (unlike a plain hash
    of a 16-digit number, which is brute-forced in minutes)."""
    return hmac.new(_derived(secret_key, DIGEST_INFO), number.encode(), hashlib.sha256).hexdigest()
