"""Who is calling: the `account` and `maybe_account` dependencies (bearer token or session cookie)."""

from __future__ import annotations

import msgspec
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.types import Scope

from casebook.platform.errors import Unauthorized
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.identity import authentication
from casebook.platform.identity.csrf import SESSION_COOKIE
from casebook.platform.identity.principal import AuthenticatedAccount

_BEARER_PREFIX = "bearer "


class Credential(msgspec.Struct, frozen=True, kw_only=True):
    """The caller plus what it signed in with, for use cases that spare the caller's own sign-in."""

    account: AuthenticatedAccount
    family_id: int | None = None  # bearer: the refresh family of the access token
    session_id: int | None = None  # session cookie: the session row


async def resolve_credential(request: ASGIConnection, platform: PlatformDependency) -> Credential | None:
    """A bearer header wins over the cookie; a malformed or expired bearer token is a 401, while a
    stale session cookie is simply no session."""
    authorization = _authorization(request)
    if authorization is not None:
        if authorization[:7].lower() != _BEARER_PREFIX:
            raise Unauthorized("Use 'Authorization: Bearer <access token>'.", code="invalid_token")
        account, family_id = authentication.authenticate_bearer(platform, authorization[7:].strip())
        return Credential(account=account, family_id=family_id)
    session_token = request.cookies.get(SESSION_COOKIE)
    if not session_token:
        return None
    principal = await authentication.resolve_session(platform, session_token)
    if principal is None:
        return None
    account = AuthenticatedAccount(id=principal.account_id, username=principal.username, via="session")
    return Credential(account=account, session_id=principal.session_id)


def _authorization(connection: ASGIConnection) -> str | None:
    """The Authorization header; WebSocket clients, which cannot set headers in browsers, may send
    `?access_token=` instead."""
    authorization = connection.headers.get("authorization")
    if authorization is None and connection.scope["type"] == "websocket":
        token = connection.query_params.get("access_token")
        authorization = f"Bearer {token}" if token else None
    return authorization


async def provide_account(scope: Scope, platform: PlatformDependency) -> AuthenticatedAccount:
    request: ASGIConnection = ASGIConnection(scope)  # HTTP requests and WebSockets alike
    authorization = _authorization(request)
    if authorization is not None and authorization[:7].lower() == _BEARER_PREFIX:
        # The hot path: a signature check and nothing else (no database, no cache).
        return authentication.authenticate_bearer(platform, authorization[7:].strip())[0]
    credential = await resolve_credential(request, platform)
    if credential is None:
        raise Unauthorized("Sign in, or send 'Authorization: Bearer <access token>'.")
    return credential.account


async def provide_maybe_account(scope: Scope, platform: PlatformDependency) -> AuthenticatedAccount | None:
    credential = await resolve_credential(ASGIConnection(scope), platform)
    return credential.account if credential else None


identity_dependencies = {
    "account": Provide(provide_account),
    "maybe_account": Provide(provide_maybe_account),
}
