"""Home and story pages through a browser-like client: session cookie, CSRF, htmx infinite scroll."""

from __future__ import annotations

import re

from tests.apps.instagram.factories import API, instagram_user, jpeg_bytes, publish_post, settle, upload_photo
from tests.platform.identity.harness import csrf_token, register, sign_in_with_form


async def _signed_in_follower_of(client, platform, username: str) -> str:
    """Sign `ada` in with the form, follow `username` with the htmx button; the CSRF token."""
    await register(client, "ada")
    await sign_in_with_form(client, "ada")
    token = await csrf_token(client, "/instagram/")
    followed = await client.post(f"/instagram/u/{username}/follow", headers={"HX-Request": "true",
                                                                             "X-CSRF-Token": token})
    assert followed.status_code == 200, followed.text
    await settle(platform)
    return token


async def test_home_shows_the_feed_and_scrolls_to_the_next_page(client, platform) -> None:
    grace = await instagram_user(client, "grace")  # API calls first: once the client holds a session, they need CSRF
    media_id = await upload_photo(client, grace)
    captions = [f"photo number {n}" for n in range(12)]
    for caption in captions:
        await publish_post(client, grace, caption=caption, media_ids=[media_id])
    await _signed_in_follower_of(client, platform, "grace")

    home = await client.get("/instagram/")

    assert home.status_code == 200
    shown = re.findall(r"photo number \d+", home.text)
    assert shown == captions[::-1][:10]
    more = re.search(r'hx-get="(/instagram/feed/page\?[^"]+)"', home.text)
    assert more is not None and 'hx-trigger="revealed"' in home.text
    page = await client.get(more.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"})
    assert page.status_code == 200 and "<html" not in page.text
    assert re.findall(r"photo number \d+", page.text) == captions[::-1][10:]
    assert 'data-testid="feed-more"' not in page.text
    ranked = await client.get("/instagram/?mode=ranked")
    assert ranked.status_code == 200 and len(set(re.findall(r"photo number \d+", ranked.text))) == 10


async def test_a_story_added_with_the_form_shows_in_the_tray_and_the_viewer_marks_it_seen(client, platform) -> None:
    grace = await instagram_user(client, "grace")
    response = await client.post(f"{API}/stories", headers=grace, json={"media_id": await upload_photo(client, grace)})
    assert response.status_code == 201, response.text
    story_id = response.json()["id"]
    token = await _signed_in_follower_of(client, platform, "grace")

    added = await client.post("/instagram/stories/new", data={"audience": "everyone", "_csrf": token},
                              files={"media": ("me.jpg", jpeg_bytes(), "image/jpeg")})
    home = await client.get("/instagram/")
    viewer = await client.get("/instagram/stories/grace")
    seen = await client.post(f"/instagram/stories/{story_id}/seen", headers={"HX-Request": "true",
                                                                             "X-CSRF-Token": token})
    again = await client.get("/instagram/")

    assert added.status_code == 303, added.text
    tray = re.findall(r'class="ig-tray-item (\w+)"\s+data-testid="tray-item" data-username="(\w+)"', home.text)
    assert tray == [("seen", "ada"), ("unseen", "grace")]
    assert viewer.status_code == 200 and f'data-story-id="{story_id}" data-seen="false"' in viewer.text
    assert f'hx-post="/instagram/stories/{story_id}/seen"' in viewer.text
    assert seen.status_code == 204
    assert re.findall(r'class="ig-tray-item (\w+)"\s+data-testid="tray-item" data-username="(\w+)"',
                      again.text) == [("seen", "ada"), ("seen", "grace")]


async def test_a_signed_out_visitor_is_asked_to_sign_in(client, platform) -> None:
    home = await client.get("/instagram/")
    assert home.status_code == 200 and "Sign in" in home.text and 'data-testid="feed"' not in home.text
