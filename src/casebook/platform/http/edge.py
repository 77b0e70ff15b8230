"""The outermost ASGI layer: request ids, security headers, metrics and the access log, in one pass."""

from __future__ import annotations

import random
import re
import time
from typing import Any, Awaitable, Callable

import structlog
from prometheus_client import CollectorRegistry, Counter, Histogram

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUEST_ID_HEADER = b"x-request-id"
_REQUEST_ID_PATTERN = re.compile(rb"^[A-Za-z0-9._-]{1,128}$")

# Conservative defaults for every answer; HTML pages load only same-origin scripts and styles.
_COMMON_SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(self), microphone=(self), geolocation=(self)"),
)
_CSP = (b"default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; "
        b"script-src 'self'%s; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; "
        b"form-action 'self'")
SECURITY_HEADERS = _COMMON_SECURITY_HEADERS + ((b"content-security-policy", _CSP % b""),)
# The API docs page (Swagger UI) boots with an inline script; only it gets 'unsafe-inline'.
DOCS_SECURITY_HEADERS = _COMMON_SECURITY_HEADERS + ((b"content-security-policy", _CSP % b" 'unsafe-inline'"),)
DOCS_PATH_PREFIX = "/api/docs"

log = structlog.get_logger("casebook.access")


class Metrics:
    """Prometheus metrics of one process, in their own registry (tests build many apps)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("casebook_http_requests", "HTTP requests answered",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("casebook_http_request_duration_seconds", "Time to answer an HTTP request",
                                 ["method", "route"], registry=self.registry,
                                 buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, method: str, route: str, status: int, elapsed_s: float) -> None:
        """Count one answer. Label children are looked up once per (method, route, status): the
        lookup costs more than the increment, and routes are templates, so the set stays small."""
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            children = (self.requests.labels(method, route, str(status)), self.latency.labels(method, route))
            self._children[key] = children
        children[0].inc()
        children[1].observe(elapsed_s)


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics, *, access_log: bool = True) -> None:
        self.app = app
        self.metrics = metrics
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id.decode()
        structlog.contextvars.bind_contextvars(request_id=request_id.decode())
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers") or ())
                headers.append((REQUEST_ID_HEADER, request_id))
                headers.extend(DOCS_SECURITY_HEADERS if scope["path"].startswith(DOCS_PATH_PREFIX)
                               else SECURITY_HEADERS)
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            if scope["type"] == "http":
                elapsed_s = time.perf_counter() - started
                route = scope.get("path_template") or "unmatched"
                self.metrics.observe(scope["method"], route, status, elapsed_s)
                if self.access_log:
                    log.info("request", method=scope["method"], path=scope["path"], status=status,
                             duration_ms=round(elapsed_s * 1000, 2))
            structlog.contextvars.unbind_contextvars("request_id")


def _request_id(scope: Scope) -> bytes:
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER and _REQUEST_ID_PATTERN.match(value):
            return value
    return b"%024x" % random.getrandbits(96)  # a correlation id, not a secret: no system call per request
