"""The kept first page of the chronological feed (feed/first_page.py): a repeated read costs no query, and
every change a reader can see shows on the very next read, without waiting for any consumer."""

from __future__ import annotations

from sqlalchemy import event

from casebook.apps.instagram.feed import rules as feed_rules
from casebook.apps.instagram.feed import timeline
from casebook.apps.instagram.posts import insights
from tests.apps.instagram.factories import (
    API,
    follow,
    instagram_user,
    publish_post,
    settle,
    upload_photo,
    wait_for_media,
)


async def _page(client, headers) -> dict:
    response = await client.get(f"{API}/feed", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _selects_while(platform, action) -> tuple[int, object]:
    """SELECTs of the app's tables run while `action` runs, and its result."""
    statements: list[str] = []

    def count(_connection, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT") and any(
                table in statement for table in ("instagram_", "social_", "media_")):
            statements.append(statement)

    engines = {platform.db.reader.sync_engine, platform.db.writer.sync_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        result = await action()
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)
    return len(statements), result


async def _ready_photo(client, headers) -> str:
    media_id = await upload_photo(client, headers)
    await wait_for_media(client, headers, media_id)
    return media_id


async def test_a_repeated_first_page_is_answered_without_the_database(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "ada")
    await settle(platform)
    await _page(client, bob)
    for number in range(3):
        await publish_post(client, ada, caption=f"post {number}")
    await settle(platform)
    built = await _page(client, bob)
    await insights.flush(platform)

    queries, kept = await _selects_while(platform, lambda: _page(client, bob))

    assert queries == 0
    assert kept == built and [item["caption"] for item in kept["items"]] == ["post 2", "post 1", "post 0"]
    await insights.flush(platform)  # the kept read still counts its impressions
    stats = (await client.get(f"{API}/insights/posts/{kept['items'][0]['id']}", headers=ada)).json()
    assert stats["impressions"] == 2  # built once, then kept


async def test_every_change_a_reader_can_see_shows_on_the_next_read(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    cid = await instagram_user(client, "cid")
    await follow(client, bob, "ada")
    await follow(client, cid, "ada")
    await settle(platform)
    await _page(client, bob)
    older = await publish_post(client, ada, caption="older")
    newer = await publish_post(client, ada, caption="newer")
    await settle(platform)
    assert [item["id"] for item in (await _page(client, bob))["items"]] == [newer["id"], older["id"]]

    def shown(page: dict) -> dict:
        return next(item for item in page["items"] if item["id"] == newer["id"])

    # No settle() below: each answer must already reflect the change its request made.
    await client.post(f"{API}/posts/{newer['id']}/like", headers=cid)
    assert shown(await _page(client, bob))["like_count"] == 1
    await client.post(f"{API}/posts/{newer['id']}/like", headers=bob)
    assert (shown(page := await _page(client, bob))["like_count"], shown(page)["viewer_has_liked"]) == (2, True)
    await client.delete(f"{API}/posts/{newer['id']}/like", headers=bob)
    assert shown(await _page(client, bob))["viewer_has_liked"] is False
    await client.post(f"{API}/posts/{newer['id']}/save", headers=bob)
    assert shown(await _page(client, bob))["viewer_has_saved"] is True
    await client.delete(f"{API}/posts/{newer['id']}/save", headers=bob)
    assert shown(await _page(client, bob))["viewer_has_saved"] is False
    comment = (await client.post(f"{API}/posts/{newer['id']}/comments", headers=cid, json={"body": "hi"})).json()
    assert shown(await _page(client, bob))["comment_count"] == 1
    await client.delete(f"{API}/comments/{comment['id']}", headers=ada)
    assert shown(await _page(client, bob))["comment_count"] == 0
    await client.patch(f"{API}/posts/{newer['id']}", headers=ada, json={"caption": "edited"})
    assert shown(await _page(client, bob))["caption"] == "edited"
    await client.patch(f"{API}/profile", headers=ada, json={"full_name": "Ada Lovelace"})
    assert shown(await _page(client, bob))["author"]["full_name"] == "Ada Lovelace"
    await client.delete(f"{API}/posts/{older['id']}", headers=ada)
    assert [item["id"] for item in (await _page(client, bob))["items"]] == [newer["id"]]
    await client.patch(f"{API}/posts/{newer['id']}", headers=ada, json={"visibility": "close_friends"})
    assert (await _page(client, bob))["items"] == []
    assert (await client.put(f"{API}/close-friends/bob", headers=ada)).status_code == 200
    assert [item["id"] for item in (await _page(client, bob))["items"]] == [newer["id"]]
    assert (await client.post(f"{API}/users/bob/block", headers=ada)).status_code == 200
    assert (await _page(client, bob))["items"] == []
    assert [item["id"] for item in (await _page(client, cid))["items"]] == []  # cid is not on the list


async def test_a_pulled_authors_new_post_shows_on_the_next_read(client, platform, monkeypatch) -> None:
    monkeypatch.setattr(feed_rules, "FANOUT_FOLLOWERS_MAX", 1)
    star = await instagram_user(client, "star")
    bob = await instagram_user(client, "bob")
    cid = await instagram_user(client, "cid")
    for headers in (bob, cid):
        await follow(client, headers, "star")
    await settle(platform)
    photo = await _ready_photo(client, star)
    first = await publish_post(client, star, caption="first", media_ids=[photo])
    await settle(platform)
    for _ in range(2):  # built after the timeline's rebuild (the follow dropped it), then kept
        assert [item["id"] for item in (await _page(client, bob))["items"]] == [first["id"]]

    second = await publish_post(client, star, caption="second", media_ids=[photo])  # never pushed: pulled

    assert [item["id"] for item in (await _page(client, bob))["items"]] == [second["id"], first["id"]]


async def test_a_change_committed_while_the_page_is_built_is_not_kept_stale(client, platform, monkeypatch) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    cid = await instagram_user(client, "cid")
    await follow(client, bob, "ada")
    await settle(platform)
    await _page(client, bob)
    post = await publish_post(client, ada, caption="racing")
    await settle(platform)
    page_entries, liked = timeline.page_entries, []

    async def entries_then_a_like(uow, **kwargs):  # cid's like commits between the page's two reads
        entries = await page_entries(uow, **kwargs)
        if not liked:
            liked.append(await client.post(f"{API}/posts/{post['id']}/like", headers=cid))
        return entries

    monkeypatch.setattr(timeline, "page_entries", entries_then_a_like)
    await _page(client, bob)  # built around the like: kept or not, it must not outlive it
    assert liked[0].status_code == 200

    assert (await _page(client, bob))["items"][0]["like_count"] == 1
