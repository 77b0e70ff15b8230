"""Instagram test factories: people, photos and posts made through the public API, no back doors."""

from __future__ import annotations

import asyncio
import io
from typing import Any

from PIL import Image

from tests.accounts import sign_up

API = "/api/instagram"


async def instagram_user(client: Any, username: str, *, is_private: bool = False, bio: str = "") -> dict[str, str]:
    """Sign `username` up, open their Instagram profile (private if asked) and return auth headers."""
    headers = await sign_up(client, username)
    opened = await client.get(f"{API}/profile", headers=headers)
    assert opened.status_code == 200, opened.text
    if is_private or bio:
        changed = await client.patch(f"{API}/profile", headers=headers, json={"is_private": is_private, "bio": bio})
        assert changed.status_code == 200, changed.text
    return headers


async def follow(client: Any, headers: dict[str, str], username: str) -> str:
    """Follow `username`; returns "following" or "requested"."""
    response = await client.post(f"{API}/users/{username}/follow", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["state"]


def jpeg_bytes(width: int = 64, height: int = 48, color: tuple[int, int, int] = (200, 80, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


async def upload_photo(client: Any, headers: dict[str, str], data: bytes | None = None) -> str:
    """POST /media with the raw bytes; returns the media id (processing continues in the background)."""
    response = await client.post(f"{API}/media", headers={**headers, "Content-Type": "image/jpeg"},
                                 content=data if data is not None else jpeg_bytes())
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def wait_for_media(client: Any, headers: dict[str, str], media_id: str, *, timeout_s: float = 20.0) -> dict:
    """Poll GET /media/{id} until processing has finished (ready or failed)."""
    async with asyncio.timeout(timeout_s):
        while True:
            response = await client.get(f"{API}/media/{media_id}", headers=headers)
            assert response.status_code == 200, response.text
            if response.json()["state"] != "processing":
                return response.json()
            await asyncio.sleep(0.05)


async def publish_post(client: Any, headers: dict[str, str], *, caption: str = "", visibility: str = "public",
                       media_ids: list[str] | None = None, **fields: Any) -> dict:
    """Upload a photo (unless media ids are given) and publish a post with it; returns the post."""
    if media_ids is None:
        media_ids = [await upload_photo(client, headers)]
    response = await client.post(f"{API}/posts", headers=headers,
                                 json={"media_ids": media_ids, "caption": caption, "visibility": visibility, **fields})
    assert response.status_code == 201, response.text
    return response.json()


async def settle(platform: Any) -> None:
    """Every committed event handled by its consumers (fan-out, notifications, search index, trends); the
    bus's drain bounds the wait and asks a loaded JetStream again when one of its answers is late."""
    await platform.bus.drain()
