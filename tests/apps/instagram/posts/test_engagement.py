"""Likes, saves, comments and insights: idempotent toggles, counters equal to their rows, events only on
real change, and a page of posts that costs the same queries whatever its size."""

from __future__ import annotations

import asyncio

from sqlalchemy import event

from casebook.apps.instagram.posts import insights
from tests.apps.instagram.factories import API, follow, instagram_user, publish_post, wait_for_media
from tests.apps.instagram.posts.state import counters_match_rows, events_of, snapshot


async def test_liking_twice_is_one_like_and_unliking_twice_is_none(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    post = await publish_post(client, ada)
    for _ in range(2):
        liked = await client.post(f"{API}/posts/{post['id']}/like", headers=bob)
        assert liked.json() == {"post_id": post["id"], "viewer_has_liked": True, "like_count": 1}
    assert len(await events_of(platform, "post_liked")) == 1
    seen = (await client.get(f"{API}/posts/{post['id']}", headers=bob)).json()
    assert (seen["like_count"], seen["viewer_has_liked"]) == (1, True)
    likers = (await client.get(f"{API}/posts/{post['id']}/likes", headers=ada)).json()
    assert [item["username"] for item in likers["items"]] == ["bob"]
    for _ in range(2):
        unliked = await client.delete(f"{API}/posts/{post['id']}/like", headers=bob)
        assert unliked.json() == {"post_id": post["id"], "viewer_has_liked": False, "like_count": 0}
    assert len(await events_of(platform, "post_unliked")) == 1
    await counters_match_rows(platform)


async def test_saves_are_idempotent_and_listed_newest_first(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    posts = [await publish_post(client, ada, caption=f"#{index}") for index in range(3)]
    for post in posts:
        for _ in range(2):
            saved = await client.post(f"{API}/posts/{post['id']}/save", headers=bob)
            assert saved.json() == {"post_id": post["id"], "viewer_has_saved": True, "save_count": 1}
    assert len(await events_of(platform, "post_saved")) == 3
    first = (await client.get(f"{API}/saved", headers=bob, params={"limit": 2})).json()
    rest = (await client.get(f"{API}/saved", headers=bob, params={"cursor": first["next_cursor"]})).json()
    assert [item["id"] for item in first["items"] + rest["items"]] == [post["id"] for post in reversed(posts)]
    assert all(item["viewer_has_saved"] for item in first["items"])
    assert rest["next_cursor"] is None
    unsaved = await client.delete(f"{API}/posts/{posts[0]['id']}/save", headers=bob)
    assert unsaved.json()["save_count"] == 0
    assert len((await client.get(f"{API}/saved", headers=bob)).json()["items"]) == 2
    await counters_match_rows(platform)


async def test_comments_thread_one_level_and_list_oldest_first(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    post = await publish_post(client, ada)
    top = (await client.post(f"{API}/posts/{post['id']}/comments", headers=bob, json={"body": "first"})).json()
    second = await client.post(f"{API}/posts/{post['id']}/comments", headers=ada, json={"body": "second"})
    assert second.status_code == 201
    reply = (await client.post(f"{API}/posts/{post['id']}/comments", headers=ada,
                               json={"body": "@bob thanks", "parent_id": top["id"]})).json()
    nested = (await client.post(f"{API}/posts/{post['id']}/comments", headers=bob,
                                json={"body": "welcome", "parent_id": reply["id"]})).json()
    assert reply["parent_id"] == nested["parent_id"] == top["id"]  # a reply to a reply joins the thread
    listed = (await client.get(f"{API}/posts/{post['id']}/comments", headers=bob)).json()["items"]
    assert [(item["body"], item["reply_count"]) for item in listed] == [("first", 2), ("second", 0)]
    assert [item["can_delete"] for item in listed] == [True, False]
    newest = (await client.get(f"{API}/posts/{post['id']}/comments", headers=bob,
                               params={"order": "newest"})).json()["items"]
    assert [item["body"] for item in newest] == ["second", "first"]
    replies = (await client.get(f"{API}/posts/{post['id']}/comments", headers=bob,
                                params={"parent_id": top["id"]})).json()["items"]
    assert [item["body"] for item in replies] == ["@bob thanks", "welcome"]
    assert (await client.get(f"{API}/posts/{post['id']}", headers=ada)).json()["comment_count"] == 4
    added = await events_of(platform, "comment_added")
    assert [payload["parent_id"] for payload in added] == [None, None, int(top["id"]), int(top["id"])]
    assert added[2]["mention_ids"] == [added[0]["author_id"]] and added[2]["parent_author_id"] == added[0]["author_id"]
    await counters_match_rows(platform)


async def test_deleting_comments_takes_replies_along_and_only_by_the_right_people(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    cid = await instagram_user(client, "cid")
    post = await publish_post(client, ada)
    top = (await client.post(f"{API}/posts/{post['id']}/comments", headers=bob, json={"body": "top"})).json()
    for body in ("one", "two"):
        await client.post(f"{API}/posts/{post['id']}/comments", headers=cid, json={"body": body, "parent_id": top["id"]})
    cids = (await client.post(f"{API}/posts/{post['id']}/comments", headers=cid, json={"body": "mine"})).json()
    before = await snapshot(platform)
    refused = await client.delete(f"{API}/comments/{top['id']}", headers=cid)  # not cid's, not cid's post
    assert (refused.status_code, refused.json()["code"]) == (404, "comment_not_found")
    assert await snapshot(platform) == before
    assert (await client.delete(f"{API}/comments/{cids['id']}", headers=cid)).status_code == 200
    assert (await client.delete(f"{API}/comments/{top['id']}", headers=ada)).status_code == 200  # the post's author
    assert (await client.get(f"{API}/posts/{post['id']}/comments", headers=ada)).json()["items"] == []
    assert (await client.get(f"{API}/posts/{post['id']}", headers=ada)).json()["comment_count"] == 0
    assert len(await events_of(platform, "comment_deleted")) == 2
    await counters_match_rows(platform)


async def test_refused_comments_change_nothing(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    post = await publish_post(client, ada)
    gone = await publish_post(client, ada)
    assert (await client.delete(f"{API}/posts/{gone['id']}", headers=ada)).status_code == 200
    other = await publish_post(client, ada)
    elsewhere = (await client.post(f"{API}/posts/{other['id']}/comments", headers=bob, json={"body": "x"})).json()
    before = await snapshot(platform)
    for post_id, body, status, code in (
            (gone["id"], {"body": "hello?"}, 404, "post_not_found"),
            ("999999999", {"body": "hello?"}, 404, "post_not_found"),
            (post["id"], {"body": "   "}, 422, "comment_empty"),
            (post["id"], {"body": "x" * 2_201}, 422, "too_long"),
            (post["id"], {"body": "reply", "parent_id": elsewhere["id"]}, 404, "comment_not_found"),
            (post["id"], {"body": "reply", "parent_id": "nope"}, 422, "id_invalid")):
        refused = await client.post(f"{API}/posts/{post_id}/comments", headers=bob, json=body)
        assert (refused.status_code, refused.json()["code"]) == (status, code), refused.text
    liked_gone = await client.post(f"{API}/posts/{gone['id']}/like", headers=bob)
    assert (liked_gone.status_code, liked_gone.json()["code"]) == (404, "post_not_found")
    assert await snapshot(platform) == before


async def test_insights_count_impressions_and_reach_without_the_author(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    cid = await instagram_user(client, "cid")
    post = await publish_post(client, ada)
    for headers in (bob, bob, bob, cid, ada, ada):
        assert (await client.get(f"{API}/posts/{post['id']}", headers=headers)).status_code == 200
    await client.post(f"{API}/posts/{post['id']}/like", headers=bob)
    await client.post(f"{API}/posts/{post['id']}/save", headers=cid)
    await client.post(f"{API}/posts/{post['id']}/comments", headers=cid, json={"body": "wow"})
    await insights.flush(platform)
    read = (await client.get(f"{API}/insights/posts/{post['id']}", headers=ada)).json()
    assert read == {"post_id": post["id"], "impressions": 4, "reach": 2, "like_count": 1, "comment_count": 1,
                    "save_count": 1}


async def test_many_views_recorded_at_once_fold_into_exact_counts(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    post = await publish_post(client, ada)
    post_id = int(post["id"])
    bob_id = int((await client.get(f"{API}/users/bob", headers=bob)).json()["id"])
    await asyncio.gather(*(insights.record_views(platform, viewer_id, [post_id])
                           for viewer_id in [bob_id] * 50 + list(range(10_000, 10_030))))
    await insights.flush(platform)
    read = (await client.get(f"{API}/insights/posts/{post['id']}", headers=ada)).json()
    assert (read["impressions"], read["reach"]) == (80, 31)


async def test_concurrent_likes_comments_and_saves_keep_every_counter_equal_to_its_rows(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    people = [await instagram_user(client, f"fan{index}") for index in range(6)]
    posts = [await publish_post(client, ada) for _ in range(2)]

    async def busy(headers, post_id: str) -> None:
        url = f"{API}/posts/{post_id}"
        await asyncio.gather(
            client.post(f"{url}/like", headers=headers), client.post(f"{url}/like", headers=headers),
            client.delete(f"{url}/like", headers=headers), client.post(f"{url}/like", headers=headers),
            client.post(f"{url}/save", headers=headers), client.delete(f"{url}/save", headers=headers),
            client.post(f"{url}/save", headers=headers),
            client.post(f"{url}/comments", headers=headers, json={"body": "a"}),
            client.post(f"{url}/comments", headers=headers, json={"body": "b"}))

    results = await asyncio.gather(*(busy(headers, post["id"]) for headers in people for post in posts),
                                   return_exceptions=True)
    assert [result for result in results if result is not None] == []
    await counters_match_rows(platform)
    for post in posts:
        read = (await client.get(f"{API}/posts/{post['id']}", headers=ada)).json()
        assert read["comment_count"] == 12
        assert 0 <= read["like_count"] <= 6 and 0 <= read["save_count"] <= 6


async def test_a_grid_page_costs_the_same_queries_whatever_its_size(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "ada")
    for index in range(8):
        post = await publish_post(client, ada, caption=f"#p{index}", location={"name": f"Place {index % 2}"})
        await wait_for_media(client, ada, post["media"][0]["id"])  # no rendering queries while counting
    cold = await _queries_of_grid(client, platform, bob, limit=8)
    small = await _queries_of_grid(client, platform, bob, limit=2)
    large = await _queries_of_grid(client, platform, bob, limit=8)
    # viewer (3) + owner profile (1) + posts (1) + the posts' fresh half (1) + the bodies (media slots, user
    # tags, places, assets) of posts not shown since their photos were ready (4)
    assert cold <= 10
    # the bodies are kept once shown
    assert small == large == 6


async def _queries_of_grid(client, platform, headers, *, limit: int) -> int:
    statements: list[str] = []
    request_task = asyncio.current_task()  # the in-process client serves the request in this task

    def count(_connection, _cursor, statement, *_args) -> None:
        # Not the consumers working in the background, nor the SQLite driver's BEGIN.
        if asyncio.current_task() is request_task and not statement.startswith("BEGIN"):
            statements.append(statement)

    engines = [engine.sync_engine for engine in platform.db.pooled_engines]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        page = (await client.get(f"{API}/users/ada/posts", headers=headers, params={"limit": limit})).json()
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)
    assert len(page["items"]) == limit
    return len(statements)
