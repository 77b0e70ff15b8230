"""Who may speak as the simulated card network: the holder of the network key, never a user.

The key is derived from the platform secret key:
`hmac.new(secret_key.encode(), b"cashapp:card-network", sha256).hexdigest()`, and is sent as
`Authorization: Bearer <network key>`. It is not a user token, so user endpoints answer it 401 (their JWT
check fails), and the network endpoints answer a user token (or a session, or nothing) 401. Being a bearer
header it is exempt from CSRF, and the idempotency layer scopes the network's stored answers to it.
"""

from __future__ import annotations

import hashlib
import hmac

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from casebook.platform.errors import Unauthorized

NETWORK_KEY_LABEL = b"cashapp:card-network"
SECURITY_SCHEME = "cardNetworkKey"  # the OpenAPI name of this credential on the network's operations
_BEARER_PREFIX = "bearer "


def network_key(secret_key: str) -> str:
    return hmac.new(secret_key.encode(), NETWORK_KEY_LABEL, hashlib.sha256).hexdigest()


def is_network(authorization: str | None, *, secret_key: str) -> bool:
    if authorization is None or authorization[:7].lower() != _BEARER_PREFIX:
        return False
    given = authorization[7:].strip().encode()
    # compare_digest: the time taken must not tell a guesser how much of the key was right
    return hmac.compare_digest(given, network_key(secret_key).encode())


def network_guard(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """A Litestar guard: it runs before the body is parsed, so an outsider learns nothing about the input."""
    platform = connection.app.state["platform"]
    if not is_network(connection.headers.get("authorization"), secret_key=platform.settings.secret_key):
        raise Unauthorized("Only the card network may call this: send 'Authorization: Bearer <network key>'.",
                           code="network_key_required")
