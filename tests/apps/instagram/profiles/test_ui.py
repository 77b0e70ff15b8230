"""Profile pages through a browser-like client: session cookie, CSRF, htmx follow button, settings form."""

from __future__ import annotations

from tests.apps.instagram.factories import API, follow, instagram_user
from tests.platform.identity.harness import csrf_token, register, sign_in_with_form


async def test_profile_page_follows_with_htmx_and_shows_the_count(client) -> None:
    await instagram_user(client, "grace")  # API calls first: once the client holds a session, they need CSRF
    await register(client, "ada")
    await sign_in_with_form(client, "ada")
    token = await csrf_token(client, "/instagram/u/grace")

    page = await client.get("/instagram/u/grace")
    followed = await client.post("/instagram/u/grace/follow", headers={"HX-Request": "true", "X-CSRF-Token": token})
    again = await client.get("/instagram/u/grace")

    assert page.status_code == 200 and 'hx-post="/instagram/u/grace/follow"' in page.text
    assert followed.status_code == 200 and 'data-testid="unfollow"' in followed.text and "<html" not in followed.text
    assert 'data-testid="followers-count">1<' in again.text


async def test_private_profile_page_hides_the_grid_from_non_followers(client) -> None:
    await instagram_user(client, "grace", is_private=True)
    await register(client, "ada")
    await sign_in_with_form(client, "ada")

    page = await client.get("/instagram/u/grace")

    assert page.status_code == 200
    assert 'data-testid="private-notice"' in page.text and "/instagram/u/grace/grid" not in page.text


async def test_settings_approves_a_request_and_refuses_a_taken_username(client) -> None:
    linus = await instagram_user(client, "linus")
    await register(client, "ada")
    await sign_in_with_form(client, "ada")
    token = await csrf_token(client, "/instagram/settings")
    made_private = await client.post("/instagram/settings", data={
        "username": "ada", "full_name": "Ada", "bio": "", "website": "", "is_private": "on", "_csrf": token})
    assert made_private.status_code == 303
    client.cookies.clear()
    assert await follow(client, linus, "ada") == "requested"
    await sign_in_with_form(client, "ada")
    token = await csrf_token(client, "/instagram/settings")

    settings = await client.get("/instagram/settings")
    request_id = settings.text.split("/instagram/settings/requests/")[1].split("/")[0]
    approved = await client.post(f"/instagram/settings/requests/{request_id}/approve", data={"_csrf": token})
    taken = await client.post("/instagram/settings", data={
        "username": "linus", "full_name": "Ada", "bio": "", "website": "", "is_private": "on", "_csrf": token})

    assert approved.status_code == 303
    assert taken.status_code == 409 and "taken" in taken.text
    client.cookies.clear()
    assert (await client.get(f"{API}/users/ada", headers=linus)).json()["relationship"]["is_following"] is True
