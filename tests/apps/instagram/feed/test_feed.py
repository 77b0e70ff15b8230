"""The home feed: who sees what, hybrid fan-out, rebuilds, paging that neither repeats nor skips, ranking."""

from __future__ import annotations

import pytest
from sqlalchemy import event, update

from casebook.apps.instagram.feed import rules as feed_rules
from casebook.apps.instagram.feed import timeline
from casebook.apps.instagram.models import CommentRow, LikeRow, PostRow
from casebook.apps.instagram.posts import insights, publishing
from casebook.engines import social
from casebook.platform.http.pagination import Cursors
from tests.apps.instagram.factories import API, follow, instagram_user, publish_post, settle, upload_photo
from tests.apps.instagram.feed.conftest import all_feed_ids, feed_ids


async def _account_id(client, headers) -> int:
    return int((await client.get(f"{API}/profile", headers=headers)).json()["id"])


async def _timeline_ids(platform, account_id: int) -> list[int] | None:
    page = await social.timelines.read(platform.cache, network="instagram", account_id=account_id, limit=100)
    return None if page is None else [item_id for item_id, _ in page.items]


async def _posts(client, platform, headers, count: int, **fields) -> list[str]:
    """`count` posts of one photo (uploaded once), newest last."""
    media_id = await upload_photo(client, headers)
    ids = [(await publish_post(client, headers, caption=f"post {n}", media_ids=[media_id], **fields))["id"]
           for n in range(count)]
    await settle(platform)
    return ids


async def test_a_follower_sees_a_post_and_a_stranger_does_not(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    eve = await instagram_user(client, "eve")
    await follow(client, bob, "ada")
    assert await feed_ids(client, bob) == ([], None)  # builds bob's (empty) timeline

    [post_id] = await _posts(client, platform, ada, 1)

    assert await feed_ids(client, bob) == ([post_id], None)
    assert await feed_ids(client, ada) == ([post_id], None)  # the author sees their own post
    assert await feed_ids(client, eve) == ([], None)
    page = (await client.get(f"{API}/feed", headers=bob)).json()
    assert page["mode"] == "chronological"
    assert page["items"][0]["author"]["username"] == "ada" and page["items"][0]["caption"] == "post 0"
    assert await _timeline_ids(platform, await _account_id(client, bob)) == [int(post_id)]  # pushed, not rebuilt


async def test_a_private_accounts_posts_reach_approved_followers_only(client, platform) -> None:
    ada = await instagram_user(client, "ada", is_private=True)
    bob = await instagram_user(client, "bob")
    eve = await instagram_user(client, "eve")
    assert await follow(client, bob, "ada") == "requested"
    assert await follow(client, eve, "ada") == "requested"
    [post_id] = await _posts(client, platform, ada, 1)
    assert await feed_ids(client, bob) == ([], None)

    requests = (await client.get(f"{API}/follow-requests", headers=ada)).json()["items"]
    bobs = next(item for item in requests if item["requester"]["username"] == "bob")
    approved = await client.post(f"{API}/follow-requests/{bobs['id']}/approve", headers=ada)
    assert approved.status_code == 200, approved.text
    await settle(platform)

    assert await feed_ids(client, bob) == ([post_id], None)
    assert await feed_ids(client, eve) == ([], None)
    assert await feed_ids(client, eve, mode="ranked") == ([], None)


async def test_close_friends_posts_reach_the_list_only(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    cid = await instagram_user(client, "cid")
    for headers in (bob, cid):
        await follow(client, headers, "ada")
        await feed_ids(client, headers)
    assert (await client.put(f"{API}/close-friends/bob", headers=ada)).status_code == 200

    [public_id] = await _posts(client, platform, ada, 1)
    [close_id] = await _posts(client, platform, ada, 1, visibility="close_friends")

    assert await feed_ids(client, bob) == ([close_id, public_id], None)
    assert await feed_ids(client, cid) == ([public_id], None)
    assert int(close_id) not in await _timeline_ids(platform, await _account_id(client, cid))  # never pushed
    assert await feed_ids(client, ada) == ([close_id, public_id], None)
    await social.timelines.drop(platform.cache, network="instagram", account_id=await _account_id(client, cid))
    assert await feed_ids(client, cid) == ([public_id], None)  # nor rebuilt in
    assert await feed_ids(client, cid, mode="ranked") == ([public_id], None)


async def test_a_close_friends_post_opened_to_followers_reaches_their_timelines(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    cid = await instagram_user(client, "cid")
    await follow(client, cid, "ada")
    await settle(platform)  # the follow drops cid's timeline; the read below builds it again
    await feed_ids(client, cid)  # built now: only fan-out can bring new posts into it
    [close_id] = await _posts(client, platform, ada, 1, visibility="close_friends")
    [public_id] = await _posts(client, platform, ada, 1)
    assert int(close_id) not in await _timeline_ids(platform, await _account_id(client, cid))

    opened = await client.patch(f"{API}/posts/{close_id}", headers=ada, json={"visibility": "followers"})
    assert opened.status_code == 200, opened.text
    await settle(platform)

    assert int(close_id) in await _timeline_ids(platform, await _account_id(client, cid))
    assert await feed_ids(client, cid) == ([public_id, close_id], None)  # in its place by creation time


async def test_a_deleted_post_vanishes_from_feeds(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "ada")
    await feed_ids(client, bob)
    kept, deleted = await _posts(client, platform, ada, 2)

    assert (await client.delete(f"{API}/posts/{deleted}", headers=ada)).status_code == 200
    assert await feed_ids(client, bob) == ([kept], None)  # the read path skips it at once
    await settle(platform)

    assert await _timeline_ids(platform, await _account_id(client, bob)) == [int(kept)]  # and it is taken out
    assert await feed_ids(client, bob, mode="ranked") == ([kept], None)
    assert await feed_ids(client, ada) == ([kept], None)


async def test_a_visibility_narrowed_after_posting_takes_effect_on_read(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "ada")
    await feed_ids(client, bob)
    [post_id] = await _posts(client, platform, ada, 1)
    assert await feed_ids(client, bob) == ([post_id], None)

    narrowed = await client.patch(f"{API}/posts/{post_id}", headers=ada, json={"visibility": "close_friends"})
    assert narrowed.status_code == 200, narrowed.text

    assert await feed_ids(client, bob) == ([], None)
    assert await feed_ids(client, bob, mode="ranked") == ([], None)


async def test_unfollow_and_block_remove_the_authors_posts(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    cid = await instagram_user(client, "cid")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "ada")
    await follow(client, bob, "cid")
    await feed_ids(client, bob)
    [ada_post] = await _posts(client, platform, ada, 1)
    [cid_post] = await _posts(client, platform, cid, 1)
    assert await feed_ids(client, bob) == ([cid_post, ada_post], None)

    assert (await client.delete(f"{API}/users/ada/follow", headers=bob)).status_code == 200
    await settle(platform)
    assert await feed_ids(client, bob) == ([cid_post], None)

    assert (await client.post(f"{API}/users/bob/block", headers=cid)).status_code == 200
    await settle(platform)
    assert await feed_ids(client, bob) == ([], None)
    assert await feed_ids(client, bob, mode="ranked") == ([], None)
    assert await feed_ids(client, cid) == ([cid_post], None)


async def test_a_new_follow_brings_the_followees_recent_posts_in(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    older = await _posts(client, platform, ada, 2)
    assert await feed_ids(client, bob) == ([], None)

    await follow(client, bob, "ada")
    await settle(platform)

    assert await feed_ids(client, bob) == (older[::-1], None)


async def test_an_author_over_the_threshold_is_pulled_not_pushed_and_still_appears(client, platform,
                                                                                   monkeypatch) -> None:
    monkeypatch.setattr(feed_rules, "FANOUT_FOLLOWERS_MAX", 1)
    star = await instagram_user(client, "star")
    small = await instagram_user(client, "small")
    bob = await instagram_user(client, "bob")
    cid = await instagram_user(client, "cid")
    for headers in (bob, cid):
        await follow(client, headers, "star")
    await follow(client, bob, "small")
    await settle(platform)
    assert await feed_ids(client, bob) == ([], None)
    assert await feed_ids(client, star) == ([], None)
    bob_id = await _account_id(client, bob)

    [star_old] = await _posts(client, platform, star, 1)
    [small_post] = await _posts(client, platform, small, 1)
    [star_new] = await _posts(client, platform, star, 1)

    assert await _timeline_ids(platform, bob_id) == [int(small_post)]  # the star's posts were not pushed
    assert await _timeline_ids(platform, await _account_id(client, star)) == [int(star_new), int(star_old)]
    assert await feed_ids(client, bob) == ([star_new, small_post, star_old], None)  # merged at read time
    first, cursor = await feed_ids(client, bob, limit=1)
    second, cursor = await feed_ids(client, bob, limit=1, cursor=cursor)
    third, cursor = await feed_ids(client, bob, limit=1, cursor=cursor)
    assert first + second + third == [star_new, small_post, star_old]
    assert await feed_ids(client, bob, limit=1, cursor=cursor) == ([], None)
    assert sorted(await all_feed_ids(client, bob, mode="ranked")) == sorted([star_new, small_post, star_old])


async def test_the_threshold_is_inclusive(client, platform, monkeypatch) -> None:
    monkeypatch.setattr(feed_rules, "FANOUT_FOLLOWERS_MAX", 2)
    await instagram_user(client, "star")
    star = await instagram_user(client, "star2")
    followers = [await instagram_user(client, name) for name in ("bob", "cid")]
    for headers in followers:
        await follow(client, headers, "star2")
    await settle(platform)  # the follows drop the timelines: build them after
    for headers in followers:
        await feed_ids(client, headers)
    [post_id] = await _posts(client, platform, star, 1)

    for headers in followers:
        assert await _timeline_ids(platform, await _account_id(client, headers)) == [int(post_id)]


async def test_a_dropped_timeline_is_rebuilt_from_the_database(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "ada")
    await feed_ids(client, bob)
    posts = await _posts(client, platform, ada, 3)
    bob_id = await _account_id(client, bob)

    await social.timelines.drop(platform.cache, network="instagram", account_id=bob_id)
    assert await _timeline_ids(platform, bob_id) is None

    assert await feed_ids(client, bob) == (posts[::-1], None)
    assert await _timeline_ids(platform, bob_id) == [int(post_id) for post_id in posts[::-1]]
    [newer] = await _posts(client, platform, ada, 1)  # fan-out reaches the rebuilt timeline again
    assert await _timeline_ids(platform, bob_id) == [int(newer), *(int(post_id) for post_id in posts[::-1])]


async def test_a_post_published_while_a_timeline_is_rebuilt_is_not_missed(client, platform, monkeypatch) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "ada")
    [before] = await _posts(client, platform, ada, 1)
    media_id = int(await upload_photo(client, ada))
    ada_id, bob_id = await _account_id(client, ada), await _account_id(client, bob)
    await social.timelines.drop(platform.cache, network="instagram", account_id=bob_id)
    published: list[int] = []
    rebuild = social.timelines.rebuild

    async def rebuild_while_ada_posts(cache, **kwargs) -> None:
        # Between the rebuild's database read and its cache write: fan-out finds no timeline for bob.
        async with platform.uow() as uow:
            post = await publishing.publish_post(uow, author_id=ada_id, media_ids=[media_id], caption="meanwhile",
                                                 visibility="public")
        published.append(post.id)
        await settle(platform)
        await rebuild(cache, **kwargs)

    monkeypatch.setattr(social.timelines, "rebuild", rebuild_while_ada_posts)
    async with platform.reader() as uow:
        await timeline.rebuild_timeline(uow, viewer_id=bob_id)
    monkeypatch.setattr(social.timelines, "rebuild", rebuild)

    assert await _timeline_ids(platform, bob_id) == [published[0], int(before)]


@pytest.mark.parametrize("mode", ["chronological", "ranked"])
async def test_paging_while_posts_arrive_neither_repeats_nor_skips(client, platform, monkeypatch, mode) -> None:
    monkeypatch.setattr(feed_rules, "FANOUT_FOLLOWERS_MAX", 1)  # star is pulled, ada pushed: both streams page
    ada = await instagram_user(client, "ada")
    star = await instagram_user(client, "star")
    bob = await instagram_user(client, "bob")
    cid = await instagram_user(client, "cid")
    for name in ("ada", "star"):
        await follow(client, bob, name)
    await follow(client, cid, "star")
    await feed_ids(client, bob)
    ada_media, star_media = await upload_photo(client, ada), await upload_photo(client, star)
    before = []
    for n in range(7):
        author, media_id = (ada, ada_media) if n % 2 else (star, star_media)
        before.append((await publish_post(client, author, caption=f"before {n}", media_ids=[media_id]))["id"])
    await settle(platform)

    seen, cursor = await feed_ids(client, bob, mode=mode, limit=3)
    arrived = [(await publish_post(client, author, caption="during", media_ids=[media_id]))["id"]
               for author, media_id in ((ada, ada_media), (star, star_media))]
    await settle(platform)
    while cursor is not None:
        page, cursor = await feed_ids(client, bob, mode=mode, limit=3, cursor=cursor)
        seen += page

    assert len(seen) == len(set(seen))
    assert sorted(seen) == sorted(before)
    if mode == "chronological":
        assert seen == before[::-1]
    fresh = await all_feed_ids(client, bob, mode=mode, limit=3)
    assert sorted(fresh) == sorted(before + arrived)


async def test_ranked_order_follows_the_scores(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    cid = await instagram_user(client, "cid")
    bob = await instagram_user(client, "bob")
    for name in ("ada", "cid"):
        await follow(client, bob, name)
    quiet, popular = await _posts(client, platform, ada, 2)
    older_of_cid, cid_post = await _posts(client, platform, cid, 2)
    bob_id = await _account_id(client, bob)
    async with platform.uow() as uow:  # engagement as the posts part records it: rows and counters together
        now = uow.now()
        await uow.session.execute(update(PostRow).where(PostRow.id == int(popular)).values(like_count=3))
        await uow.session.execute(update(PostRow).where(PostRow.id == int(older_of_cid)).values(
            like_count=1, comment_count=1))
        uow.session.add(LikeRow(post_id=int(older_of_cid), account_id=bob_id, created_at=now))
        uow.session.add(CommentRow(id=uow.new_id(), post_id=int(older_of_cid), author_id=bob_id, parent_id=None,
                                   body="nice", reply_count=0, created_at=now))

    ranked, _ = await feed_ids(client, bob, mode="ranked")

    async with platform.reader() as uow:
        rows = {str(post.id): post for post in await timeline.views.load_posts(uow, [int(p) for p in ranked])}
    now = platform.clock.now()
    interactions = {rows[older_of_cid].author_id: 1}  # bob's like on cid's post (his comment is on a candidate
    interactions[rows[older_of_cid].author_id] += 1  # post too): two interactions with cid
    expected = sorted(ranked, reverse=True, key=lambda post_id: (feed_rules.score(
        age_h=feed_rules.age_hours(rows[post_id].created_at, now), like_count=rows[post_id].like_count,
        comment_count=rows[post_id].comment_count, save_count=rows[post_id].save_count,
        interaction_count=interactions.get(rows[post_id].author_id, 0)), int(post_id)))
    assert ranked == expected
    # cid's posts carry bob's affinity (2 × log 3) and outrank ada's popular one (log 4), which outranks quiet
    assert ranked == [older_of_cid, cid_post, popular, quiet]
    chronological, _ = await feed_ids(client, bob)
    assert chronological == [cid_post, older_of_cid, popular, quiet]


async def test_an_expired_ranked_snapshot_is_a_422(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    await _posts(client, platform, ada, 3)
    _, cursor = await feed_ids(client, ada, mode="ranked", limit=1)
    bob = await instagram_user(client, "bob")
    stolen = await client.get(f"{API}/feed", headers=bob, params={"mode": "ranked", "cursor": cursor})
    assert stolen.status_code == 422 and stolen.json()["code"] == "feed_expired"  # snapshots are per viewer
    await platform.cache.delete(await _snapshot_key(client, platform, ada, cursor))

    expired = await client.get(f"{API}/feed", headers=ada, params={"mode": "ranked", "cursor": cursor})

    assert expired.status_code == 422 and expired.json()["code"] == "feed_expired"


async def _snapshot_key(client, platform, headers, cursor: str) -> str:
    """Where the snapshot behind `cursor` is kept (the test expires it by deleting the key)."""
    snapshot_id = Cursors(platform.settings.secret_key).decode(cursor)["snapshot_id"]
    return f"feed:instagram:ranked:{await _account_id(client, headers)}:{snapshot_id}"


async def test_bad_feed_requests_are_422(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    for params, code in (({"mode": "random"}, "mode_invalid"), ({"limit": 51}, "limit_invalid"),
                         ({"limit": 0}, "limit_invalid"), ({"cursor": "!!"}, "invalid_cursor"),
                         ({"mode": "ranked", "cursor": "abc"}, "invalid_cursor")):
        response = await client.get(f"{API}/feed", headers=ada, params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.json()["code"] == code
    assert (await client.get(f"{API}/feed")).status_code == 401


async def test_the_first_page_costs_the_same_queries_whatever_its_size(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "ada")
    await settle(platform)
    await feed_ids(client, bob)
    await _posts(client, platform, ada, 12)
    await insights.flush(platform)  # its writer runs beside the request, not in it
    bob_id = await _account_id(client, bob)

    cold = await _queries_of_first_page(platform, bob_id, limit=12)
    small = await _queries_of_first_page(platform, bob_id, limit=2)
    large = await _queries_of_first_page(platform, bob_id, limit=12)

    # Pulled authors (1); the posts' fresh half with the viewer's relations (1); the bodies (media slots, user
    # tags, places, assets) of posts not kept yet (4; here those published while their photo still rendered).
    assert cold <= 6
    # Shown once with settled media, a body is kept for the URL window; the timeline is one cache read.
    assert small == large == 2


async def _queries_of_first_page(platform, viewer_id: int, *, limit: int) -> int:
    statements: list[str] = []

    def count(_connection, _cursor, statement, *_args) -> None:
        if any(table in statement for table in ("instagram_", "social_", "media_")):  # not the bus's polling
            statements.append(statement)

    engine = platform.db.reader.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        async with platform.reader() as uow:
            result = await timeline.read_chronological(uow, viewer_id=viewer_id, cursor=None, limit=limit)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(result.posts) == limit
    return len(statements)


async def test_the_fanout_on_read_baseline_answers_the_same_posts(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    cid = await instagram_user(client, "cid")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "ada")
    await follow(client, bob, "cid")
    posts = await _posts(client, platform, ada, 2) + await _posts(client, platform, cid, 2)

    async with platform.reader() as uow:
        rows = await timeline.feed_by_fanout_on_read(uow, await _account_id(client, bob), 3)

    assert [str(row.id) for row in rows] == posts[::-1][:3]
    assert (await feed_ids(client, bob, limit=3))[0] == posts[::-1][:3]
