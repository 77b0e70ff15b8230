"""`casebook demo` for Instagram: a heavy-tailed network whose counters equal the rows, ada's feed served through
the API, live activity with notifications and DMs, and nothing added by a second run."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from casebook.apps.instagram import demo, rules
from casebook.apps.instagram.demo import activity, world
from casebook.apps.instagram.models import (
    CommentRow,
    HashtagRow,
    LikeRow,
    PlaceRow,
    PostHashtagRow,
    PostRow,
    ProfileRow,
    SaveRow,
    StoryRow,
    StoryViewRow,
)
from casebook.engines.media.models import MediaAssetRow
from casebook.engines.messaging.models import MessageRow
from casebook.engines.notifications.models import NotificationRow
from casebook.engines.social.models import CounterRow, FollowRequestRow, FollowRow
from casebook.platform.identity.models import Account

API = "/api/instagram"
PEOPLE = 120
ARCHIVE = 6  # older posts per poster (the full demo has 150)
COUNTED_TABLES = (Account, ProfileRow, FollowRow, FollowRequestRow, PostRow, LikeRow, CommentRow, SaveRow, StoryRow,
                  StoryViewRow, MediaAssetRow, MessageRow, NotificationRow, HashtagRow, PlaceRow)


async def _table_counts(platform) -> dict[str, int]:
    async with platform.reader() as uow:
        return {model.__tablename__: await uow.session.scalar(select(func.count()).select_from(model))
                for model in COUNTED_TABLES}


async def _grouped(uow, column, *where) -> dict:
    statement = select(column, func.count()).group_by(column)
    if where:
        statement = statement.where(*where)
    return dict((await uow.session.execute(statement)).all())


async def test_the_demo_loads_a_consistent_network_once(client, platform, monkeypatch) -> None:
    """One load (they take a while) checked from every side, then run again."""
    monkeypatch.setenv(demo.PEOPLE_ENV, str(PEOPLE))
    monkeypatch.setenv(demo.ARCHIVE_ENV, str(ARCHIVE))
    steps: list[int] = []
    await demo.load(platform, steps.append)
    await platform.bus.drain(timeout_s=60)

    await _check_heavy_tailed_graph(platform)
    await _check_counters_equal_the_rows(platform)
    await _check_ada_reads_feed_notifications_and_messages(client, platform)
    await _check_a_second_run_adds_nothing(platform, steps)


async def _check_heavy_tailed_graph(platform) -> None:
    async with platform.reader() as uow:
        followers = sorted((await _grouped(uow, FollowRow.followee_id, FollowRow.network == rules.NETWORK)).values(),
                           reverse=True)
        ada = await uow.session.scalar(select(ProfileRow.account_id).where(ProfileRow.username == "ada"))
        ada_following = await uow.session.scalar(select(func.count()).select_from(FollowRow).where(
            FollowRow.network == rules.NETWORK, FollowRow.follower_id == ada))
        people = await uow.session.scalar(select(func.count()).select_from(ProfileRow))
    median = followers[len(followers) // 2]
    top_share = sum(followers[:PEOPLE // 20]) / sum(followers)
    assert people == PEOPLE
    assert followers[0] >= 0.4 * PEOPLE  # the top account is followed by a large share of the network
    assert followers[0] >= 5 * median
    assert top_share >= 0.2  # the top 5% of accounts hold four times their even share of follows
    assert ada_following >= PEOPLE // 2  # ada follows "several hundred" at full size: half of everyone here


async def _check_counters_equal_the_rows(platform) -> None:
    async with platform.reader() as uow:
        followers = await _grouped(uow, FollowRow.followee_id, FollowRow.network == rules.NETWORK)
        following = await _grouped(uow, FollowRow.follower_id, FollowRow.network == rules.NETWORK)
        counters = {row.account_id: (row.followers_count, row.following_count) for row in
                    await uow.session.scalars(select(CounterRow).where(CounterRow.network == rules.NETWORK))}
        profiles = list(await uow.session.scalars(select(ProfileRow)))
        posts_by_author = await _grouped(uow, PostRow.author_id, PostRow.deleted_at.is_(None))
        posts = list(await uow.session.scalars(select(PostRow)))
        likes = await _grouped(uow, LikeRow.post_id)
        comments = await _grouped(uow, CommentRow.post_id)
        saves = await _grouped(uow, SaveRow.post_id)
        replies = await _grouped(uow, CommentRow.parent_id, CommentRow.parent_id.is_not(None))
        reply_counts = {row.id: row.reply_count for row in await uow.session.scalars(select(CommentRow))}
        tagged = await _grouped(uow, PostHashtagRow.tag)
        hashtags = {row.tag: row.post_count for row in await uow.session.scalars(select(HashtagRow))}
        placed = await _grouped(uow, PostRow.place_id, PostRow.place_id.is_not(None))
        places = {row.id: row.post_count for row in await uow.session.scalars(select(PlaceRow))}
        viewed = await _grouped(uow, StoryViewRow.story_id)
        views = {row.id: row.view_count for row in await uow.session.scalars(select(StoryRow))}
    assert {profile.account_id for profile in profiles} == set(counters)
    assert counters == {account_id: (followers.get(account_id, 0), following.get(account_id, 0))
                        for account_id in counters}
    assert {p.account_id: p.posts_count for p in profiles} == {p.account_id: posts_by_author.get(p.account_id, 0)
                                                               for p in profiles}
    assert [(p.like_count, p.comment_count, p.save_count) for p in posts] == [
        (likes.get(p.id, 0), comments.get(p.id, 0), saves.get(p.id, 0)) for p in posts]
    assert reply_counts == {comment_id: replies.get(comment_id, 0) for comment_id in reply_counts}
    assert hashtags == tagged
    assert places == {place_id: placed.get(place_id, 0) for place_id in places}
    assert views == {story_id: viewed.get(story_id, 0) for story_id in views}
    archive_before = platform.clock.now() - world.POST_WINDOW - timedelta(days=1)  # recent posts: < POST_WINDOW old
    recent = [post for post in posts if post.created_at >= archive_before]
    archived = [post for post in posts if post.created_at < archive_before]
    assert len(archived) == ARCHIVE * len({post.author_id for post in recent})  # every poster's history
    assert all(post.like_count == 0 for post in archived)
    assert sum(likes.values()) > len(recent)  # there is engagement to count
    assert sum(replies.values()) > 0


async def _check_ada_reads_feed_notifications_and_messages(client, platform) -> None:
    login = await client.post("/api/auth/login", json={"login": "ada", "password": demo.DEMO_PASSWORD})
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

    feed = await client.get(f"{API}/feed", headers=headers)
    following = await client.get(f"{API}/users/ada/following", headers=headers, params={"limit": 100})
    notifications = await client.get(f"{API}/notifications", headers=headers)
    conversations = await client.get(f"{API}/conversations", headers=headers)

    assert feed.status_code == 200, feed.text
    items = feed.json()["items"]
    assert len(items) == 20
    assert feed.json()["next_cursor"] is not None
    moments = [item["created_at"] for item in items]
    assert moments == sorted(moments, reverse=True)
    async with platform.reader() as uow:
        ada = await uow.session.scalar(select(ProfileRow.account_id).where(ProfileRow.username == "ada"))
        followed = set((await uow.session.scalars(select(FollowRow.followee_id).where(
            FollowRow.network == rules.NETWORK, FollowRow.follower_id == ada))).all())
    assert {int(item["author"]["id"]) for item in items} <= followed | {ada}
    assert all(media["state"] == "ready" and set(media["urls"]) == {"large", "medium", "small"}
               for item in items for media in item["media"])
    assert following.status_code == 200
    assert notifications.status_code == 200, notifications.text
    kinds = Counter(item["kind"] for item in notifications.json()["items"])
    assert kinds["like"] == 1  # twelve likes grouped into one line
    assert kinds["follow"] >= 1 and kinds["comment"] >= 1
    assert conversations.status_code == 200, conversations.text
    assert len(conversations.json()["items"]) == 2  # grace, and the weekend group; the stranger is a request


async def _check_a_second_run_adds_nothing(platform, loaded: list[int]) -> None:
    before = await _table_counts(platform)

    steps: list[int] = []
    await demo.load(platform, steps.append)
    await platform.bus.drain(timeout_s=60)

    assert await _table_counts(platform) == before
    assert sum(loaded) == sum(steps) == demo.DEMO_STEPS
    assert before["instagram_posts"] == len(world.plan(
        people_count=PEOPLE, now=platform.clock.now(), archive_per_poster=ARCHIVE).posts)
    assert before["messaging_messages"] == len(activity.DIRECT) + len(activity.GROUP) + 1
