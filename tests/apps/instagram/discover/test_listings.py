"""Hashtag and place pages: newest first with a cursor, only the posts the viewer may see."""

from __future__ import annotations

from sqlalchemy import event, select, text

from casebook.apps.instagram import audience
from casebook.apps.instagram.discover import listings
from casebook.apps.instagram.models import PlaceRow
from tests.apps.instagram.discover.reads import hashtag_captions, settled
from tests.apps.instagram.factories import API, follow, instagram_user, publish_post, upload_photo


async def approve_all(client, headers) -> None:
    for request in (await client.get(f"{API}/follow-requests", headers=headers)).json()["items"]:
        approved = await client.post(f"{API}/follow-requests/{request['id']}/approve", headers=headers)
        assert approved.status_code == 200, approved.text


async def test_hashtag_page_pages_newest_first_with_its_post_count(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    for number in range(5):
        await publish_post(client, ada, caption=f"day {number} #Sketch")
    first = await client.get(f"{API}/hashtags/sketch", headers=ada, params={"limit": 2})
    assert first.status_code == 200, first.text
    assert first.json()["hashtag"] == {"name": "sketch", "post_count": 5}
    captions = [post["caption"] for post in first.json()["items"]]
    cursor = first.json()["next_cursor"]
    while cursor is not None:
        page = (await client.get(f"{API}/hashtags/%23SKETCH", headers=ada, params={"limit": 2, "cursor": cursor})).json()
        captions += [post["caption"] for post in page["items"]]
        cursor = page["next_cursor"]
    assert captions == [f"day {number} #Sketch" for number in (4, 3, 2, 1, 0)]


async def test_hashtag_page_shows_a_private_accounts_posts_only_to_approved_followers(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    follower = await instagram_user(client, "follower")
    hidden = await instagram_user(client, "hidden", is_private=True)
    await publish_post(client, ada, caption="open #tea")
    await publish_post(client, hidden, caption="secret #tea")
    await publish_post(client, ada, caption="followers #tea", visibility="followers")
    await publish_post(client, ada, caption="friends #tea", visibility="close_friends")
    assert await follow(client, follower, "hidden") == "requested"
    assert await hashtag_captions(client, follower, "tea") == ["open #tea"]
    await approve_all(client, hidden)
    assert await hashtag_captions(client, follower, "tea") == ["secret #tea", "open #tea"]
    assert await follow(client, follower, "ada") == "following"
    assert (await client.put(f"{API}/close-friends/follower", headers=ada)).status_code == 200
    assert await hashtag_captions(client, follower, "tea") == [
        "friends #tea", "followers #tea", "secret #tea", "open #tea"]
    assert await hashtag_captions(client, hidden, "tea") == ["secret #tea", "open #tea"]


async def test_hashtag_page_hides_blocked_and_deleted_posts(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    grace = await instagram_user(client, "grace")
    kept = await publish_post(client, ada, caption="kept #code")
    gone = await publish_post(client, ada, caption="gone #code")
    await publish_post(client, grace, caption="grace #code")
    assert (await client.post(f"{API}/users/ada/block", headers=grace)).status_code == 200
    assert await hashtag_captions(client, ada, "code") == ["gone #code", "kept #code"]
    assert await hashtag_captions(client, grace, "code") == ["grace #code"]
    assert (await client.delete(f"{API}/posts/{gone['id']}", headers=ada)).status_code in (200, 204)
    page = (await client.get(f"{API}/hashtags/code", headers=ada)).json()
    assert [post["id"] for post in page["items"]] == [kept["id"]]
    assert page["hashtag"]["post_count"] == 2


async def test_hidden_posts_are_skipped_without_repeating_or_missing_any(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    stranger = await instagram_user(client, "stranger")
    for number in range(6):
        await publish_post(client, ada, caption=f"n{number} #mix", visibility="public" if number % 2 else "followers")
    seen, cursor = [], None
    for _page in range(5):
        params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(f"{API}/hashtags/mix", headers=stranger, params=params)).json()
        seen += [post["caption"] for post in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["n5 #mix", "n3 #mix", "n1 #mix"]


async def test_unknown_hashtag_and_place_are_404(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    missing_tag = await client.get(f"{API}/hashtags/nothinghere", headers=ada)
    assert missing_tag.status_code == 404 and missing_tag.json()["code"] == "hashtag_not_found"
    missing_place = await client.get(f"{API}/places/12345", headers=ada)
    assert missing_place.status_code == 404 and missing_place.json()["code"] == "place_not_found"
    forged = await client.get(f"{API}/hashtags/x", headers=ada, params={"cursor": "forged"})
    assert forged.status_code in (404, 422)


async def test_place_page_shows_visible_posts_newest_first(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    stranger = await instagram_user(client, "stranger")
    hidden = await instagram_user(client, "hidden", is_private=True)
    location = {"name": "Blue Bottle", "latitude": 37.78, "longitude": -122.41}
    first = await publish_post(client, ada, caption="espresso", location=location)
    await publish_post(client, hidden, caption="hidden latte", location=location)
    await publish_post(client, ada, caption="cortado", location=location)
    place_id = first["location"]["id"]
    page = await client.get(f"{API}/places/{place_id}", headers=stranger)
    assert page.status_code == 200, page.text
    assert page.json()["place"] == {"id": place_id, "name": "Blue Bottle", "latitude": 37.78,
                                    "longitude": -122.41, "post_count": 3}
    assert [post["caption"] for post in page.json()["items"]] == ["cortado", "espresso"]
    assert await follow(client, stranger, "hidden") == "requested"
    await approve_all(client, hidden)
    followed = (await client.get(f"{API}/places/{place_id}", headers=stranger)).json()
    assert [post["caption"] for post in followed["items"]] == ["cortado", "hidden latte", "espresso"]


async def test_a_hashtag_page_costs_the_same_queries_for_3_or_12_posts(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    media_id = await upload_photo(client, ada)
    for number in range(3):
        await publish_post(client, ada, caption=f"#few {number}", media_ids=[media_id])
    for number in range(12):
        await publish_post(client, ada, caption=f"#many {number}", media_ids=[media_id])
    await settled(platform)
    async with platform.reader() as uow:
        viewer = await audience.load_viewer(uow, None)
        await uow.session.execute(text("SELECT 1"))  # the read transaction is open before counting
        mine = (await uow.session.connection()).sync_connection  # not the background consumers' statements
        counts = []
        # Twice: the first round also builds the bodies of posts not shown yet (views.py), a few more queries.
        for tag, expected in (("few", 3), ("many", 12), ("few", 3), ("many", 12)):
            statements: list[str] = []

            def count(connection, _cursor, statement, *_args, statements=statements) -> None:
                if connection is mine:
                    statements.append(statement)

            engine = uow.session.bind.sync_engine
            event.listen(engine, "before_cursor_execute", count)
            try:
                found = await listings.hashtag_listing(uow, viewer=viewer, tag=tag, before_id=None, limit=20)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            counts.append(len(statements))
            assert len(found.posts) == expected
        # the tag, one scan, the authors' privacy, then hydrate_posts' one query
        assert counts[2] == counts[3] <= 4, counts
        assert await uow.session.scalar(select(PlaceRow.id)) is None
