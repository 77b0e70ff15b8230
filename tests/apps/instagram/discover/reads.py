"""Discover test steps: settle the consumers, then read search, explore, hashtag and place answers."""

from __future__ import annotations

from typing import Any

from tests.apps.instagram.factories import API, settle

settled = settle  # every committed event handled (search index and trend counters are consumers)


async def search(client: Any, headers: dict[str, str], q: str, type: str, **params: Any) -> dict:
    response = await client.get(f"{API}/search", headers=headers, params={"q": q, "type": type, **params})
    assert response.status_code == 200, response.text
    return response.json()


async def found_usernames(client: Any, headers: dict[str, str], q: str) -> list[str]:
    return [account["username"] for account in (await search(client, headers, q, "accounts"))["accounts"]]


async def found_captions(client: Any, headers: dict[str, str], q: str) -> list[str]:
    return [post["caption"] for post in (await search(client, headers, q, "posts"))["posts"]]


async def hashtag_captions(client: Any, headers: dict[str, str], tag: str) -> list[str]:
    response = await client.get(f"{API}/hashtags/{tag}", headers=headers)
    assert response.status_code == 200, response.text
    return [post["caption"] for post in response.json()["items"]]


async def explore(client: Any, headers: dict[str, str]) -> dict:
    response = await client.get(f"{API}/explore", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()
