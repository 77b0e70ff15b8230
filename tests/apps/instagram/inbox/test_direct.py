"""Instagram direct messages: 1:1 get-or-create, groups, message requests, blocks, photos and shared posts
as each reader may see them, read receipts, paging — through the public API."""

from __future__ import annotations

from tests.apps.instagram.factories import (
    API,
    follow,
    instagram_user,
    publish_post,
    upload_photo,
    wait_for_media,
)
from tests.apps.instagram.inbox.factories import folder, send, start, thread


async def test_one_name_gets_or_creates_the_same_direct_thread_from_either_side(client) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "alice")
    first = await start(client, alice, "bob")
    assert await start(client, alice, "@Bob") == first
    from_bob = await start(client, bob, "alice")
    assert from_bob["id"] == first["id"]
    assert first["kind"] == "direct" and [m["username"] for m in first["members"]] == ["bob"]
    assert [m["username"] for m in from_bob["members"]] == ["alice"]


async def test_a_follower_gets_the_message_in_the_inbox(client) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "alice")
    conversation = await start(client, alice, "bob")
    assert await folder(client, bob) == []  # an opened thread without a message leaves no trace
    sent = await send(client, alice, conversation["id"], text="hi bob")
    assert (sent["kind"], sent["text"], sent["sender"]["username"]) == ("text", "hi bob", "alice")
    (row,) = await folder(client, bob)
    assert (row["id"], row["status"], row["last_message_text"], row["unread_count"]) == (
        conversation["id"], "active", "hi bob", 1)
    assert await folder(client, bob, "requests") == []


async def test_a_non_follower_gets_a_request_until_accepting(client) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob", is_private=True)
    conversation = await start(client, alice, "bob")
    await send(client, alice, conversation["id"], text="hello stranger")
    assert await folder(client, bob) == []
    (request,) = await folder(client, bob, "requests")
    assert (request["id"], request["status"]) == (conversation["id"], "requested")
    assert [item["text"] for item in (await thread(client, bob, conversation["id"]))["items"]] == ["hello stranger"]
    refused = await client.post(f"{API}/conversations/{conversation['id']}/messages", headers=bob, json={"text": "x"})
    assert refused.status_code == 409 and refused.json()["code"] == "message_request_pending"
    accepted = await client.post(f"{API}/conversations/{conversation['id']}/accept", headers=bob)
    assert accepted.status_code == 200 and accepted.json()["status"] == "active"
    assert [row["id"] for row in await folder(client, bob)] == [conversation["id"]]
    assert await folder(client, bob, "requests") == []
    await send(client, bob, conversation["id"], text="hi!")
    assert [item["text"] for item in (await thread(client, alice, conversation["id"]))["items"]] == [
        "hi!", "hello stranger"]


async def test_a_declined_request_disappears(client) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    conversation = await start(client, alice, "bob")
    await send(client, alice, conversation["id"], text="buy my course")
    declined = await client.post(f"{API}/conversations/{conversation['id']}/decline", headers=bob)
    assert declined.status_code == 200
    assert await folder(client, bob, "requests") == [] and await folder(client, bob) == []
    gone = await client.get(f"{API}/conversations/{conversation['id']}/messages", headers=bob)
    assert gone.status_code == 404


async def test_a_group_puts_non_followers_in_requests(client) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    carol = await instagram_user(client, "carol")
    await follow(client, bob, "alice")
    group = await start(client, alice, "bob", "carol", title="trip")
    assert (group["kind"], group["title"]) == ("group", "trip")
    assert sorted(m["username"] for m in group["members"]) == ["bob", "carol"]
    await send(client, alice, group["id"], text="plans?")
    assert [row["id"] for row in await folder(client, bob)] == [group["id"]]
    assert [row["id"] for row in await folder(client, carol, "requests")] == [group["id"]]
    again = await start(client, alice, "bob", "carol")
    assert again["id"] != group["id"]  # a group is never got again by its names: each is new


async def test_unknown_and_bad_names_are_refused_and_create_nothing(client) -> None:
    alice = await instagram_user(client, "alice")
    await instagram_user(client, "bob")
    missing = await client.post(f"{API}/conversations", headers=alice, json={"usernames": ["bob", "nobody"]})
    assert missing.status_code == 404 and missing.json()["code"] == "user_not_found"
    alone = await client.post(f"{API}/conversations", headers=alice, json={"usernames": ["alice"]})
    assert alone.status_code == 422 and alone.json()["code"] == "usernames_count_invalid"
    crowd = await client.post(f"{API}/conversations", headers=alice, json={"usernames": [f"u{n}" for n in range(32)]})
    assert crowd.status_code == 422 and crowd.json()["code"] == "usernames_count_invalid"
    assert await folder(client, alice) == []


async def test_a_block_either_way_hides_the_person_and_stops_messages_both_ways(client) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "alice")
    await follow(client, alice, "bob")
    conversation = await start(client, alice, "bob")
    await send(client, alice, conversation["id"], text="before")
    await send(client, bob, conversation["id"], text="reply before")
    assert (await client.post(f"{API}/users/bob/block", headers=alice)).status_code == 200
    for sender, other in ((alice, "bob"), (bob, "alice")):
        refused = await client.post(f"{API}/conversations/{conversation['id']}/messages", headers=sender,
                                    json={"text": "after"})
        assert refused.status_code == 403 and refused.json()["code"] == "messaging_blocked"
        unknown = await client.post(f"{API}/conversations", headers=sender, json={"usernames": [other]})
        assert unknown.status_code == 404 and unknown.json()["code"] == "user_not_found"
    seen_by_alice = await thread(client, alice, conversation["id"])
    assert [item["text"] for item in seen_by_alice["items"]] == ["before"]
    assert seen_by_alice["conversation"]["is_blocked"] is True
    assert [item["text"] for item in (await thread(client, bob, conversation["id"]))["items"]] == ["reply before"]
    (row,) = await folder(client, alice)
    assert row["last_message_text"] is None  # bob's last words are hidden from alice


async def test_a_blocked_person_in_a_group_is_hidden_but_the_group_goes_on(client) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    carol = await instagram_user(client, "carol")
    for headers in (bob, carol):
        await follow(client, headers, "alice")
    await follow(client, alice, "bob")
    group = await start(client, alice, "bob", "carol")
    await send(client, bob, group["id"], text="from bob")
    assert (await client.post(f"{API}/users/bob/block", headers=carol)).status_code == 200
    await send(client, alice, group["id"], text="from alice")
    await send(client, bob, group["id"], text="bob again")
    assert [item["text"] for item in (await thread(client, carol, group["id"]))["items"]] == ["from alice"]
    assert [item["text"] for item in (await thread(client, alice, group["id"]))["items"]] == [
        "bob again", "from alice", "from bob"]


async def test_own_photos_can_be_sent_and_others_cannot(client) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "alice")
    conversation = await start(client, alice, "bob")
    media_id = await upload_photo(client, alice)
    await wait_for_media(client, alice, media_id)
    sent = await send(client, alice, conversation["id"], media_id=media_id, text="look")
    assert sent["kind"] == "media"
    (item,) = (await thread(client, bob, conversation["id"]))["items"]
    assert item["kind"] == "media" and set(item["media_urls"]) >= {"small", "medium", "large"}
    bobs_photo = await upload_photo(client, bob)
    refused = await client.post(f"{API}/conversations/{conversation['id']}/messages", headers=alice,
                                json={"media_id": bobs_photo})
    assert refused.status_code == 404
    assert len((await thread(client, bob, conversation["id"]))["items"]) == 1


async def test_a_shared_post_shows_only_to_those_who_may_see_it(client) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    carol = await instagram_user(client, "carol", is_private=True)
    await follow(client, bob, "alice")
    request = await follow(client, alice, "carol")
    assert request == "requested"
    request_id = (await client.get(f"{API}/follow-requests", headers=carol)).json()["items"][0]["id"]
    assert (await client.post(f"{API}/follow-requests/{request_id}/approve", headers=carol)).status_code == 200
    post = await publish_post(client, carol, caption="for followers")
    conversation = await start(client, alice, "bob")
    shared = await send(client, alice, conversation["id"], post_id=post["id"], text="see this")
    assert shared["kind"] == "shared"
    (seen_by_bob,) = (await thread(client, bob, conversation["id"]))["items"]
    assert seen_by_bob["shared_post"] is None and seen_by_bob["is_post_unavailable"] is True
    (seen_by_alice,) = (await thread(client, alice, conversation["id"]))["items"]
    assert seen_by_alice["shared_post"]["id"] == post["id"] and seen_by_alice["is_post_unavailable"] is False
    bobs_try = await start(client, bob, "alice")
    refused = await client.post(f"{API}/conversations/{bobs_try['id']}/messages", headers=bob,
                                json={"post_id": post["id"]})
    assert refused.status_code == 404 and refused.json()["code"] == "post_not_found"
    assert len((await thread(client, alice, conversation["id"]))["items"]) == 1


async def test_read_receipts_show_who_has_seen_what(client) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "alice")
    conversation = await start(client, alice, "bob")
    first = await send(client, alice, conversation["id"], text="one")
    second = await send(client, alice, conversation["id"], text="two")
    (unseen,) = (await thread(client, alice, conversation["id"]))["seen"]
    assert (unseen["account"]["username"], unseen["last_read_message_id"]) == ("bob", None)
    read = await client.post(f"{API}/conversations/{conversation['id']}/read", headers=bob,
                             json={"message_id": first["id"]})
    assert read.status_code == 200 and read.json() == {"last_read_message_id": first["id"]}
    (seen,) = (await thread(client, alice, conversation["id"]))["seen"]
    assert (seen["account"]["username"], seen["last_read_message_id"]) == ("bob", first["id"])
    everything = await client.post(f"{API}/conversations/{conversation['id']}/read", headers=bob, json={})
    assert everything.json() == {"last_read_message_id": second["id"]}
    assert (await folder(client, bob))[0]["unread_count"] == 0


async def test_pages_back_through_a_thread_without_repeats(client) -> None:
    alice = await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "alice")
    conversation = await start(client, alice, "bob")
    for n in range(5):
        await send(client, alice, conversation["id"], text=f"m{n}")
    seen, cursor = [], None
    while True:
        page = await thread(client, bob, conversation["id"], limit=2, **({"cursor": cursor} if cursor else {}))
        seen += [item["text"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["m4", "m3", "m2", "m1", "m0"]


async def test_strangers_cannot_read_or_write_a_conversation(client) -> None:
    alice = await instagram_user(client, "alice")
    await instagram_user(client, "bob")
    mallory = await instagram_user(client, "mallory")
    conversation = await start(client, alice, "bob")
    await send(client, alice, conversation["id"], text="private")
    for method, path, body in (("GET", "messages", None), ("POST", "messages", {"text": "x"}),
                               ("POST", "read", {}), ("GET", "", None)):
        url = f"{API}/conversations/{conversation['id']}/{path}".rstrip("/")
        answer = await client.request(method, url, headers=mallory, json=body)
        assert answer.status_code == 404, (method, path, answer.text)
    assert len((await thread(client, alice, conversation["id"]))["items"]) == 1
