"""ASGI middleware that makes any unsafe request carrying an Idempotency-Key safe to retry.

The key is scoped to the caller (account from a verified bearer token, the session cookie, or
the client address). Same key and same request: the stored answer, with `Idempotent-Replayed`.
Same key, other request: 422. Same key while the first is still running: 409. A 5xx or a crash
releases the key so a retry can run. Writes that move money also carry their own key inside
their transaction (the ledger does); this layer is the generic one.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import jwt
import msgspec
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from casebook.platform.errors import PROBLEM_TYPE_BASE
from casebook.platform.http.edge import ASGIApp, Message, Receive, Scope, Send
from casebook.platform.idempotency.models import IdempotencyRow

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform
    from casebook.platform.uow import UnitOfWork

KEY_HEADER = b"idempotency-key"
KEY_LENGTH_MAX = 255
ANSWER_TTL = timedelta(hours=24)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REPLAYED_HEADERS = frozenset({b"content-type", b"location", b"content-disposition"})
SESSION_COOKIE = "casebook_session"


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, platform: Platform, *, exempt_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.platform = platform
        self.exempt_paths = exempt_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS or scope["path"] in self.exempt_paths:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        raw_key = headers.get(KEY_HEADER)
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1").strip()
        if not key or len(key) > KEY_LENGTH_MAX:
            await _send_problem(send, 422, "invalid_idempotency_key",
                                f"Idempotency-Key must be 1 to {KEY_LENGTH_MAX} characters.")
            return
        body = await _read_body(receive, self.platform.settings.request_body_bytes_max)
        if body is None:
            await _send_problem(send, 413, "payload_too_large", "The request body is too large.")
            return
        caller = _caller_scope(scope, headers, self.platform.settings.secret_key)
        request_hash = hashlib.sha256(
            b"\0".join([scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b""), body])
        ).hexdigest()
        verdict, row = await self._claim(caller, key, request_hash)
        if verdict == "replay":
            await _send_stored(send, row)
            return
        if verdict == "mismatch":
            await _send_problem(send, 422, "idempotency_key_reused",
                                "This Idempotency-Key was used with a different request.")
            return
        if verdict == "in_flight":
            await _send_problem(send, 409, "idempotency_in_progress",
                                "A request with this Idempotency-Key is still being processed; retry shortly.")
            return
        await self._run_and_store(scope, body, send, caller, key)

    async def _claim(self, caller: str, key: str, request_hash: str) -> tuple[str, IdempotencyRow | None]:
        now = self.platform.clock.now()
        # after this long a crashed first attempt no longer blocks its retries
        in_flight_lock = timedelta(seconds=self.platform.settings.idempotency_lock_s)
        try:
            async with self.platform.db.transaction() as session:
                row = await session.get(IdempotencyRow, (caller, key))
                if row is not None and row.expires_at <= now:
                    await session.delete(row)
                    await session.flush()
                    row = None
                if row is None:
                    session.add(IdempotencyRow(scope=caller, key=key, request_hash=request_hash, is_complete=False,
                                               locked_until=now + in_flight_lock, expires_at=now + ANSWER_TTL))
                    return "run", None
                if row.request_hash != request_hash:
                    return "mismatch", row
                if row.is_complete:
                    return "replay", row
                if row.locked_until > now:
                    return "in_flight", row
                row.locked_until = now + in_flight_lock  # the first attempt died: this retry takes over
                return "run", None
        except IntegrityError:  # a concurrent duplicate inserted first
            return "in_flight", None

    async def _run_and_store(self, scope: Scope, body: bytes, send: Send, caller: str, key: str) -> None:
        start: Message = {}
        chunks: list[bytes] = []

        async def replay_receive() -> Message:
            nonlocal body
            chunk, body = body, b""
            return {"type": "http.request", "body": chunk, "more_body": False}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_receive, capture)
        except BaseException:
            await self._release(caller, key)
            raise
        status = int(start.get("status", 500))
        if status >= 500:
            await self._release(caller, key)
            return
        stored_headers = [[name.decode("latin-1"), value.decode("latin-1")]
                          for name, value in start.get("headers", ()) if name.lower() in REPLAYED_HEADERS]
        async with self.platform.db.transaction() as session:
            row = await session.get(IdempotencyRow, (caller, key))
            if row is not None:
                row.is_complete = True
                row.status_code = status
                row.headers = stored_headers
                row.body = b"".join(chunks)

    async def _release(self, caller: str, key: str) -> None:
        async with self.platform.db.transaction() as session:
            await session.execute(delete(IdempotencyRow).where(IdempotencyRow.scope == caller,
                                                               IdempotencyRow.key == key))


async def prune_expired(uow: UnitOfWork, _payload: dict[str, Any] | None = None) -> int:
    """Delete stored answers past their 24 h; a periodic job of the platform."""
    result = await uow.session.execute(delete(IdempotencyRow).where(IdempotencyRow.expires_at <= uow.now()))
    return result.rowcount or 0


def _caller_scope(scope: Scope, headers: dict[bytes, bytes], secret_key: str) -> str:
    authorization = headers.get(b"authorization", b"").decode("latin-1")
    if authorization.lower().startswith("bearer "):
        try:
            claims = jwt.decode(authorization[7:].strip(), secret_key, algorithms=["HS256"])
            return f"account:{claims['sub']}"
        except (jwt.PyJWTError, KeyError):
            pass  # an invalid token gets its 401 from the handler; scope it to the token itself
        return "token:" + hashlib.sha256(authorization.encode()).hexdigest()[:32]
    cookie = headers.get(b"cookie", b"").decode("latin-1")
    for part in cookie.split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE and value:
            return "session:" + hashlib.sha256(value.encode()).hexdigest()[:32]
    client = scope.get("client") or ("unknown", 0)
    return f"ip:{client[0]}"


async def _read_body(receive: Receive, limit_bytes: int) -> bytes | None:
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit_bytes:
            return None
        parts.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(parts)


async def _send_stored(send: Send, row: Any) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in (row.headers or [])]
    headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": row.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": row.body or b""})


async def _send_problem(send: Send, status: int, code: str, detail: str) -> None:
    titles = {409: "Conflict", 413: "Payload too large", 422: "Validation failed"}
    body = msgspec.json.encode({"type": PROBLEM_TYPE_BASE + code.replace("_", "-"), "title": titles[status],
                                "status": status, "detail": detail, "code": code})
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/problem+json")]})
    await send({"type": "http.response.body", "body": body})
