"""Stories: 24 hours to the author's audience, the tray (unseen first), views counted once, viewers list."""

from __future__ import annotations

from sqlalchemy import func, select

from casebook.apps.instagram.feed import stories as stories_service
from casebook.apps.instagram.models import StoryRow, StoryViewRow
from tests.accounts import PASSWORD
from tests.apps.instagram.factories import API, follow, instagram_user, settle, upload_photo


async def _sign_in(client, username: str) -> dict[str, str]:
    """Fresh tokens after the clock moved past the old ones' lifetime."""
    tokens = await client.post("/api/auth/login", json={"login": username, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    return {"Authorization": f"Bearer {tokens.json()['access_token']}"}


async def _story(client, headers, *, audience: str = "everyone") -> str:
    response = await client.post(f"{API}/stories", headers=headers,
                                 json={"media_id": await upload_photo(client, headers), "audience": audience})
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def _tray(client, headers) -> list[tuple[str, bool, list[tuple[str, bool]]]]:
    response = await client.get(f"{API}/stories", headers=headers)
    assert response.status_code == 200, response.text
    return [(item["account"]["username"], item["has_unseen"], [(s["id"], s["seen"]) for s in item["stories"]])
            for item in response.json()["items"]]


async def _view(client, headers, story_id: str) -> int:
    return (await client.post(f"{API}/stories/{story_id}/view", headers=headers)).status_code


async def _account_story_ids(client, headers, username: str) -> list[str]:
    response = await client.get(f"{API}/users/{username}/stories", headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def _story_counts(platform) -> tuple[int, int]:
    async with platform.reader() as uow:
        stories = await uow.session.scalar(select(func.count()).select_from(StoryRow))
        views = await uow.session.scalar(select(func.count()).select_from(StoryViewRow))
    return stories, views


async def test_publishes_a_story_that_followers_see_with_its_media(frozen) -> None:
    platform, client, clock = frozen
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "ada")

    response = await client.post(f"{API}/stories", headers=ada,
                                 json={"media_id": await upload_photo(client, ada)})

    assert response.status_code == 201, response.text
    story = response.json()
    assert (story["audience"], story["seen"], story["view_count"]) == ("everyone", True, 0)
    assert story["expires_at"] == (clock.now() + stories_service.feed_rules.STORY_LIFETIME).isoformat().replace(
        "+00:00", "Z")
    await settle(platform)
    shown = (await client.get(f"{API}/users/ada/stories", headers=bob)).json()
    assert shown["account"]["username"] == "ada"
    [item] = shown["items"]
    assert (item["id"], item["seen"], item["view_count"], item["media"]["kind"]) == (story["id"], False, None, "image")
    assert set(item["media"]["urls"]) == {"large", "medium", "small"}


async def test_the_tray_puts_unseen_first_then_the_most_recent(frozen) -> None:
    _platform, client, clock = frozen
    bob = await instagram_user(client, "bob")
    authors = {name: await instagram_user(client, name) for name in ("ada", "cid", "dan")}
    for name in authors:
        await follow(client, bob, name)
    await instagram_user(client, "eve")  # bob does not follow eve: not in his tray
    eve = await instagram_user(client, "eve2")
    await _story(client, eve)
    ada_first = await _story(client, authors["ada"])
    clock.advance(minutes=1)
    cid_story = await _story(client, authors["cid"])
    clock.advance(minutes=1)
    dan_story = await _story(client, authors["dan"])
    clock.advance(minutes=1)
    ada_second = await _story(client, authors["ada"])
    own = await _story(client, bob)

    assert await _tray(client, bob) == [
        ("bob", False, [(own, True)]),  # one's own stories lead, always seen
        ("ada", True, [(ada_first, False), (ada_second, False)]),  # oldest first within an account
        ("dan", True, [(dan_story, False)]),
        ("cid", True, [(cid_story, False)])]

    for story_id in (ada_first, ada_second):
        assert await _view(client, bob, story_id) == 200
    assert await _view(client, bob, cid_story) == 200

    assert await _tray(client, bob) == [
        ("bob", False, [(own, True)]),
        ("dan", True, [(dan_story, False)]),
        ("ada", False, [(ada_first, True), (ada_second, True)]),  # seen ones follow, newest first
        ("cid", False, [(cid_story, True)])]


async def test_stories_expire_after_24_hours_and_are_purged_later(frozen) -> None:
    platform, client, clock = frozen
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "ada")
    story_id = await _story(client, ada)
    assert await _view(client, bob, story_id) == 200

    clock.advance(hours=23, minutes=59)
    ada, bob = await _sign_in(client, "ada"), await _sign_in(client, "bob")
    assert await _account_story_ids(client, bob, "ada") == [story_id]
    clock.advance(minutes=1)

    assert await _account_story_ids(client, bob, "ada") == []
    assert await _account_story_ids(client, ada, "ada") == []
    assert await _tray(client, bob) == []
    assert await _view(client, bob, story_id) == 404
    async with platform.uow() as uow:  # kept for the retention period: the viewers list still answers
        await stories_service.purge_expired(uow, {})
    assert await _story_counts(platform) == (1, 1)
    assert (await client.get(f"{API}/stories/{story_id}/viewers", headers=ada)).status_code == 200

    clock.advance(days=2, seconds=1)
    ada = await _sign_in(client, "ada")
    async with platform.uow() as uow:
        await stories_service.purge_expired(uow, {})

    assert await _story_counts(platform) == (0, 0)
    assert (await client.get(f"{API}/stories/{story_id}/viewers", headers=ada)).status_code == 404


async def test_a_view_counts_once_and_never_the_authors_own(frozen) -> None:
    platform, client, clock = frozen
    ada = await instagram_user(client, "ada")
    viewers = {name: await instagram_user(client, name) for name in ("bob", "cid")}
    story_id = await _story(client, ada)

    assert await _view(client, ada, story_id) == 200
    assert await _view(client, viewers["bob"], story_id) == 200
    clock.advance(minutes=1)
    assert await _view(client, viewers["cid"], story_id) == 200
    clock.advance(minutes=1)
    assert await _view(client, viewers["bob"], story_id) == 200  # again: nothing changes

    page = (await client.get(f"{API}/stories/{story_id}/viewers", headers=ada)).json()
    assert page["view_count"] == 2
    assert [item["account"]["username"] for item in page["items"]] == ["cid", "bob"]  # newest first
    assert page["next_cursor"] is None
    first = (await client.get(f"{API}/stories/{story_id}/viewers", headers=ada, params={"limit": 1})).json()
    rest = (await client.get(f"{API}/stories/{story_id}/viewers", headers=ada,
                             params={"limit": 1, "cursor": first["next_cursor"]})).json()
    assert [item["account"]["username"] for item in first["items"] + rest["items"]] == ["cid", "bob"]
    own = (await client.get(f"{API}/users/ada/stories", headers=ada)).json()["items"]
    assert [(item["view_count"], item["seen"]) for item in own] == [(2, True)]
    assert await _story_counts(platform) == (1, 2)


async def test_only_the_author_sees_the_viewers_list(frozen) -> None:
    _platform, client, _clock = frozen
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    story_id = await _story(client, ada)
    assert await _view(client, bob, story_id) == 200

    refused = await client.get(f"{API}/stories/{story_id}/viewers", headers=bob)

    assert refused.status_code == 404 and refused.json()["code"] == "story_not_found"
    assert (await client.get(f"{API}/stories/{story_id}/viewers", headers=ada)).json()["view_count"] == 1


async def test_a_private_accounts_stories_reach_followers_only(frozen) -> None:
    platform, client, _clock = frozen
    ada = await instagram_user(client, "ada", is_private=True)
    bob = await instagram_user(client, "bob")
    eve = await instagram_user(client, "eve")
    assert await follow(client, eve, "ada") == "requested"
    story_id = await _story(client, ada)
    before = await _story_counts(platform)

    assert await _account_story_ids(client, eve, "ada") == []
    assert await _tray(client, eve) == []
    assert await _view(client, eve, story_id) == 404
    assert await _story_counts(platform) == before  # the refused view left nothing

    requests = (await client.get(f"{API}/follow-requests", headers=ada)).json()["items"]
    assert (await client.post(f"{API}/follow-requests/{requests[0]['id']}/approve", headers=ada)).status_code == 200
    assert await _account_story_ids(client, eve, "ada") == [story_id]
    assert await _account_story_ids(client, bob, "ada") == []


async def test_close_friends_stories_reach_the_list_only(frozen) -> None:
    _platform, client, _clock = frozen
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    cid = await instagram_user(client, "cid")
    for headers in (bob, cid):
        await follow(client, headers, "ada")
    assert (await client.put(f"{API}/close-friends/bob", headers=ada)).status_code == 200
    public = await _story(client, ada)
    close = await _story(client, ada, audience="close_friends")

    assert await _account_story_ids(client, bob, "ada") == [public, close]
    assert await _account_story_ids(client, cid, "ada") == [public]
    assert await _tray(client, cid) == [("ada", True, [(public, False)])]
    assert await _view(client, cid, close) == 404


async def test_a_block_hides_stories_both_ways(frozen) -> None:
    _platform, client, _clock = frozen
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "ada")
    await follow(client, ada, "bob")
    ada_story, bob_story = await _story(client, ada), await _story(client, bob)

    assert (await client.post(f"{API}/users/bob/block", headers=ada)).status_code == 200

    assert [item[0] for item in await _tray(client, bob)] == ["bob"]
    assert [item[0] for item in await _tray(client, ada)] == ["ada"]
    assert (await client.get(f"{API}/users/ada/stories", headers=bob)).status_code == 404
    assert (await client.get(f"{API}/users/bob/stories", headers=ada)).status_code == 404
    assert await _view(client, bob, ada_story) == 404
    assert await _view(client, ada, bob_story) == 404


async def test_refuses_bad_stories_and_writes_nothing(frozen) -> None:
    platform, client, _clock = frozen
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    bobs_media = await upload_photo(client, bob)
    before = await _story_counts(platform)

    for body, status, code in (
            ({"media_id": bobs_media}, 422, "media_invalid"),
            ({"media_id": await upload_photo(client, ada), "audience": "friends"}, 422, "audience_invalid"),
            ({"media_id": "12x"}, 422, "id_invalid")):
        response = await client.post(f"{API}/stories", headers=ada, json=body)
        assert response.status_code == status, response.text
        assert response.json()["code"] == code

    assert await _story_counts(platform) == before
    assert (await client.post(f"{API}/stories/123/view", headers=ada)).status_code == 404
