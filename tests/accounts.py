"""Test factory: accounts created and signed in through the public API, no back doors."""

from __future__ import annotations

from typing import Any

PASSWORD = "correct horse battery staple"


async def sign_up(client: Any, username: str, *, password: str = PASSWORD) -> dict[str, str]:
    """Register `username` and return Authorization headers for it."""
    created = await client.post("/api/accounts", json={"username": username, "email": f"{username}@example.com",
                                                       "password": password})
    assert created.status_code == 201, created.text
    tokens = await client.post("/api/auth/login", json={"login": username, "password": password})
    assert tokens.status_code == 200, tokens.text
    return {"Authorization": f"Bearer {tokens.json()['access_token']}"}
