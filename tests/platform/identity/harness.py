"""Test harness for identity and the web shell: the ASGI app over a platform, clients, query counting."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import httpx
from sqlalchemy import event

from casebook.asgi import create_app
from casebook.platform.bootstrap import Platform

PASSWORD = "correct horse battery staple"


def build_app(platform: Platform) -> Any:
    return create_app(platform.settings, platform.apps, platform=platform)


def client_at(app: Any, address: str) -> httpx.AsyncClient:
    """A client whose requests come from `address` (the test client's own is 'testclient')."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 50000)),
                             base_url="http://testserver")


async def register(client: Any, username: str, *, password: str = PASSWORD, email: str | None = None) -> dict:
    answer = await client.post("/api/accounts", json={"username": username, "email": email or f"{username}@example.com",
                                                      "password": password})
    assert answer.status_code == 201, answer.text
    return answer.json()


async def login(client: Any, login: str, *, password: str = PASSWORD) -> dict:
    answer = await client.post("/api/auth/login", json={"login": login, "password": password})
    assert answer.status_code == 200, answer.text
    return answer.json()


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def csrf_token(client: Any, page: str = "/login") -> str:
    """Load an HTML page so the client holds the CSRF cookie; return its value."""
    answer = await client.get(page)
    assert answer.status_code == 200, answer.text
    token = client.cookies.get("casebook_csrf")
    assert token, "an HTML page sets the casebook_csrf cookie"
    assert re.search(rf'name="_csrf" value="{re.escape(token)}"', answer.text) or page == "/"
    return token


async def sign_in_with_form(client: Any, login: str, *, password: str = PASSWORD) -> None:
    token = await csrf_token(client, "/login")
    answer = await client.post("/login", data={"login": login, "password": password, "_csrf": token})
    assert answer.status_code == 303, answer.text
    assert client.cookies.get("casebook_session")


@contextlib.contextmanager
def counted_statements(platform: Platform) -> Iterator[list[str]]:
    """Every SQL statement sent on the platform's writer and reader engines inside the block."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engines = [engine.sync_engine for engine in platform.db.pooled_engines]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)
