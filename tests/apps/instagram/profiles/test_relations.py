"""Follows, private accounts' requests, followers lists, blocks, reports and close friends."""

from __future__ import annotations

import asyncio

from tests.apps.instagram.factories import API, follow, instagram_user


async def _requests_of(client, headers) -> list[dict]:
    response = await client.get(f"{API}/follow-requests", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_following_oneself_is_refused(client) -> None:
    ada = await instagram_user(client, "ada")
    refused = await client.post(f"{API}/users/ada/follow", headers=ada)
    assert refused.status_code == 422
    assert refused.json()["code"] == "self_follow"
    assert (await client.get(f"{API}/profile", headers=ada)).json()["following_count"] == 0


async def test_a_private_account_turns_a_follow_into_a_request_the_owner_approves(client) -> None:
    ada = await instagram_user(client, "ada", is_private=True)
    grace = await instagram_user(client, "grace")
    assert await follow(client, grace, "ada") == "requested"
    assert await follow(client, grace, "ada") == "requested"
    hidden = await client.get(f"{API}/users/ada/followers", headers=grace)
    assert hidden.status_code == 403 and hidden.json()["code"] == "private_account"
    requests = await _requests_of(client, ada)
    assert [r["requester"]["username"] for r in requests] == ["grace"]
    approved = await client.post(f"{API}/follow-requests/{requests[0]['id']}/approve", headers=ada)
    assert approved.status_code == 200, approved.text
    assert await _requests_of(client, ada) == []
    followers = await client.get(f"{API}/users/ada/followers", headers=grace)
    assert [p["username"] for p in followers.json()["items"]] == ["grace"]
    assert (await client.get(f"{API}/users/ada", headers=grace)).json()["can_see_content"] is True


async def test_a_denied_request_leaves_no_follow_and_another_owner_cannot_answer_it(client) -> None:
    ada = await instagram_user(client, "ada", is_private=True)
    grace = await instagram_user(client, "grace")
    linus = await instagram_user(client, "linus")
    await follow(client, grace, "ada")
    request_id = (await _requests_of(client, ada))[0]["id"]
    stranger = await client.post(f"{API}/follow-requests/{request_id}/approve", headers=linus)
    assert stranger.status_code == 404
    denied = await client.post(f"{API}/follow-requests/{request_id}/deny", headers=ada)
    assert denied.status_code == 200
    assert (await client.get(f"{API}/users/ada", headers=grace)).json()["relationship"]["is_following"] is False
    assert (await client.get(f"{API}/profile", headers=ada)).json()["followers_count"] == 0


async def test_turning_public_lets_everyone_waiting_in(client) -> None:
    ada = await instagram_user(client, "ada", is_private=True)
    for name in ("grace", "linus"):
        assert await follow(client, await instagram_user(client, name), "ada") == "requested"
    opened = await client.patch(f"{API}/profile", headers=ada, json={"is_private": False})
    assert opened.json()["followers_count"] == 2
    assert await _requests_of(client, ada) == []


async def test_block_removes_follows_both_ways_and_hides_each_from_the_other(client) -> None:
    ada = await instagram_user(client, "ada")
    grace = await instagram_user(client, "grace")
    await follow(client, ada, "grace")
    await follow(client, grace, "ada")
    blocked = await client.post(f"{API}/users/grace/block", headers=ada)
    assert blocked.status_code == 200, blocked.text
    me = (await client.get(f"{API}/profile", headers=ada)).json()
    assert (me["followers_count"], me["following_count"]) == (0, 0)
    assert (await client.get(f"{API}/users/ada", headers=grace)).status_code == 404
    refused = await client.post(f"{API}/users/ada/follow", headers=grace)
    assert refused.status_code == 404
    assert (await client.get(f"{API}/users/grace", headers=ada)).status_code == 404
    unblocked = await client.delete(f"{API}/users/grace/block", headers=ada)
    assert unblocked.status_code == 200
    assert await follow(client, grace, "ada") == "following"


async def test_lists_page_without_repeats(client) -> None:
    ada = await instagram_user(client, "ada")
    names = [f"fan{number}" for number in range(5)]
    for name in names:
        await follow(client, await instagram_user(client, name), "ada")
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(f"{API}/users/ada/followers", headers=ada, params=params)).json()
        seen += [p["username"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == names and len(seen) == len(set(seen))


async def test_concurrent_follows_and_unfollows_keep_counters_true(client) -> None:
    ada = await instagram_user(client, "ada")
    fans = [await instagram_user(client, f"fan{number}") for number in range(8)]

    async def churn(headers) -> None:
        for _ in range(3):
            await client.post(f"{API}/users/ada/follow", headers=headers)
            await client.delete(f"{API}/users/ada/follow", headers=headers)
        await client.post(f"{API}/users/ada/follow", headers=headers)

    await asyncio.gather(*(churn(headers) for headers in fans))
    followers, cursor = [], None
    while True:
        page = (await client.get(f"{API}/users/ada/followers", headers=ada,
                                 params={"limit": 100} | ({"cursor": cursor} if cursor else {}))).json()
        followers += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(followers) == 8
    assert (await client.get(f"{API}/profile", headers=ada)).json()["followers_count"] == 8


async def test_reports_are_kept_and_bad_ones_refused(client) -> None:
    ada = await instagram_user(client, "ada")
    await instagram_user(client, "grace")
    grace_id = (await client.get(f"{API}/users/grace", headers=ada)).json()["id"]
    kept = await client.post(f"{API}/reports", headers=ada, json={
        "target_kind": "account", "target_id": grace_id, "reason": "spam", "details": "bot"})
    assert kept.status_code == 201, kept.text
    assert kept.json()["status"] == "open"
    for body, status in (({"target_kind": "account", "target_id": grace_id, "reason": "meh"}, 422),
                         ({"target_kind": "planet", "target_id": grace_id, "reason": "spam"}, 422),
                         ({"target_kind": "post", "target_id": "123", "reason": "spam"}, 404),
                         ({"target_kind": "account", "target_id": "abc", "reason": "spam"}, 422)):
        refused = await client.post(f"{API}/reports", headers=ada, json=body)
        assert refused.status_code == status, refused.text


async def test_close_friends_list(client) -> None:
    ada = await instagram_user(client, "ada")
    await instagram_user(client, "grace")
    await instagram_user(client, "linus")
    for name in ("linus", "grace"):
        assert (await client.put(f"{API}/close-friends/{name}", headers=ada)).status_code == 200
    listed = (await client.get(f"{API}/close-friends", headers=ada)).json()["items"]
    assert [p["username"] for p in listed] == ["grace", "linus"]
    assert (await client.delete(f"{API}/close-friends/grace", headers=ada)).status_code == 200
    assert [p["username"] for p in (await client.get(f"{API}/close-friends", headers=ada)).json()["items"]] == ["linus"]
    assert (await client.put(f"{API}/close-friends/ada", headers=ada)).status_code == 422
