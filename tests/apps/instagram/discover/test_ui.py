"""Discovery pages through a browser-like client: explore, search with its htmx results, hashtag and place grids."""

from __future__ import annotations

from tests.apps.instagram.discover.reads import settled
from tests.apps.instagram.factories import API, follow, instagram_user, publish_post
from tests.platform.identity.harness import csrf_token, sign_in_with_form


async def test_pages_show_only_what_the_signed_in_viewer_may_see(client, platform) -> None:
    ada = await instagram_user(client, "ada")
    hidden = await instagram_user(client, "hidden", is_private=True)
    await instagram_user(client, "viewer")
    shown = await publish_post(client, ada, caption="harbour lights #night",
                               location={"name": "Harbour Bridge", "latitude": -33.85, "longitude": 151.21})
    secret = await publish_post(client, hidden, caption="secret lights #night")
    assert (await client.post(f"{API}/posts/{shown['id']}/like", headers=ada)).status_code == 200
    await settled(platform)
    for path in ("/instagram/explore", "/instagram/search?q=lights", "/instagram/tags/night"):
        signed_out = await client.get(path)
        assert signed_out.status_code == 200 and "Sign in" in signed_out.text and shown["id"] not in signed_out.text
    await sign_in_with_form(client, "viewer")

    explore = await client.get("/instagram/explore")
    assert explore.status_code == 200 and f'data-post-id="{shown["id"]}"' in explore.text
    assert 'href="/instagram/tags/night"' in explore.text
    tag = await client.get("/instagram/tags/night")
    assert tag.status_code == 200 and "#night" in tag.text
    assert f'data-post-id="{shown["id"]}"' in tag.text and secret["id"] not in tag.text
    place = await client.get(f"/instagram/places/{shown['location']['id']}")
    assert place.status_code == 200 and "Harbour Bridge" in place.text and shown["id"] in place.text
    page = await client.get("/instagram/search", params={"q": "lights", "type": "posts"})
    assert page.status_code == 200 and shown["id"] in page.text and secret["id"] not in page.text
    typed = await client.get("/instagram/search/results", params={"q": "hidd", "type": "accounts"},
                             headers={"HX-Request": "true"})
    assert typed.status_code == 200 and 'href="/instagram/u/hidden"' in typed.text and "<html" not in typed.text
    tags = await client.get("/instagram/search/results", params={"q": "#nig", "type": "hashtags"})
    assert "#night" in tags.text and "2 posts" in tags.text
    missing = await client.get("/instagram/tags/nowhere")
    assert missing.status_code == 404


async def test_follows_a_suggested_account_from_explore(client, platform) -> None:
    viewer = await instagram_user(client, "viewer")
    friend = await instagram_user(client, "friend")
    await instagram_user(client, "xena", is_private=True)
    assert await follow(client, viewer, "friend") == "following"
    assert await follow(client, friend, "xena") == "requested"
    await instagram_user(client, "yuri")
    assert await follow(client, friend, "yuri") == "following"
    await sign_in_with_form(client, "viewer")
    explore = await client.get("/instagram/explore")
    assert 'href="/instagram/u/yuri"' in explore.text and 'href="/instagram/u/xena"' not in explore.text
    token = await csrf_token(client, "/instagram/explore")
    followed = await client.post("/instagram/explore/follow/yuri", headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert followed.status_code == 200 and "Following" in followed.text
    refused = await client.post("/instagram/explore/follow/yuri")  # no CSRF token
    assert refused.status_code == 403
    relationship = (await client.get(f"{API}/users/yuri", headers=viewer)).json()["relationship"]
    assert relationship["is_following"] is True
