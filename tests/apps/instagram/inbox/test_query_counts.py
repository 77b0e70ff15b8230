"""Hot reads take a fixed number of statements whatever the page holds: no N+1 can come back.

Counted on the reading transaction's own connection: the platform's background work (relay, consumers,
scheduler) shares the engines and must not be counted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import event, text

from casebook.apps.instagram.inbox import activity, direct
from tests.apps.instagram.factories import API, follow, instagram_user, publish_post
from tests.apps.instagram.inbox.factories import send, settle, start


async def _statements(platform: Any, read: Callable[[Any], Awaitable[Any]]) -> tuple[int, Any]:
    await settle(platform)
    async with platform.reader() as uow:
        await uow.session.execute(text("SELECT 1"))  # the read transaction is open before counting
        mine = (await uow.session.connection()).sync_connection
        statements: list[str] = []

        def count(connection, _cursor, statement, *_args) -> None:
            if connection is mine:
                statements.append(statement)

        engine = uow.session.bind.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            found = await read(uow)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    return len(statements), found


async def _account_id(client: Any, headers: dict[str, str]) -> int:
    return int((await client.get(f"{API}/profile", headers=headers)).json()["id"])


async def test_the_activity_list_reads_in_a_fixed_number_of_statements(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    alice_id = await _account_id(client, alice)
    fans = [await instagram_user(client, f"fan{n}") for n in range(4)]
    posts = [await publish_post(client, alice) for _ in range(4)]
    await client.post(f"{API}/posts/{posts[0]['id']}/like", headers=fans[0])
    await client.post(f"{API}/posts/{posts[0]['id']}/comments", headers=fans[0], json={"body": "nice"})

    async def read(uow: Any) -> Any:
        return await activity.list_activity(uow, account_id=alice_id, limit=20)

    small, first = await _statements(platform, read)
    for fan, post in zip(fans, posts):
        await client.post(f"{API}/posts/{post['id']}/like", headers=fan)
        await client.post(f"{API}/posts/{post['id']}/comments", headers=fan, json={"body": "@alice lovely"})
        await follow(client, fan, "alice")
    large, second = await _statements(platform, read)
    assert (len(first.items), len(second.items)) == (2, 9)  # four like lines, four comment lines, one follow line
    # the page, the viewer's three, actors, posts, their authors' privacy, first media, assets, comments, the count
    assert small == large <= 12, (small, large)


async def test_the_conversation_list_reads_in_a_fixed_number_of_statements(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    alice_id = await _account_id(client, alice)
    friends = [await instagram_user(client, f"friend{n}") for n in range(4)]
    for headers in friends:
        await follow(client, headers, "alice")
    first = await start(client, alice, "friend0")
    await send(client, alice, first["id"], text="hi")

    async def read(uow: Any) -> Any:
        return await direct.list_conversations(uow, account_id=alice_id, folder="inbox", cursor=None, limit=20)

    small, one = await _statements(platform, read)
    for n in range(1, 4):
        conversation = await start(client, alice, f"friend{n}")
        await send(client, alice, conversation["id"], text="hi")
    group = await start(client, alice, "friend1", "friend2")
    await send(client, friends[1], group["id"], text="hey all")
    large, five = await _statements(platform, read)
    assert (len(one.items), len(five.items)) == (1, 5)
    # the engine's four, then blocks and the members' profiles
    assert small == large <= 6, (small, large)
