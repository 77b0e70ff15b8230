"""The guestbook's load for `casebook bench guestbook`: the write path (entry + outbox event in one
transaction, then the consumer) and a cursor-paged read."""

from __future__ import annotations

import secrets

import httpx

from casebook.platform.appmodule import BenchScenario

PASSWORD = "bench-password-0123"


async def workload(base_url: str) -> list[BenchScenario]:
    username = f"bench_{secrets.token_hex(4)}"
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        created = await client.post("/api/accounts", json={"username": username, "email": f"{username}@example.com",
                                                           "password": PASSWORD})
        created.raise_for_status()
        login = await client.post("/api/auth/login", json={"login": username, "password": PASSWORD})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        for number in range(50):  # something to page through
            (await client.post("/api/guestbook/entries", json={"body": f"seed {number}"}, headers=headers)
             ).raise_for_status()
    return [
        BenchScenario(name="sign", method="POST", path="/api/guestbook/entries",
                      headers={**headers, "Content-Type": "application/json"}, body=b'{"body": "load test entry"}'),
        BenchScenario(name="list", method="GET", path="/api/guestbook/entries?limit=20"),
    ]
