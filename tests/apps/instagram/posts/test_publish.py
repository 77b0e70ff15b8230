"""Uploading media and publishing, reading, editing and deleting posts; refusals change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casebook.apps.instagram.models import HashtagRow, MentionRow, PlaceRow, PostHashtagRow, ProfileRow
from casebook.apps.instagram.posts import rules as post_rules
from tests.apps.instagram.factories import (
    API,
    follow,
    instagram_user,
    jpeg_bytes,
    publish_post,
    upload_photo,
    wait_for_media,
)
from tests.apps.instagram.posts.state import events_of, snapshot
from tests.engines.media import factories as media_factories


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
    assert post["media"][0]["state"] == "ready" and set(post["media"][0]["urls"]) == {"large", "medium", "small"}
    assert post["media"][0]["user_tags"][0]["account"]["username"] == "grace"
    assert (post["like_count"], post["comment_count"], post["save_count"]) == (0, 0, 0)
    assert (post["viewer_has_liked"], post["viewer_has_saved"]) == (False, False)
    read = await client.get(f"{API}/posts/{post['id']}", headers=ada)
    assert read.status_code == 200 and read.json()["id"] == post["id"]
    state = await snapshot(platform)
    assert ("ada", 1) in state["posts_count"]
    assert state["hashtags"] == [("math", 1)]
    assert state["places"] == [("babbage café@51.500,-0.120", 1)]
    assert (state["instagram_mentions"], state["instagram_user_tags"], state["instagram_post_media"]) == (1, 1, 1)
    async with platform.reader() as uow:
        grace_id = await uow.session.scalar(select(ProfileRow.account_id).where(ProfileRow.username == "grace"))
        ada_id = await uow.session.scalar(select(ProfileRow.account_id).where(ProfileRow.username == "ada"))
    [published] = await events_of(platform, "post_published")
    assert published == {"post_id": int(post["id"]), "author_id": ada_id, "visibility": "public",
                         "created_at": published["created_at"], "hashtags": ["math"], "mention_ids": [grace_id],
                         "tagged_ids": [grace_id], "place_id": published["place_id"]}
    assert published["place_id"] is not None


async def test_a_carousel_keeps_its_order_and_places_are_reused(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    media_ids = [await upload_photo(client, ada, jpeg_bytes(color=(index * 20, 0, 0))) for index in range(3)]
    place = {"name": "Café Royal", "latitude": 51.50001, "longitude": -0.12001}
    first = await publish_post(client, ada, media_ids=list(reversed(media_ids)), location=place)
    second = await publish_post(client, ada, location={**place, "name": "café  royal"})
    assert [item["id"] for item in first["media"]] == list(reversed(media_ids))
    assert first["location"]["id"] == second["location"]["id"]
    assert (await snapshot(platform))["places"] == [("café royal@51.500,-0.120", 2)]


async def test_media_can_be_read_by_its_owner_only(client) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    media_id = await upload_photo(client, ada)
    assert (await client.get(f"{API}/media/{media_id}", headers=ada)).status_code == 200
    hidden = await client.get(f"{API}/media/{media_id}", headers=bob)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "media_asset_not_found")


def _truncated_jpeg() -> bytes:
    data = media_factories.jpeg(600, 400)
    return data[:len(data) // 2]


@pytest.mark.parametrize(("make", "status", "code"), [
    (lambda: b"plain text the client named holiday.jpg", 415, "media_type_unsupported"),
    (lambda: b"%PDF-1.7" + b"\x00" * 5000, 415, "media_type_unsupported"),
    (_truncated_jpeg, 422, "image_unreadable"),
    (lambda: media_factories.png_claiming(30_000, 30_000), 422, "image_too_large"),
])
async def test_refuses_bad_uploads_and_keeps_nothing(client, platform, make, status, code) -> None:
    ada = await instagram_user(client, "ada")
    before = await snapshot(platform)
    refused = await client.post(f"{API}/media", headers={**ada, "Content-Type": "image/jpeg"}, content=make())
    assert refused.status_code == status, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == code
    assert await snapshot(platform) == before


async def test_refuses_an_upload_over_the_limit_from_its_declared_length_or_while_streaming(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    before = await snapshot(platform)
    declared = await client.post(f"{API}/media", headers={**ada, "Content-Length": str(post_rules.UPLOAD_BYTES_MAX + 1)},
                                 content=b"\xff\xd8\xff" + b"\x00" * 100)
    assert (declared.status_code, declared.json()["code"]) == (413, "upload_too_large")
    sent: list[int] = []

    async def photo_too_big():  # a JPEG header, then more than a photo may weigh, with no Content-Length
        yield media_factories.jpeg(64, 64)[:post_rules.SNIFF_BYTES]
        chunk = b"\x00" * (1024 * 1024)
        for _ in range(post_rules.PHOTO_BYTES_MAX // len(chunk) + 8):
            sent.append(len(chunk))
            yield chunk

    streamed = await client.post(f"{API}/media", headers=ada, content=photo_too_big())
    assert (streamed.status_code, streamed.json()["code"]) == (413, "upload_too_large")
    assert sum(sent) <= post_rules.PHOTO_BYTES_MAX + 1024 * 1024  # reading stopped at the photo bound
    assert await snapshot(platform) == before


@pytest.mark.parametrize(("fields", "code"), [
    ({"caption": "x" * 2_201}, "too_long"),
    ({"caption": " ".join(f"#tag{index}" for index in range(31))}, "too_many_hashtags"),
    ({"caption": " ".join(f"@user{index}" for index in range(21))}, "too_many_mentions"),
    ({"visibility": "everyone"}, "visibility_invalid"),
    ({"media_ids": []}, "media_count_invalid"),
    ({"media_ids": ["1"] * 11}, "media_count_invalid"),
    ({"media_ids": ["123"]}, "media_invalid"),
    ({"media_ids": ["abc"]}, "id_invalid"),
    ({"user_tags": [{"media_index": 0, "username": "nobody", "x": 0.1, "y": 0.1}]}, "user_tag_invalid"),
    ({"user_tags": [{"media_index": 1, "username": "grace", "x": 0.1, "y": 0.1}]}, "user_tag_invalid"),
    ({"user_tags": [{"media_index": 0, "username": "grace", "x": 1.5, "y": 0.1}]}, "tag_point_invalid"),
    ({"location": {"name": " "}}, "location_invalid"),
    ({"location": {"name": "Pole", "latitude": 91.0, "longitude": 0.0}}, "location_invalid"),
])
async def test_refuses_a_bad_post_and_changes_nothing(client, platform, fields, code) -> None:
    ada = await instagram_user(client, "ada")
    await instagram_user(client, "grace")
    media_id = await upload_photo(client, ada)
    before = await snapshot(platform)
    body = {"media_ids": [media_id], "caption": "#fine", "visibility": "public", **fields}
    refused = await client.post(f"{API}/posts", headers=ada, json=body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == code
    assert await snapshot(platform) == before


async def test_cannot_post_someone_elses_media(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    bobs_photo = await upload_photo(client, bob)
    before = await snapshot(platform)
    refused = await client.post(f"{API}/posts", headers=ada, json={"media_ids": [bobs_photo], "caption": ""})
    assert (refused.status_code, refused.json()["code"]) == (422, "media_invalid")
    assert await snapshot(platform) == before


async def test_blocked_accounts_are_never_mentioned_and_cannot_be_tagged(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    troll = await instagram_user(client, "troll")
    await instagram_user(client, "grace")
    assert (await client.post(f"{API}/users/ada/block", headers=troll)).status_code == 200
    media_id = await upload_photo(client, ada)
    before = await snapshot(platform)
    tagged = await client.post(f"{API}/posts", headers=ada, json={
        "media_ids": [media_id], "user_tags": [{"media_index": 0, "username": "troll", "x": 0.5, "y": 0.5}]})
    assert (tagged.status_code, tagged.json()["code"]) == (422, "user_tag_invalid")
    assert await snapshot(platform) == before
    post = await publish_post(client, ada, media_ids=[media_id], caption="hi @troll and @grace")
    async with platform.reader() as uow:
        mentioned = (await uow.session.scalars(select(MentionRow.account_id))).all()
        grace_id = await uow.session.scalar(select(ProfileRow.account_id).where(ProfileRow.username == "grace"))
    assert mentioned == [grace_id]
    assert (await events_of(platform, "post_published"))[0]["mention_ids"] == [grace_id]
    assert post["caption"] == "hi @troll and @grace"


async def test_editing_the_caption_moves_hashtags_and_mentions(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    await instagram_user(client, "grace")
    await instagram_user(client, "hedy")
    post = await publish_post(client, ada, caption="#old #kept @grace")
    edited = await client.patch(f"{API}/posts/{post['id']}", headers=ada,
                                json={"caption": "#kept #new @hedy", "visibility": "followers"})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["hashtags"], edited.json()["visibility"]) == (["kept", "new"], "followers")
    assert edited.json()["edited_at"] is not None
    state = await snapshot(platform)
    assert state["hashtags"] == [("kept", 1), ("new", 1), ("old", 0)]
    async with platform.reader() as uow:
        links = sorted((await uow.session.scalars(select(PostHashtagRow.tag))).all())
        hedy_id = await uow.session.scalar(select(ProfileRow.account_id).where(ProfileRow.username == "hedy"))
        mentioned = (await uow.session.scalars(select(MentionRow.account_id))).all()
    assert links == ["kept", "new"]
    assert mentioned == [hedy_id]
    [updated] = await events_of(platform, "post_updated")
    assert updated["added_mention_ids"] == [hedy_id] and updated["visibility"] == "followers"


async def test_only_the_author_edits_or_deletes(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    post = await publish_post(client, ada, caption="#mine")
    before = await snapshot(platform)
    edited = await client.patch(f"{API}/posts/{post['id']}", headers=bob, json={"caption": "#theirs"})
    deleted = await client.delete(f"{API}/posts/{post['id']}", headers=bob)
    assert (edited.status_code, deleted.status_code) == (404, 404)
    assert edited.json()["code"] == deleted.json()["code"] == "post_not_found"
    assert await snapshot(platform) == before


async def test_a_deleted_post_vanishes_and_its_counts_go_down(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "ada")
    post = await publish_post(client, ada, caption="#gone", location={"name": "Somewhere"})
    assert (await client.post(f"{API}/posts/{post['id']}/save", headers=bob)).status_code == 200
    deleted = await client.delete(f"{API}/posts/{post['id']}", headers=ada)
    assert deleted.status_code == 200
    state = await snapshot(platform)
    assert ("ada", 0) in state["posts_count"]
    assert (state["hashtags"], state["places"]) == ([("gone", 0)], [("somewhere", 0)])
    assert state["instagram_post_hashtags"] == 0
    for headers in (ada, bob):
        assert (await client.get(f"{API}/posts/{post['id']}", headers=headers)).status_code == 404
        assert (await client.get(f"{API}/users/ada/posts", headers=headers)).json()["items"] == []
        assert (await client.get(f"{API}/posts/{post['id']}/comments", headers=headers)).status_code == 404
        assert (await client.get(f"{API}/posts/{post['id']}/likes", headers=headers)).status_code == 404
    assert (await client.get(f"{API}/saved", headers=bob)).json()["items"] == []
    assert (await client.get(f"{API}/insights/posts/{post['id']}", headers=ada)).status_code == 404
    again = await client.delete(f"{API}/posts/{post['id']}", headers=ada)
    assert again.status_code == 404
    assert len(await events_of(platform, "post_deleted")) == 1
    async with platform.reader() as uow:
        assert await uow.session.scalar(select(HashtagRow.post_count)) == 0
        assert await uow.session.scalar(select(PlaceRow.post_count)) == 0
