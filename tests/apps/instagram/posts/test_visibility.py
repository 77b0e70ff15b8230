"""Who sees which post on every read path of posts: private accounts, audiences, blocks."""

from __future__ import annotations

from tests.apps.instagram.factories import API, follow, instagram_user, publish_post
from tests.apps.instagram.posts.state import snapshot


async def _paths(client, headers, post_id: str) -> dict[str, int]:
    """The status of every read of one post (and its author's grid) for `headers`."""
    return {
        "post": (await client.get(f"{API}/posts/{post_id}", headers=headers)).status_code,
        "likes": (await client.get(f"{API}/posts/{post_id}/likes", headers=headers)).status_code,
        "comments": (await client.get(f"{API}/posts/{post_id}/comments", headers=headers)).status_code,
        "like": (await client.post(f"{API}/posts/{post_id}/like", headers=headers)).status_code,
        "save": (await client.post(f"{API}/posts/{post_id}/save", headers=headers)).status_code,
        "comment": (await client.post(f"{API}/posts/{post_id}/comments", headers=headers,
                                      json={"body": "hi"})).status_code,
    }


HIDDEN = {"post": 404, "likes": 404, "comments": 404, "like": 404, "save": 404, "comment": 404}
SHOWN = {"post": 200, "likes": 200, "comments": 200, "like": 200, "save": 200, "comment": 201}


async def test_a_private_account_shows_its_posts_to_followers_only(client, platform) -> None:
    ada = await instagram_user(client, "ada", is_private=True)
    bob = await instagram_user(client, "bob")
    cid = await instagram_user(client, "cid")
    post = await publish_post(client, ada, caption="private")
    before = await snapshot(platform)
    assert await _paths(client, bob, post["id"]) == HIDDEN
    grid = await client.get(f"{API}/users/ada/posts", headers=bob)
    assert (grid.status_code, grid.json()["code"]) == (403, "private_account")
    assert await snapshot(platform) == before
    assert await follow(client, bob, "ada") == "requested"
    assert await _paths(client, bob, post["id"]) == HIDDEN  # a request is not a follow
    requests = (await client.get(f"{API}/follow-requests", headers=ada)).json()["items"]
    approved = await client.post(f"{API}/follow-requests/{requests[0]['id']}/approve", headers=ada)
    assert approved.status_code == 200
    assert await _paths(client, bob, post["id"]) == SHOWN
    assert [item["id"] for item in (await client.get(f"{API}/users/ada/posts", headers=bob)).json()["items"]] \
        == [post["id"]]
    assert (await client.get(f"{API}/saved", headers=bob)).json()["items"][0]["id"] == post["id"]
    assert (await client.get(f"{API}/users/ada/posts", headers=cid)).status_code == 403


async def test_audiences_narrow_what_a_public_account_shows(client) -> None:
    ada = await instagram_user(client, "ada")
    fan = await instagram_user(client, "fan")
    friend = await instagram_user(client, "friend")
    stranger = await instagram_user(client, "stranger")
    await follow(client, fan, "ada")
    await follow(client, friend, "ada")
    assert (await client.put(f"{API}/close-friends/friend", headers=ada)).status_code == 200
    public = await publish_post(client, ada, visibility="public")
    followers = await publish_post(client, ada, visibility="followers")
    close = await publish_post(client, ada, visibility="close_friends")

    async def grid(headers) -> list[str]:
        return [item["id"] for item in (await client.get(f"{API}/users/ada/posts", headers=headers)).json()["items"]]

    assert await grid(ada) == [close["id"], followers["id"], public["id"]]
    assert await grid(friend) == [close["id"], followers["id"], public["id"]]
    assert await grid(fan) == [followers["id"], public["id"]]
    assert await grid(stranger) == [public["id"]]
    for headers, shown in ((stranger, {public["id"]}), (fan, {public["id"], followers["id"]})):
        for post in (public, followers, close):
            status = (await client.get(f"{API}/posts/{post['id']}", headers=headers)).status_code
            assert status == (200 if post["id"] in shown else 404)


async def test_blocks_hide_posts_both_ways_on_every_path(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    adas = await publish_post(client, ada)
    bobs = await publish_post(client, bob)
    assert (await client.post(f"{API}/posts/{adas['id']}/save", headers=bob)).status_code == 200
    assert (await client.post(f"{API}/users/bob/block", headers=ada)).status_code == 200
    before = await snapshot(platform)
    assert await _paths(client, bob, adas["id"]) == HIDDEN
    assert await _paths(client, ada, bobs["id"]) == HIDDEN
    assert await snapshot(platform) == before
    for headers, owner in ((bob, "ada"), (ada, "bob")):
        grid = await client.get(f"{API}/users/{owner}/posts", headers=headers)
        assert (grid.status_code, grid.json()["code"]) == (404, "user_not_found")
    assert (await client.get(f"{API}/saved", headers=bob)).json()["items"] == []


async def test_likers_and_comments_of_blocked_accounts_are_left_out(client) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    cid = await instagram_user(client, "cid")
    post = await publish_post(client, ada)
    for headers in (bob, cid):
        assert (await client.post(f"{API}/posts/{post['id']}/like", headers=headers)).status_code == 200
        assert (await client.post(f"{API}/posts/{post['id']}/comments", headers=headers,
                                  json={"body": "nice"})).status_code == 201
    assert (await client.post(f"{API}/users/bob/block", headers=cid)).status_code == 200
    likers = (await client.get(f"{API}/posts/{post['id']}/likes", headers=cid)).json()["items"]
    comments = (await client.get(f"{API}/posts/{post['id']}/comments", headers=cid)).json()["items"]
    assert [item["username"] for item in likers] == ["cid"]
    assert [item["author"]["username"] for item in comments] == ["cid"]
    seen_by_ada = (await client.get(f"{API}/posts/{post['id']}/likes", headers=ada)).json()["items"]
    assert sorted(item["username"] for item in seen_by_ada) == ["bob", "cid"]


async def test_insights_are_the_authors_only(client) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    post = await publish_post(client, ada)
    assert (await client.get(f"{API}/insights/posts/{post['id']}", headers=ada)).status_code == 200
    other = await client.get(f"{API}/insights/posts/{post['id']}", headers=bob)
    assert (other.status_code, other.json()["code"]) == (404, "post_not_found")


async def test_signed_out_callers_are_refused(client) -> None:
    ada = await instagram_user(client, "ada")
    post = await publish_post(client, ada)
    assert (await client.get(f"{API}/posts/{post['id']}")).status_code == 401
    assert (await client.post(f"{API}/media", content=b"x")).status_code == 401
