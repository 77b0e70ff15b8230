"""Hot reads take a fixed number of statements whatever the page holds: no N+1 can come back."""

from __future__ import annotations

from tests.apps.instagram.factories import API, follow, instagram_user, publish_post
from tests.apps.instagram.inbox.factories import send, settle, start
from tests.platform.identity.harness import counted_statements


async def _statements(client, platform, path: str, headers: dict[str, str]) -> int:
    await settle(platform)
    with counted_statements(platform) as statements:
        answer = await client.get(path, headers=headers)
    assert answer.status_code == 200, answer.text
    return len(statements)


async def test_the_activity_list_reads_in_a_fixed_number_of_statements(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    fans = [await instagram_user(client, f"fan{n}") for n in range(4)]
    posts = [await publish_post(client, alice) for _ in range(4)]
    await client.post(f"{API}/posts/{posts[0]['id']}/like", headers=fans[0])
    await client.post(f"{API}/posts/{posts[0]['id']}/comments", headers=fans[0], json={"body": "nice"})
    small = await _statements(client, platform, f"{API}/notifications", alice)
    for fan, post in zip(fans, posts):
        await client.post(f"{API}/posts/{post['id']}/like", headers=fan)
        await client.post(f"{API}/posts/{post['id']}/comments", headers=fan, json={"body": "@alice lovely"})
        await follow(client, fan, "alice")
    large = await _statements(client, platform, f"{API}/notifications", alice)
    page = (await client.get(f"{API}/notifications", headers=alice)).json()
    assert len(page["items"]) == 9  # four like lines, four comment lines, one follow line
    assert large == small


async def test_the_conversation_list_reads_in_a_fixed_number_of_statements(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    friends = [await instagram_user(client, f"friend{n}") for n in range(4)]
    for headers in friends:
        await follow(client, headers, "alice")
    first = await start(client, alice, "friend0")
    await send(client, alice, first["id"], text="hi")
    small = await _statements(client, platform, f"{API}/conversations", alice)
    for n in range(1, 4):
        conversation = await start(client, alice, f"friend{n}")
        await send(client, alice, conversation["id"], text="hi")
    group = await start(client, alice, "friend1", "friend2")
    await send(client, friends[1], group["id"], text="hey all")
    large = await _statements(client, platform, f"{API}/conversations", alice)
    assert len((await client.get(f"{API}/conversations", headers=alice)).json()["items"]) == 5
    assert large == small
