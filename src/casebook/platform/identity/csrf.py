"""Double-submit CSRF protection for cookie-authenticated writes, and the CSRF cookie itself."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from litestar import Request
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from casebook.platform.errors import Forbidden

CSRF_COOKIE = "casebook_csrf"
CSRF_HEADER = b"x-csrf-token"
CSRF_FORM_FIELDS = ("_csrf", "_csrf_token")  # ours, and Litestar's `csrf_input`
SESSION_COOKIE = "casebook_session"
# Sign-in forms carry no session yet but are protected too, so nobody can sign a victim into
# the attacker's account (login CSRF).
ALWAYS_PROTECTED_PATHS = frozenset({"/login", "/register", "/logout"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FORM_TYPES = (b"application/x-www-form-urlencoded", b"multipart/form-data")


class CSRFMiddleware:
    """Unsafe requests that ride on the session cookie (or post a sign-in form) must echo the
    `casebook_csrf` cookie in `X-CSRF-Token` or a `_csrf` form field, else 403 "csrf_failed".

    Bearer requests are exempt: a header is never sent ambiently by a browser. Every other
    request exposes its token to templates (`request.state.csrf_token`, Litestar's `csrf_input`),
    and HTML answers set the cookie when the browser has none.
    """

    def __init__(self, app: ASGIApp, *, secure_cookies: bool | None = None) -> None:
        self.app = app
        self.secure_cookies = secure_cookies  # None: from the app's platform settings, on first use

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        authorization = cookie_header = header_token = content_type = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value
            elif name == b"cookie":
                cookie_header = value if cookie_header is None else cookie_header + b"; " + value
            elif name == CSRF_HEADER:
                header_token = value
            elif name == b"content-type":
                content_type = value
        if authorization is not None and authorization[:7].lower() == b"bearer ":
            await self.app(scope, receive, send)
            return
        cookies = _parse_cookies(cookie_header)
        cookie_token = cookies.get(CSRF_COOKIE, "")
        if scope["method"] in UNSAFE_METHODS and (SESSION_COOKIE in cookies or scope["path"] in ALWAYS_PROTECTED_PATHS):
            sent = header_token.decode("latin-1") if header_token is not None else None
            if sent is None and content_type is not None and content_type.split(b";")[0].strip() in _FORM_TYPES:
                form = await Request(scope, receive).form()  # cached in scope state for the handler
                sent = next((str(form[field]) for field in CSRF_FORM_FIELDS if field in form), None)
            if not cookie_token or sent is None or not hmac.compare_digest(sent.encode(), cookie_token.encode()):
                raise Forbidden("The CSRF token is missing or does not match; reload the page and retry.",
                                code="csrf_failed")
        if cookie_token:
            _expose(scope, cookie_token)
            await self.app(scope, receive, send)
            return
        new_token = secrets.token_urlsafe(24)
        _expose(scope, new_token)
        set_cookie = f"{CSRF_COOKIE}={new_token}; Path=/; SameSite=Lax{self._secure_attribute(scope)}".encode()

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and _is_html(message):
                message["headers"] = [*message.get("headers", ()), (b"set-cookie", set_cookie)]
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _secure_attribute(self, scope: Scope) -> str:
        if self.secure_cookies is None:
            platform = scope["app"].state.get("platform")
            self.secure_cookies = bool(platform and platform.settings.secure_cookies)
        return "; Secure" if self.secure_cookies else ""


def csrf_middleware(app: ASGIApp) -> ASGIApp:
    """Register with `Litestar(middleware=[csrf_middleware], state={"platform": platform})`; the
    platform's `secure_cookies` decides the cookie's Secure flag."""
    return CSRFMiddleware(app)


def _expose(scope: Scope, token: str) -> None:
    """For templates: `request.state.csrf_token`, and Litestar's own `csrf_input`."""
    ScopeState.from_scope(scope).csrf_token = token
    scope["state"]["csrf_token"] = token


def _is_html(message: Any) -> bool:
    return any(name.lower() == b"content-type" and value.startswith(b"text/html")
               for name, value in message.get("headers", ()))


def _parse_cookies(header: bytes | None) -> dict[str, str]:
    if not header:
        return {}
    cookies: dict[str, str] = {}
    for part in header.decode("latin-1").split(";"):
        name, separator, value = part.strip().partition("=")
        if separator and name not in cookies:
            cookies[name] = value.strip().strip('"')
    return cookies
