"""Explore: popular posts and trending hashtags by engagement velocity over 24 hours, suggested accounts."""

from __future__ import annotations

from casebook.apps.instagram.discover import rules as discover_rules
from tests.apps.instagram.discover.reads import explore, settled
from tests.apps.instagram.factories import API, follow, instagram_user, publish_post


async def like(client, headers, post: dict) -> None:
    response = await client.post(f"{API}/posts/{post['id']}/like", headers=headers)
    assert response.status_code == 200, response.text


def captions(answer: dict) -> list[str]:
    return [post["caption"] for post in answer["posts"]]


def tags(answer: dict) -> list[tuple[str, float]]:
    return [(tag["name"], tag["score"]) for tag in answer["hashtags"]]


async def test_ranks_by_engagement_velocity_over_the_last_24_hours(client, platform, clock) -> None:
    ada = await instagram_user(client, "ada")
    viewer = await instagram_user(client, "viewer")
    likers = [await instagram_user(client, f"fan{number}") for number in range(6)]
    old = await publish_post(client, ada, caption="old news #gamma")
    saved = await publish_post(client, ada, caption="saved #alpha")
    liked = await publish_post(client, ada, caption="liked #beta")
    undone = await publish_post(client, ada, caption="undone #beta")
    await publish_post(client, ada, caption="quiet #delta")
    for fan in likers:
        await like(client, fan, old)
    clock.advance(hours=2)
    commented = await client.post(f"{API}/posts/{saved['id']}/comments", headers=likers[0], json={"body": "wow"})
    assert commented.status_code == 201, commented.text
    assert (await client.post(f"{API}/posts/{saved['id']}/save", headers=likers[1])).status_code == 200
    for fan in likers[:4]:
        await like(client, fan, liked)
    await like(client, likers[5], undone)
    assert (await client.delete(f"{API}/posts/{undone['id']}/like", headers=likers[5])).status_code == 200
    await settled(platform)
    now = await explore(client, viewer)
    assert captions(now) == ["old news #gamma", "saved #alpha", "liked #beta"]  # 6 likes, 2 + 3, 4 likes
    # a new post counts 1 for each of its tags, then its engagement counts for them too
    assert tags(now) == [("gamma", 7.0), ("alpha", 6.0), ("beta", 6.0), ("delta", 1.0)]
    clock.advance(hours=23)  # the first hour's likes and the posts' publication are now 25 hours old
    later = await explore(client, viewer)
    assert captions(later) == ["saved #alpha", "liked #beta"]
    assert tags(later) == [("alpha", 5.0), ("beta", 4.0)]
    assert captions(await explore(client, ada)) == []  # nobody is shown their own posts


async def test_never_shows_private_followers_only_blocked_or_deleted_posts(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    grace = await instagram_user(client, "grace")
    viewer = await instagram_user(client, "viewer")
    hidden = await instagram_user(client, "hidden", is_private=True)
    assert await follow(client, viewer, "hidden") == "requested"
    for request in (await client.get(f"{API}/follow-requests", headers=hidden)).json()["items"]:
        assert (await client.post(f"{API}/follow-requests/{request['id']}/approve", headers=hidden)).status_code == 200
    shown = await publish_post(client, ada, caption="shown #ok")
    deleted = await publish_post(client, ada, caption="deleted #ok")
    followers = await publish_post(client, ada, caption="followers only #ok", visibility="followers")
    private = await publish_post(client, hidden, caption="private #secret")
    blocking = await publish_post(client, grace, caption="grace blocks the viewer #ok")
    for headers, post in ((ada, shown), (ada, deleted), (ada, followers), (hidden, private), (grace, blocking)):
        await like(client, headers, post)  # one like each, by its author
    assert (await client.post(f"{API}/users/viewer/block", headers=grace)).status_code == 200
    await settled(platform)
    assert captions(await explore(client, viewer)) == ["deleted #ok", "shown #ok"]  # equal scores: newest first
    assert (await client.delete(f"{API}/posts/{deleted['id']}", headers=ada)).status_code in (200, 204)
    await settled(platform)
    answer = await explore(client, viewer)
    assert captions(answer) == ["shown #ok"]
    assert [tag["name"] for tag in answer["hashtags"]] == ["ok"]  # never the private account's #secret
    assert captions(await explore(client, ada)) == ["grace blocks the viewer #ok"]
    assert await follow(client, viewer, "ada") == "following"  # so the viewer may see ada's followers-only posts
    narrowed = await client.patch(f"{API}/posts/{shown['id']}", headers=ada, json={"visibility": "followers"})
    assert narrowed.status_code == 200, narrowed.text
    assert captions(await explore(client, viewer)) == []  # counted while public, no candidate any more


async def test_ranks_from_the_database_when_the_cache_has_no_counters(client, platform, clock) -> None:
    ada = await instagram_user(client, "ada")
    viewer = await instagram_user(client, "viewer")
    fans = [await instagram_user(client, f"fan{number}") for number in range(3)]
    yesterday = await publish_post(client, ada, caption="yesterday #d")
    for fan in fans:
        await like(client, fan, yesterday)
    clock.advance(hours=25)
    saved = await publish_post(client, ada, caption="saved #a #b")
    liked = await publish_post(client, ada, caption="liked #b")
    await like(client, ada, await publish_post(client, ada, caption="followers #a", visibility="followers"))
    assert (await client.post(f"{API}/posts/{saved['id']}/save", headers=fans[0])).status_code == 200
    for fan in fans[:2]:
        await like(client, fan, liked)
    await settled(platform)
    for hour in discover_rules.window_hours(clock.now()):  # the cache lost everything (a restart, say)
        await platform.cache.delete(discover_rules.posts_bucket_key(hour), discover_rules.tags_bucket_key(hour))
    answer = await explore(client, viewer)
    assert captions(answer) == ["saved #a #b", "liked #b"]
    assert tags(answer) == [("b", 7.0), ("a", 4.0)]


async def test_suggests_friends_of_friends_by_mutual_count_without_blocks(client, platform) -> None:
    viewer = await instagram_user(client, "viewer")
    friends = {name: await instagram_user(client, name) for name in ("ann", "bob", "cat")}
    others = {name: await instagram_user(client, name, is_private=name == "zed")
              for name in ("xena", "yuri", "zed", "blocker")}
    for name in friends:
        assert await follow(client, viewer, name) == "following"
    for follower, followees in {"ann": ("xena", "yuri", "zed", "blocker"), "bob": ("xena", "yuri", "blocker"),
                                "cat": ("xena", "blocker")}.items():
        for followee in followees:
            await follow(client, friends[follower], followee)
    for request in (await client.get(f"{API}/follow-requests", headers=others["zed"])).json()["items"]:
        assert (await client.post(f"{API}/follow-requests/{request['id']}/approve",
                                  headers=others["zed"])).status_code == 200
    assert (await client.post(f"{API}/users/viewer/block", headers=others["blocker"])).status_code == 200
    suggested = (await explore(client, viewer))["suggested_accounts"]
    assert [(s["account"]["username"], s["mutual_count"], s["account"]["is_private"]) for s in suggested] == [
        ("xena", 3, False), ("yuri", 2, False), ("zed", 1, True)]
    assert (await explore(client, friends["cat"]))["suggested_accounts"] == []  # cat's followees follow nobody
