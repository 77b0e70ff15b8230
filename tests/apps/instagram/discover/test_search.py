"""Search: accounts and hashtags by prefix, places by name, posts by caption, never what the searcher may not see."""

from __future__ import annotations

from sqlalchemy import func, select

from casebook.platform.search.models import SearchDocumentRow
from tests.apps.instagram.discover.reads import found_captions, found_usernames, search, settled
from tests.apps.instagram.factories import API, follow, instagram_user, publish_post


async def named(client, headers, full_name: str) -> None:
    response = await client.patch(f"{API}/profile", headers=headers, json={"full_name": full_name})
    assert response.status_code == 200, response.text


async def test_finds_accounts_by_prefix_of_username_or_name_exact_username_first(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    await named(client, await instagram_user(client, "lovelace.a"), "Augusta Ada King")
    await named(client, await instagram_user(client, "adamant"), "Diamond")
    await named(client, await instagram_user(client, "grace"), "Grace Hopper")
    await settled(platform)
    assert set(await found_usernames(client, ada, "ad")) == {"ada", "adamant", "lovelace.a"}
    assert (await found_usernames(client, ada, "ada"))[0] == "ada"
    assert await found_usernames(client, ada, "hopp") == ["grace"]
    assert await found_usernames(client, ada, "@grace h") == ["grace"]
    assert await found_usernames(client, ada, "lovelace.") == ["lovelace.a"]
    assert await found_usernames(client, ada, "zzz") == []
    assert await found_usernames(client, ada, "  ") == []


async def test_renamed_account_is_found_by_its_new_name_only(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    grace = await instagram_user(client, "grace")
    await settled(platform)
    renamed = await client.patch(f"{API}/profile", headers=grace, json={"username": "rear_admiral",
                                                                           "full_name": "Admiral Hopper"})
    assert renamed.status_code == 200, renamed.text
    await settled(platform)
    assert await found_usernames(client, ada, "grace") == []
    assert await found_usernames(client, ada, "rear") == ["rear_admiral"]
    assert await found_usernames(client, ada, "hopper") == ["rear_admiral"]


async def test_blocked_accounts_vanish_from_account_search_both_ways(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    grace = await instagram_user(client, "grace")
    await instagram_user(client, "gracie")
    assert (await client.post(f"{API}/users/grace/block", headers=ada)).status_code == 200
    await settled(platform)
    assert await found_usernames(client, ada, "grac") == ["gracie"]
    assert await found_usernames(client, grace, "ad") == []
    assert (await client.delete(f"{API}/users/grace/block", headers=ada)).status_code == 200
    assert await found_usernames(client, ada, "grac") == ["grace", "gracie"]


async def test_private_accounts_are_found_but_their_posts_are_not(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    hidden = await instagram_user(client, "hidden", is_private=True)
    await publish_post(client, hidden, caption="quiet sunset")
    await settled(platform)
    assert await found_usernames(client, ada, "hidd") == ["hidden"]
    assert (await search(client, ada, "hidd", "accounts"))["accounts"][0]["is_private"] is True
    assert await found_captions(client, ada, "sunset") == []


async def test_finds_hashtags_by_prefix_with_post_counts_exact_then_most_used(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    await publish_post(client, ada, caption="#summertime #sun")
    await publish_post(client, ada, caption="#summertime again")
    await publish_post(client, ada, caption="#Summer at last")
    await settled(platform)
    found = (await search(client, ada, "#sum", "hashtags"))["hashtags"]
    assert found == [{"name": "summertime", "post_count": 2}, {"name": "summer", "post_count": 1}]
    exact = (await search(client, ada, "summer", "hashtags"))["hashtags"]
    assert [tag["name"] for tag in exact] == ["summer", "summertime"]
    assert [tag["name"] for tag in (await search(client, ada, "su", "hashtags", limit=1))["hashtags"]] == [
        "summertime"]


async def test_hashtags_and_places_only_of_private_posts_are_not_searchable(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    hidden = await instagram_user(client, "hidden", is_private=True)
    await publish_post(client, hidden, caption="#secretparty", location={"name": "Hidden Cove"})
    await publish_post(client, ada, caption="#secretrecipe for friends", visibility="followers",
                       location={"name": "Hidden Kitchen"})
    await settled(platform)
    assert (await search(client, ada, "secret", "hashtags"))["hashtags"] == []
    assert (await search(client, ada, "hidden", "places"))["places"] == []


async def test_finds_places_by_name(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    await publish_post(client, ada, caption="picnic", location={"name": "Central Park", "latitude": 40.78,
                                                                "longitude": -73.97})
    await publish_post(client, ada, caption="coffee", location={"name": "Park Slope Café"})
    await settled(platform)
    found = (await search(client, ada, "centr", "places"))["places"]
    assert [(place["name"], place["post_count"]) for place in found] == [("Central Park", 1)]
    assert (found[0]["latitude"], found[0]["longitude"]) == (40.78, -73.97)
    assert {place["name"] for place in (await search(client, ada, "park", "places"))["places"]} == {
        "Central Park", "Park Slope Café"}


async def test_finds_posts_by_caption_only_within_their_audience(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    follower = await instagram_user(client, "follower")
    stranger = await instagram_user(client, "stranger")
    hidden = await instagram_user(client, "hidden", is_private=True)
    await publish_post(client, ada, caption="golden sunset over the bay")
    await publish_post(client, ada, caption="sunset for my followers", visibility="followers")
    await publish_post(client, ada, caption="sunset for close friends", visibility="close_friends")
    await publish_post(client, hidden, caption="private sunset")
    assert await follow(client, follower, "ada") == "following"
    assert await follow(client, follower, "hidden") == "requested"
    await settled(platform)
    assert await found_captions(client, stranger, "sunset") == ["golden sunset over the bay"]
    assert set(await found_captions(client, follower, "sunset")) == {
        "golden sunset over the bay", "sunset for my followers"}
    requests = (await client.get(f"{API}/follow-requests", headers=hidden)).json()["items"]
    assert (await client.post(f"{API}/follow-requests/{requests[0]['id']}/approve", headers=hidden)).status_code == 200
    assert (await client.put(f"{API}/close-friends/follower", headers=ada)).status_code == 200
    assert set(await found_captions(client, follower, "sunset")) == {
        "golden sunset over the bay", "sunset for my followers", "sunset for close friends", "private sunset"}
    assert await found_captions(client, stranger, "golden bay") == ["golden sunset over the bay"]
    assert await found_captions(client, stranger, "golden moon") == []


async def test_posts_of_accounts_blocked_either_way_are_not_found(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    grace = await instagram_user(client, "grace")
    await publish_post(client, ada, caption="analytical engine")
    await publish_post(client, grace, caption="compiler engine")
    assert (await client.post(f"{API}/users/grace/block", headers=ada)).status_code == 200
    await settled(platform)
    assert await found_captions(client, ada, "engine") == ["analytical engine"]
    assert await found_captions(client, grace, "engine") == ["compiler engine"]


async def test_edited_caption_is_searched_and_deleted_post_disappears(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    post = await publish_post(client, ada, caption="first draft")
    await settled(platform)
    assert await found_captions(client, ada, "draft") == ["first draft"]
    edited = await client.patch(f"{API}/posts/{post['id']}", headers=ada, json={"caption": "final words"})
    assert edited.status_code == 200, edited.text
    await settled(platform)
    assert await found_captions(client, ada, "draft") == []
    assert await found_captions(client, ada, "final") == ["final words"]
    assert (await client.delete(f"{API}/posts/{post['id']}", headers=ada)).status_code in (200, 204)
    await settled(platform)
    assert await found_captions(client, ada, "final") == []
    async with platform.reader() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(SearchDocumentRow).where(
            SearchDocumentRow.kind == "instagram_post")) == 0


async def test_refuses_an_unknown_type_and_a_limit_out_of_range(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    unknown = await client.get(f"{API}/search", headers=ada, params={"q": "x", "type": "reels"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "search_type_invalid"
    too_many = await client.get(f"{API}/search", headers=ada, params={"q": "x", "limit": 51})
    assert too_many.status_code == 422
    signed_out = await client.get(f"{API}/search", params={"q": "x"})
    assert signed_out.status_code == 401


async def test_an_account_turning_public_opens_its_hashtags_and_places_to_search(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    hidden = await instagram_user(client, "hidden", is_private=True)
    await publish_post(client, hidden, caption="#lakeside morning", location={"name": "Lake Louise"})
    await publish_post(client, hidden, caption="#draftonly", visibility="followers")
    await settled(platform)
    assert (await search(client, ada, "lake", "hashtags"))["hashtags"] == []
    opened = await client.patch(f"{API}/profile", headers=hidden, json={"is_private": False})
    assert opened.status_code == 200, opened.text
    await settled(platform)
    assert (await search(client, ada, "lake", "hashtags"))["hashtags"] == [{"name": "lakeside", "post_count": 1}]
    assert [place["name"] for place in (await search(client, ada, "lake", "places"))["places"]] == ["Lake Louise"]
    assert (await search(client, ada, "draft", "hashtags"))["hashtags"] == []
    assert await found_captions(client, ada, "morning") == ["#lakeside morning"]
