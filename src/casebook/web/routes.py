"""The web shell's pages: landing, sign in, register, sign out, account; plus /static."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router

from casebook.platform.bootstrap import Platform
from casebook.platform.errors import CasebookError, Invalid, LimitExceeded
from casebook.platform.identity import authentication, rules, service
from casebook.platform.identity.csrf import SESSION_COOKIE, csrf_middleware
from casebook.platform.identity.dependencies import PlatformDependency, resolve_credential
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.identity.routes import client_address, expired_session_cookie
from casebook.platform.uow import UnitOfWork

STATIC_DIR = Path(__file__).parent / "static"
TEMPLATES_DIR = Path(__file__).parent / "templates"
FORM_FIELD_LENGTH_MAX = 1024
Form = Body(media_type=RequestEncodingType.URL_ENCODED)


@get("/", include_in_schema=False)
async def landing(platform: PlatformDependency, maybe_account: AuthenticatedAccount | None) -> Template:
    return Template("index.html", context={"account": maybe_account, "apps": platform.apps})


@get("/login", include_in_schema=False)
async def login_page(maybe_account: AuthenticatedAccount | None, next: str | None = None) -> Response:
    if maybe_account is not None:
        return Redirect(_safe_next(next))
    return Template("login.html", context={"account": None, "next": _safe_next(next), "values": {}, "errors": {}})


@post("/login", include_in_schema=False)
async def sign_in(request: Request, platform: PlatformDependency, data: dict[str, Any] = Form) -> Response:
    form = _fields(data, "login", "password", "next")
    try:
        token = await authentication.start_session(platform, login=form["login"], password=form["password"],
                                                   client_address=client_address(request))
    except CasebookError as error:
        return _form_error("login.html", error, values={"login": form["login"]}, next=_safe_next(form["next"]))
    return _signed_in(platform, token, _safe_next(form["next"]))


@get("/register", include_in_schema=False)
async def register_page(maybe_account: AuthenticatedAccount | None) -> Response:
    if maybe_account is not None:
        return Redirect("/")
    return Template("register.html", context={"account": None, "values": {}, "errors": {}})


@post("/register", include_in_schema=False)
async def register(platform: PlatformDependency, data: dict[str, Any] = Form) -> Response:
    form = _fields(data, "username", "email", "password")
    try:
        async with platform.uow() as uow:
            account = await service.register(uow, username=form["username"], email=form["email"],
                                             password=form["password"])
            token = await authentication.open_session(uow, account_id=account.id)
    except CasebookError as error:
        return _form_error("register.html", error, values={"username": form["username"], "email": form["email"]})
    return _signed_in(platform, token, "/")


@get("/register/check", include_in_schema=False)
async def check_registration_field(reader: UnitOfWork, username: str | None = None,
                                   email: str | None = None) -> Template:
    """htmx inline validation: a one-line verdict on the username or email being typed."""
    try:
        if username is not None:
            username = rules.check_username(username[:FORM_FIELD_LENGTH_MAX])
            await service.check_username_free(reader, rules.normalize_username(username))
        elif email is not None:
            email = rules.check_email(email[:FORM_FIELD_LENGTH_MAX])
            await service.check_email_free(reader, rules.normalize_email(email))
        else:
            raise Invalid("Name a field: username or email.", field="username")
    except CasebookError as error:
        return Template("_field_hint.html", context={"is_ok": False, "message": error.detail})
    return Template("_field_hint.html", context={"is_ok": True, "message": "Available."})


@post("/logout", include_in_schema=False)
async def sign_out(request: Request, uow: UnitOfWork) -> Redirect:
    if session_token := request.cookies.get(SESSION_COOKIE):
        await authentication.end_session(uow, session_token=session_token)
    return Redirect("/", status_code=303, cookies=[expired_session_cookie()])


@get("/account", include_in_schema=False)
async def account_page(platform: PlatformDependency, maybe_account: AuthenticatedAccount | None,
                       saved: str | None = None) -> Response:
    if maybe_account is None:
        return Redirect("/login", query_params={"next": "/account"})
    document = await service.read_account(platform, maybe_account.id)
    return Template("account.html", context={"account": maybe_account, "profile": document, "errors": {},
                                             "saved": saved, "values": {}})


@post("/account", include_in_schema=False)
async def update_account(platform: PlatformDependency, account: AuthenticatedAccount,
                         data: dict[str, Any] = Form) -> Response:
    form = _fields(data, "display_name", "email")
    try:
        async with platform.uow() as uow:
            await service.update_account(uow, account_id=account.id, display_name=form["display_name"],
                                         email=form["email"])
    except CasebookError as error:
        return await _account_error(platform, account, error, values=form)
    return Redirect("/account", status_code=303, query_params={"saved": "profile"})


@post("/account/password", include_in_schema=False)
async def change_password(request: Request, platform: PlatformDependency, account: AuthenticatedAccount,
                          data: dict[str, Any] = Form) -> Response:
    form = _fields(data, "current_password", "new_password")
    credential = await resolve_credential(request, platform)
    try:
        async with platform.uow() as uow:
            await service.change_password(uow, account_id=account.id, current_password=form["current_password"],
                                          new_password=form["new_password"],
                                          keep_session_id=credential.session_id if credential else None)
    except CasebookError as error:
        return await _account_error(platform, account, error, values={})
    return Redirect("/account", status_code=303, query_params={"saved": "password"})


def _signed_in(platform: Platform, token: str, next_path: str) -> Redirect:
    settings = platform.settings
    cookie = Cookie(key=SESSION_COOKIE, value=token, max_age=settings.session_ttl_s, path="/", httponly=True,
                    samesite="lax", secure=settings.secure_cookies)
    return Redirect(next_path, status_code=303, cookies=[cookie])


def _form_error(template: str, error: CasebookError, *, values: dict[str, str], **context: Any) -> Template:
    """Re-render a form with its messages: 422 for anything the user can fix, 429 with Retry-After."""
    headers = {}
    status = 422
    if isinstance(error, LimitExceeded):
        status, headers = 429, {"Retry-After": str(error.retry_after_s)}
    return Template(template, status_code=status, headers=headers,
                    context={"account": None, "values": values, "errors": _field_errors(error), **context})


async def _account_error(platform: Platform, account: AuthenticatedAccount, error: CasebookError,
                         values: dict[str, str]) -> Template:
    document = await service.read_account(platform, account.id)
    return Template("account.html", status_code=422,
                    context={"account": account, "profile": document, "errors": _field_errors(error),
                             "saved": None, "values": values})


def _field_errors(error: CasebookError) -> dict[str, str]:
    """Messages by field path; "" holds the message about the form as a whole."""
    errors = {item["path"]: item["message"] for item in error.extra.get("errors", []) if item.get("path")}
    return errors or {"": error.detail}


def _fields(data: dict[str, Any], *names: str) -> dict[str, str]:
    """The named form fields as bounded strings ('' when absent or repeated)."""
    return {name: value[:FORM_FIELD_LENGTH_MAX] if isinstance(value := data.get(name), str) else ""
            for name in names}


def _safe_next(next_path: str | None) -> str:
    """Only same-site paths: never `//evil.example` or a full URL (open redirect)."""
    if not next_path or not next_path.startswith("/") or next_path.startswith(("//", "/\\")):
        return "/"
    return next_path


web_routes = [
    landing, login_page, sign_in, register_page, register, check_registration_field, sign_out, account_page,
    update_account, change_password,
    create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False),
]

__all__ = ["TEMPLATES_DIR", "csrf_middleware", "web_routes"]
