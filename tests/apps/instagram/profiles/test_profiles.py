"""Profiles: created on first use, edited within Instagram's limits, counts from counters."""

from __future__ import annotations

from tests.apps.instagram.factories import API, follow, instagram_user


async def test_profile_is_created_on_first_use_with_a_username_from_the_account(client) -> None:
    headers = await instagram_user(client, "Ada.Lovelace")
    me = (await client.get(f"{API}/profile", headers=headers)).json()
    assert me["username"] == "ada.lovelace"
    assert (me["posts_count"], me["followers_count"], me["following_count"]) == (0, 0, 0)
    assert me["is_private"] is False and me["relationship"] is None


async def test_edits_profile_and_refuses_bad_fields_without_changing_anything(client) -> None:
    headers = await instagram_user(client, "ada")
    await instagram_user(client, "grace")
    changed = await client.patch(f"{API}/profile", headers=headers, json={
        "full_name": "Ada L.", "bio": "Analytical engines", "website": "https://example.com", "username": "ada_l"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["username"], changed.json()["bio"]) == ("ada_l", "Analytical engines")
    for body, code in (({"username": "grace"}, "username_taken"), ({"username": "no spaces"}, "username_invalid"),
                       ({"bio": "x" * 151}, "too_long"), ({"website": "ftp://x"}, "website_invalid")):
        refused = await client.patch(f"{API}/profile", headers=headers, json=body)
        assert refused.status_code in (409, 422), refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == code
    me = (await client.get(f"{API}/profile", headers=headers)).json()
    assert (me["username"], me["bio"], me["website"]) == ("ada_l", "Analytical engines", "https://example.com")


async def test_counts_follow_the_graph(client) -> None:
    ada = await instagram_user(client, "ada")
    grace = await instagram_user(client, "grace")
    assert await follow(client, ada, "grace") == "following"
    assert await follow(client, ada, "grace") == "following"  # idempotent
    seen_by_ada = (await client.get(f"{API}/users/grace", headers=ada)).json()
    assert seen_by_ada["followers_count"] == 1
    assert seen_by_ada["relationship"]["is_following"] is True
    ada_seen_by_grace = (await client.get(f"{API}/users/ada", headers=grace)).json()
    assert ada_seen_by_grace["following_count"] == 1
    assert ada_seen_by_grace["relationship"]["is_followed_by"] is True


async def test_unknown_user_is_a_404(client) -> None:
    headers = await instagram_user(client, "ada")
    missing = await client.get(f"{API}/users/nobody", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["code"] == "user_not_found"
