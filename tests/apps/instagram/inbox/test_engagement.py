"""Notifications of likes, comments, replies and mentions in comments: grouped per post, withdrawn on unlike
or when the last comment goes, never for oneself, never across a block."""

from __future__ import annotations

from tests.apps.instagram.factories import API, follow, instagram_user, publish_post
from tests.apps.instagram.inbox.factories import activity, texts


async def like(client, headers, post_id: str) -> None:
    answer = await client.post(f"{API}/posts/{post_id}/like", headers=headers)
    assert answer.status_code == 200, answer.text


async def comment(client, headers, post_id: str, body: str, parent_id: str | None = None) -> dict:
    answer = await client.post(f"{API}/posts/{post_id}/comments", headers=headers,
                               json={"body": body, **({"parent_id": parent_id} if parent_id else {})})
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_likes_group_per_post_and_an_unlike_withdraws(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    post = await publish_post(client, alice, caption="dunes")
    other = await publish_post(client, alice, caption="sea")
    fans = {name: await instagram_user(client, name) for name in ("bob", "carol", "dave", "erin")}
    for headers in fans.values():
        await like(client, headers, post["id"])
    await like(client, fans["bob"], post["id"])  # liking twice is one like, one actor
    await like(client, fans["carol"], other["id"])
    await like(client, alice, post["id"])  # one's own like notifies nobody
    page = await activity(client, platform, alice)
    assert [(item["text"], item["subject"]["post_id"]) for item in page["items"]] == [
        ("carol liked your post", other["id"]), ("erin and 3 others liked your post", post["id"])]
    assert page["items"][1]["actor_count"] == 4
    assert [actor["username"] for actor in page["items"][1]["actors"]] == ["erin", "dave", "carol"]
    assert (await client.delete(f"{API}/posts/{post['id']}/like", headers=fans["erin"])).status_code == 200
    assert (await client.delete(f"{API}/posts/{other['id']}/like", headers=fans["carol"])).status_code == 200
    assert await texts(client, platform, alice) == ["dave and 2 others liked your post"]
    for name in ("bob", "carol", "dave"):
        await client.delete(f"{API}/posts/{post['id']}/like", headers=fans[name])
    page = await activity(client, platform, alice)
    assert page["items"] == [] and page["unread_count"] == 0


async def test_a_read_group_stays_and_new_likes_start_another(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    post = await publish_post(client, alice)
    await like(client, await instagram_user(client, "bob"), post["id"])
    await activity(client, platform, alice)
    await client.post(f"{API}/notifications/read", headers=alice, json={})
    await like(client, await instagram_user(client, "carol"), post["id"])
    page = await activity(client, platform, alice)
    assert [(item["text"], item["is_read"]) for item in page["items"]] == [
        ("carol liked your post", False), ("bob liked your post", True)]


async def test_comments_group_per_post_and_quote_a_single_commenter(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    carol = await instagram_user(client, "carol")
    post = await publish_post(client, alice)
    first = await comment(client, bob, post["id"], "what a view")
    (item,) = (await activity(client, platform, alice))["items"]
    assert (item["kind"], item["text"]) == ("comment", "bob commented on your post: what a view")
    assert item["subject"]["comment_id"] == first["id"]
    await comment(client, carol, post["id"], "wow")
    await comment(client, alice, post["id"], "thanks all")  # the author's own comment notifies nobody
    assert await texts(client, platform, alice) == ["carol and bob commented on your post"]
    assert (await client.delete(f"{API}/comments/{first['id']}", headers=bob)).status_code == 200
    assert await texts(client, platform, alice) == ["carol commented on your post: wow"]


async def test_replies_and_mentions_in_comments(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    carol = await instagram_user(client, "carol")
    dave = await instagram_user(client, "dave")
    post = await publish_post(client, alice)
    top = await comment(client, bob, post["id"], "first!")
    await comment(client, carol, post["id"], "@bob not quite, ask @dave", parent_id=top["id"])
    assert await texts(client, platform, bob) == ["carol replied to your comment: @bob not quite, ask @dave"]
    assert await texts(client, platform, dave) == ["carol mentioned you in a comment: @bob not quite, ask @dave"]
    assert await texts(client, platform, alice) == ["carol and bob commented on your post"]
    await comment(client, alice, post["id"], "yes you were", parent_id=top["id"])
    assert (await activity(client, platform, bob))["items"][0]["text"] == "alice and carol replied to your comment"


async def test_a_reply_to_the_authors_own_comment_says_replied_once(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    post = await publish_post(client, alice)
    top = await comment(client, alice, post["id"], "which one is your favourite?")
    reply = await comment(client, bob, post["id"], "the second", parent_id=top["id"])
    assert await texts(client, platform, alice) == ["bob replied to your comment: the second"]
    assert (await client.delete(f"{API}/comments/{reply['id']}", headers=bob)).status_code == 200
    assert await texts(client, platform, alice) == []


async def test_blocked_likers_are_not_heard_and_hidden_from_groups(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    carol = await instagram_user(client, "carol")
    post = await publish_post(client, alice)
    await like(client, carol, post["id"])
    await like(client, bob, post["id"])
    assert await texts(client, platform, alice) == ["bob and carol liked your post"]
    assert (await client.post(f"{API}/users/bob/block", headers=alice)).status_code == 200
    assert await texts(client, platform, alice) == ["carol liked your post"]


async def test_a_post_made_private_later_hides_its_mentions(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    await follow(client, alice, "bob")
    post = await publish_post(client, bob, caption="with @alice")
    assert await texts(client, platform, alice) == ["bob mentioned you in a post"]
    narrowed = await client.patch(f"{API}/posts/{post['id']}", headers=bob, json={"visibility": "close_friends"})
    assert narrowed.status_code == 200, narrowed.text
    assert await texts(client, platform, alice) == []
