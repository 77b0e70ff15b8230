"""Inbox test factories: read notifications and conversations through the public API once the bus settled."""

from __future__ import annotations

from typing import Any

from tests.apps.instagram.factories import API, settle


async def activity(client: Any, platform: Any, headers: dict[str, str], **params: Any) -> dict:
    await settle(platform)
    response = await client.get(f"{API}/notifications", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def texts(client: Any, platform: Any, headers: dict[str, str]) -> list[str]:
    return [item["text"] for item in (await activity(client, platform, headers))["items"]]


async def start(client: Any, headers: dict[str, str], *usernames: str, title: str | None = None) -> dict:
    body: dict[str, Any] = {"usernames": list(usernames)}
    if title is not None:
        body["title"] = title
    response = await client.post(f"{API}/conversations", headers=headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def send(client: Any, headers: dict[str, str], conversation_id: str, **body: Any) -> dict:
    response = await client.post(f"{API}/conversations/{conversation_id}/messages", headers=headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def thread(client: Any, headers: dict[str, str], conversation_id: str, **params: Any) -> dict:
    response = await client.get(f"{API}/conversations/{conversation_id}/messages", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def folder(client: Any, headers: dict[str, str], name: str = "inbox") -> list[dict]:
    response = await client.get(f"{API}/conversations", headers=headers, params={"folder": name})
    assert response.status_code == 200, response.text
    return response.json()["items"]
