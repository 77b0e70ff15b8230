"""The notifications and direct-message pages through a browser-like client: session cookie, CSRF, htmx."""

from __future__ import annotations

from tests.apps.instagram.factories import API, follow, instagram_user
from tests.apps.instagram.inbox.factories import settle, thread
from tests.platform.identity.harness import build_app, client_at, csrf_token, sign_in_with_form


async def test_the_notifications_page_lists_the_activity_and_marks_it_read(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    await follow(client, await instagram_user(client, "bob"), "alice")
    await settle(platform)
    async with client_at(build_app(platform), "10.0.0.9") as browser:
        await sign_in_with_form(browser, "alice")
        page = await browser.get("/instagram/notifications")
    assert page.status_code == 200
    assert "bob started following you" in page.text and 'src="/static/instagram/notifications.js"' in page.text
    assert (await client.get(f"{API}/notifications/unread-count", headers=alice)).json()["unread_count"] == 0


async def test_a_signed_out_visitor_is_asked_to_sign_in(client) -> None:
    for path in ("/instagram/notifications", "/instagram/direct"):
        page = await client.get(path)
        assert page.status_code == 200 and "Sign in" in page.text


async def test_writing_from_the_inbox_page_opens_the_thread_and_shows_seen(client, platform) -> None:
    await instagram_user(client, "alice")
    bob = await instagram_user(client, "bob")
    await follow(client, bob, "alice")
    async with client_at(build_app(platform), "10.0.0.9") as browser:
        await sign_in_with_form(browser, "alice")
        token = await csrf_token(browser, "/instagram/direct")
        started = await browser.post("/instagram/direct", data={"usernames": "bob", "text": "hello bob",
                                                                "_csrf": token})
        assert started.status_code == 303, started.text
        thread_path = started.headers["location"]
        conversation_id = thread_path.rsplit("/", 1)[1]
        sent = await browser.post(thread_path, data={"text": "second", "_csrf": token},
                                  headers={"HX-Request": "true"})
        assert sent.status_code == 200 and "<html" not in sent.text
        assert sent.text.index("hello bob") < sent.text.index("second")
        assert 'data-testid="seen"' not in sent.text
        await thread(client, bob, conversation_id)
        read = await client.post(f"{API}/conversations/{conversation_id}/read", headers=bob, json={})
        assert read.status_code == 200
        page = await browser.get(thread_path)
        inbox = await browser.get("/instagram/direct")
        refused = await browser.post("/instagram/direct", data={"usernames": "nobody", "_csrf": token})
    assert page.status_code == 200 and 'data-testid="seen">Seen</div>' in page.text
    assert inbox.status_code == 200 and f"/instagram/direct/{conversation_id}" in inbox.text
    assert refused.status_code == 404 and "No Instagram account @nobody." in refused.text
    assert [item["text"] for item in (await thread(client, bob, conversation_id))["items"]] == ["second", "hello bob"]


async def test_a_request_is_accepted_from_its_page(client, platform) -> None:
    alice = await instagram_user(client, "alice")
    await instagram_user(client, "bob")
    started = await client.post(f"{API}/conversations", headers=alice, json={"usernames": ["bob"]})
    conversation_id = started.json()["id"]
    await client.post(f"{API}/conversations/{conversation_id}/messages", headers=alice, json={"text": "hi"})
    async with client_at(build_app(platform), "10.0.0.9") as browser:
        await sign_in_with_form(browser, "bob")
        requests = await browser.get("/instagram/direct?folder=requests")
        token = await csrf_token(browser, f"/instagram/direct/{conversation_id}")
        accepted = await browser.post(f"/instagram/direct/{conversation_id}/accept", data={"_csrf": token})
        inbox = await browser.get("/instagram/direct")
    assert f"/instagram/direct/{conversation_id}" in requests.text
    assert accepted.status_code == 303
    assert f"/instagram/direct/{conversation_id}" in inbox.text
