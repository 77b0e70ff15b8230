"""Instagram's activity list: every kind of notification, grouping and its wording, withdrawals, blocks,
posts the reader can no longer see, unread count and read marks — through the public API and the bus."""

from __future__ import annotations

from tests.apps.instagram.factories import API, follow, instagram_user, publish_post, wait_for_media
from tests.apps.instagram.inbox.factories import activity, settle, texts


async def test_new_followers_pile_up_into_one_line(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    for name in ("bob", "carol", "dave"):
        assert await follow(client, await instagram_user(client, name), "alice") == "following"
    page = await activity(client, platform, alice)
    assert [item["text"] for item in page["items"]] == ["dave and 2 others started following you"]
    (item,) = page["items"]
    assert item["kind"] == "follow" and item["actor_count"] == 3 and item["subject"] is None
    assert [actor["username"] for actor in item["actors"]] == ["dave", "carol", "bob"]
    assert item["is_read"] is False and page["unread_count"] == 1


async def test_an_unfollow_takes_the_follower_out_of_the_unread_line(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    await follow(client, await instagram_user(client, "carol"), "alice")
    await follow(client, bob, "alice")
    assert await texts(client, platform, alice) == ["bob and carol started following you"]
    assert (await client.delete(f"{API}/users/alice/follow", headers=bob)).status_code == 200
    assert await texts(client, platform, alice) == ["carol started following you"]


async def test_follow_request_then_approval_tells_both_sides(client, platform) -> None:
    alice = await instagram_user(client, "alice", is_private=True)
    bob = await instagram_user(client, "bob")
    assert await follow(client, bob, "alice") == "requested"
    page = await activity(client, platform, alice)
    assert [(item["kind"], item["text"]) for item in page["items"]] == [("follow_request", "bob requested to follow you")]
    request_id = (await client.get(f"{API}/follow-requests", headers=alice)).json()["items"][0]["id"]
    approved = await client.post(f"{API}/follow-requests/{request_id}/approve", headers=alice)
    assert approved.status_code == 200, approved.text
    assert await texts(client, platform, alice) == ["bob started following you"]
    assert await texts(client, platform, bob) == ["alice accepted your follow request"]


async def test_a_withdrawn_or_denied_request_leaves_nothing(client, platform) -> None:
    alice = await instagram_user(client, "alice", is_private=True)
    bob = await instagram_user(client, "bob")
    carol = await instagram_user(client, "carol")
    await follow(client, bob, "alice")
    await follow(client, carol, "alice")
    assert (await client.delete(f"{API}/users/alice/follow", headers=bob)).status_code == 200
    assert await texts(client, platform, alice) == ["carol requested to follow you"]
    request_id = (await client.get(f"{API}/follow-requests", headers=alice)).json()["items"][0]["id"]
    assert (await client.post(f"{API}/follow-requests/{request_id}/deny", headers=alice)).status_code == 200
    page = await activity(client, platform, alice)
    assert page["items"] == [] and page["unread_count"] == 0
    assert await texts(client, platform, carol) == []


async def test_mentions_and_tags_name_the_post_with_its_thumbnail(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    await instagram_user(client, "carol")
    post = await publish_post(client, bob, caption="sunset with @alice and @bob", user_tags=[
        {"media_index": 0, "username": "carol", "x": 0.5, "y": 0.5}])
    await wait_for_media(client, bob, post["media"][0]["id"])
    page = await activity(client, platform, alice)
    (item,) = page["items"]
    assert (item["kind"], item["text"]) == ("mention", "bob mentioned you in a post")
    assert item["subject"]["post_id"] == post["id"]
    assert item["subject"]["thumbnail_url"].startswith(("/", "http"))
    carol = await client.post("/api/auth/login", json={"login": "carol", "password": "correct horse battery staple"})
    carol_headers = {"Authorization": f"Bearer {carol.json()['access_token']}"}
    assert await texts(client, platform, carol_headers) == ["bob tagged you in a post"]
    assert await texts(client, platform, bob) == []  # mentioning oneself notifies nobody


async def test_nobody_hears_of_a_post_they_cannot_see(client, platform) -> None:
    bob = await instagram_user(client, "bob", is_private=True)
    alice = await instagram_user(client, "alice")
    await publish_post(client, bob, caption="private thoughts @alice")
    await publish_post(client, await instagram_user(client, "carol"), caption="just us @alice",
                       visibility="followers")
    assert await texts(client, platform, alice) == []
    assert await texts(client, platform, bob) == []


async def test_a_deleted_post_leaves_the_activity_list(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    carol = await instagram_user(client, "carol")
    post = await publish_post(client, bob, caption="hey @alice")
    assert (await client.post(f"{API}/posts/{post['id']}/like", headers=carol)).status_code == 200
    assert await texts(client, platform, alice) == ["bob mentioned you in a post"]
    assert await texts(client, platform, bob) == ["carol liked your post"]
    assert (await client.delete(f"{API}/posts/{post['id']}", headers=bob)).status_code == 200
    for reader in (alice, bob):  # gone from the list and from the badge, for everyone it was about
        page = await activity(client, platform, reader)
        assert page["items"] == [] and page["unread_count"] == 0


async def test_blocks_stop_notifications_and_hide_what_was_there(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "alice")
    await publish_post(client, bob, caption="look @alice")
    assert await texts(client, platform, alice) == ["bob mentioned you in a post", "bob started following you"]
    await follow(client, await instagram_user(client, "carol"), "alice")
    assert (await client.post(f"{API}/users/bob/block", headers=alice)).status_code == 200
    page = await activity(client, platform, alice)
    # bob is out of the follow line (carol stays) and his mention is gone: the badge counts what is shown
    assert [item["text"] for item in page["items"]] == ["carol started following you"]
    assert page["unread_count"] == 1
    await publish_post(client, bob, caption="again @alice")
    refused = await client.post(f"{API}/users/alice/follow", headers=bob)
    assert refused.status_code == 404
    page = await activity(client, platform, alice)
    assert [item["text"] for item in page["items"]] == ["carol started following you"]


async def test_unread_count_and_read_marks(client, platform) -> None:
    alice = await instagram_user(client, "alice", is_private=True)
    for name in ("bob", "carol", "dave"):
        await follow(client, await instagram_user(client, name), "alice")
    page = await activity(client, platform, alice)
    assert page["unread_count"] == 3
    assert (await client.get(f"{API}/notifications/unread-count", headers=alice)).json() == {
        "unread_count": 3, "changed": None}
    first = page["items"][0]["id"]
    marked = await client.post(f"{API}/notifications/read", headers=alice, json={"ids": [first]})
    assert marked.status_code == 200, marked.text
    assert marked.json() == {"unread_count": 2, "changed": 1}
    again = await client.post(f"{API}/notifications/read", headers=alice, json={"ids": [first]})
    assert again.json() == {"unread_count": 2, "changed": 0}
    everything = await client.post(f"{API}/notifications/read", headers=alice, json={})
    assert everything.json() == {"unread_count": 0, "changed": 2}
    page = await activity(client, platform, alice)
    assert [item["is_read"] for item in page["items"]] == [True, True, True]


async def test_pages_through_the_activity_list(client, platform) -> None:
    alice = await instagram_user(client, "alice", is_private=True)
    names = [f"fan{n}" for n in range(5)]
    for name in names:
        await follow(client, await instagram_user(client, name), "alice")
    await settle(platform)
    seen: list[str] = []
    cursor = None
    while True:
        page = await activity(client, platform, alice, limit=2, **({"cursor": cursor} if cursor else {}))
        seen += [item["actors"][0]["username"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(names))
