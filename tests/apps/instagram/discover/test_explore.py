"""Explore: popular posts and trending hashtags by engagement velocity over 24 hours, suggested accounts."""

from __future__ import annotations

from sqlalchemy import update

from casebook.apps.instagram import events
from casebook.apps.instagram.models import PostRow
from tests.apps.instagram.discover.reads import explore, settled
from tests.apps.instagram.factories import API, follow, instagram_user, publish_post

WHO = {events.POST_LIKED: "liker_id", events.POST_UNLIKED: "liker_id", events.POST_SAVED: "saver_id",
       events.COMMENT_ADDED: "author_id"}


async def engage(platform, post: dict, *subjects: str) -> None:
    """The engagement events the posts part publishes (the trend consumer's input), one per subject."""
    async with platform.uow() as uow:
        for subject in subjects:
            payload = {"post_id": int(post["id"]), "author_id": int(post["author"]["id"]), WHO[subject]: 1}
            if subject == events.COMMENT_ADDED:
                payload |= {"comment_id": uow.new_id(), "post_author_id": int(post["author"]["id"]),
                            "parent_id": None, "parent_author_id": None, "excerpt": "", "mention_ids": []}
            uow.publish(subject, payload)
    await settled(platform)


def captions(answer: dict) -> list[str]:
    return [post["caption"] for post in answer["posts"]]


def tags(answer: dict) -> list[tuple[str, float]]:
    return [(tag["name"], tag["score"]) for tag in answer["hashtags"]]


async def test_ranks_by_engagement_velocity_over_the_last_24_hours(client, platform, clock) -> None:
    ada = await instagram_user(client, "ada")
    viewer = await instagram_user(client, "viewer")
    old = await publish_post(client, ada, caption="old news #gamma")
    saved = await publish_post(client, ada, caption="saved #alpha")
    liked = await publish_post(client, ada, caption="liked #beta")
    undone = await publish_post(client, ada, caption="undone #beta")
    await publish_post(client, ada, caption="quiet #alpha")
    await engage(platform, old, *[events.POST_LIKED] * 10)
    clock.advance(hours=2)
    await engage(platform, saved, events.COMMENT_ADDED, events.POST_SAVED)  # 2 + 3
    await engage(platform, liked, *[events.POST_LIKED] * 4)
    await engage(platform, undone, events.POST_LIKED, events.POST_UNLIKED)
    now = await explore(client, viewer)
    assert captions(now) == ["old news #gamma", "saved #alpha", "liked #beta"]
    # a new post counts 1 for each of its tags, then its engagement counts for them too
    assert tags(now) == [("gamma", 11.0), ("alpha", 7.0), ("beta", 6.0)]
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
    for post in (shown, deleted, followers, private, blocking):
        await engage(platform, post, events.POST_LIKED)
    assert (await client.post(f"{API}/users/viewer/block", headers=grace)).status_code == 200
    assert captions(await explore(client, viewer)) == ["deleted #ok", "shown #ok"]  # equal scores: newest first
    assert (await client.delete(f"{API}/posts/{deleted['id']}", headers=ada)).status_code in (200, 204)
    await settled(platform)
    answer = await explore(client, viewer)
    assert captions(answer) == ["shown #ok"]
    assert [tag["name"] for tag in answer["hashtags"]] == ["ok"]  # never the private account's #secret
    assert captions(await explore(client, ada)) == ["grace blocks the viewer #ok"]


async def test_ranks_from_the_database_when_the_cache_has_no_counters(client, platform, clock) -> None:
    ada = await instagram_user(client, "ada")
    viewer = await instagram_user(client, "viewer")
    yesterday = await publish_post(client, ada, caption="yesterday #d")
    clock.advance(hours=25)
    saved = await publish_post(client, ada, caption="saved #a #b")
    liked = await publish_post(client, ada, caption="liked #b")
    await publish_post(client, ada, caption="private-ish #a", visibility="followers")
    await settled(platform)
    async with platform.uow() as uow:  # the truth the cache lost: counters on the rows
        for post, likes, saves in ((yesterday, 50, 0), (saved, 0, 1), (liked, 2, 0)):
            await uow.session.execute(update(PostRow).where(PostRow.id == int(post["id"])).values(
                like_count=likes, save_count=saves))
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
