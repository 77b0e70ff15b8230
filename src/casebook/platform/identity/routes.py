"""The identity API: /api/accounts (register, me) and /api/auth (login, refresh, logout)."""

from __future__ import annotations

from litestar import Request, Response, get, patch, post
from litestar.datastructures import Cookie
from litestar.status_codes import HTTP_204_NO_CONTENT

from casebook.platform.errors import Unauthorized
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.identity import authentication, service
from casebook.platform.identity.dependencies import SESSION_COOKIE, resolve_credential
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.identity.schemas import (
    AccountCreate,
    AccountRead,
    AccountUpdate,
    LoginRequest,
    LogoutRequest,
    PasswordChange,
    RefreshRequest,
    TokenPair,
)
from casebook.platform.uow import UnitOfWork

TAGS = ["identity"]


def expired_session_cookie() -> Cookie:
    return Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/", httponly=True, samesite="lax")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@post("/api/accounts", tags=TAGS, summary="Register an account")
async def register_account(data: AccountCreate, uow: UnitOfWork) -> AccountRead:
    account = await service.register(uow, username=data.username, email=data.email, password=data.password,
                                     display_name=data.display_name)
    return AccountRead.from_account(account)


@get("/api/accounts/me", tags=TAGS, summary="The signed-in account")
async def read_me(account: AuthenticatedAccount, platform: PlatformDependency) -> Response[AccountRead]:
    # Cached JSON bytes go out as they are: this is the benchmarked authenticated read.
    return Response(await service.read_account_json(platform, account.id), media_type="application/json")


@patch("/api/accounts/me", tags=TAGS, summary="Change display name or email")
async def update_me(data: AccountUpdate, account: AuthenticatedAccount, uow: UnitOfWork) -> AccountRead:
    updated = await service.update_account(uow, account_id=account.id, display_name=data.display_name,
                                           email=data.email)
    return AccountRead.from_account(updated)


@post("/api/accounts/me/password", tags=TAGS, status_code=HTTP_204_NO_CONTENT,
      summary="Change the password; signs out every other session and refresh family")
async def change_my_password(data: PasswordChange, request: Request, platform: PlatformDependency, uow: UnitOfWork) -> None:
    credential = await resolve_credential(request, platform)
    if credential is None:
        raise Unauthorized("Sign in, or send 'Authorization: Bearer <access token>'.")
    await service.change_password(uow, account_id=credential.account.id, current_password=data.current_password,
                                  new_password=data.new_password, keep_family_id=credential.family_id,
                                  keep_session_id=credential.session_id)


@post("/api/auth/login", tags=TAGS, status_code=200, summary="Exchange a password for a token pair")
async def login(data: LoginRequest, request: Request, platform: PlatformDependency) -> TokenPair:
    return await authentication.login(platform, login=data.login, password=data.password,
                                      client_address=client_address(request))


@post("/api/auth/refresh", tags=TAGS, status_code=200, summary="Rotate a refresh token")
async def refresh(data: RefreshRequest, platform: PlatformDependency) -> TokenPair:
    return await authentication.refresh(platform, refresh_token=data.refresh_token)


@post("/api/auth/logout", tags=TAGS, status_code=HTTP_204_NO_CONTENT,
      summary="Revoke a refresh family (body) or the session (cookie)")
async def logout(request: Request, uow: UnitOfWork, data: LogoutRequest | None = None) -> None:  # type: ignore[return]
    # Annotated `None` so the OpenAPI document shows a bodiless 204; the Response carries the cookie.
    if data is not None and data.refresh_token:
        await authentication.logout(uow, refresh_token=data.refresh_token)
        return Response(None, status_code=HTTP_204_NO_CONTENT)
    if session_token := request.cookies.get(SESSION_COOKIE):
        await authentication.end_session(uow, session_token=session_token)
    return Response(None, status_code=HTTP_204_NO_CONTENT, cookies=[expired_session_cookie()])


identity_routes = [register_account, read_me, update_me, change_my_password, login, refresh, logout]
