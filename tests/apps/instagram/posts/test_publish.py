"""Uploading media and publishing, reading, editing and deleting posts."""

from __future__ import annotations

from sqlalchemy import func, select

from casebook.apps.instagram.models import (
    HashtagRow,
    MentionRow,
    PlaceRow,
    PostHashtagRow,
    PostMediaRow,
    PostRow,
    ProfileRow,
    UserTagRow,
)
from casebook.platform.bus.models import OutboxRow
from tests.apps.instagram.factories import API, instagram_user, jpeg_bytes, publish_post, upload_photo, wait_for_media


async def test_uploads_a_photo_and_publishes_a_post_with_everything(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    await instagram_user(client, "grace")
    media_id = await upload_photo(client, ada)
    ready = await wait_for_media(client, ada, media_id)
    assert ready["state"] == "ready" and set(ready["urls"]) == {"large", "medium", "small"}
    created = await client.post(f"{API}/posts", headers=ada, json={
        "media_ids": [media_id], "caption": "Engines #Math #math @grace @nobody", "visibility": "public",
        "location": {"name": "  Babbage  Café ", "latitude": 51.5, "longitude": -0.12},
        "user_tags": [{"media_index": 0, "username": "grace", "x": 0.5, "y": 0.25}]})
    assert created.status_code == 201, created.text
    post = created.json()
    assert post["caption"] == "Engines #Math #math @grace @nobody"
    assert post["hashtags"] == ["math"]
    assert post["author"]["username"] == "ada"
    assert post["location"]["name"] == "Babbage Café"
    assert [item["id"] for item in post["media"]] == [media_id]
    assert post["media"][0]["user_tags"][0]["account"]["username"] == "grace"
    assert (post["like_count"], post["comment_count"], post["save_count"]) == (0, 0, 0)
    read = await client.get(f"{API}/posts/{post['id']}", headers=ada)
    assert read.status_code == 200 and read.json()["id"] == post["id"]
    async with platform.reader() as uow:
        assert await uow.session.scalar(select(ProfileRow.posts_count).where(ProfileRow.username == "ada")) == 1
        assert await uow.session.scalar(select(HashtagRow.post_count).where(HashtagRow.tag == "math")) == 1
        assert await uow.session.scalar(select(PlaceRow.post_count)) == 1
        assert await uow.session.scalar(select(func.count()).select_from(MentionRow)) == 1
        assert await uow.session.scalar(select(func.count()).select_from(UserTagRow)) == 1
        assert await uow.session.scalar(select(func.count()).select_from(OutboxRow).where(
            OutboxRow.subject == "casebook.instagram.post_published")) == 1
