"""Posts' pages through a browser-like client: the new-post page's API calls on the session cookie with
CSRF, the post page's htmx like, save and comment parts, and the profile grid fragment."""

from __future__ import annotations

from tests.apps.instagram.factories import API, instagram_user, jpeg_bytes, publish_post
from tests.apps.instagram.posts.state import snapshot
from tests.platform.identity.harness import csrf_token, register, sign_in_with_form

HTMX = {"HX-Request": "true"}


async def test_new_post_page_uploads_and_shares_on_the_session_cookie(client, platform) -> None:
    await register(client, "ada")
    await sign_in_with_form(client, "ada")
    page = await client.get("/instagram/new")
    assert page.status_code == 200 and 'data-testid="new-post-form"' in page.text
    token = await csrf_token(client, "/instagram/new")
    before = await snapshot(platform)
    forged = await client.post(f"{API}/media", content=jpeg_bytes())  # the cookie alone is not enough
    assert (forged.status_code, forged.json()["code"]) == (403, "csrf_failed")
    assert await snapshot(platform) == before
    uploaded = await client.post(f"{API}/media", content=jpeg_bytes(), headers={"X-CSRF-Token": token})
    assert uploaded.status_code == 201, uploaded.text
    created = await client.post(f"{API}/posts", headers={"X-CSRF-Token": token},
                                json={"media_ids": [uploaded.json()["id"]], "caption": "from the browser"})
    assert created.status_code == 201, created.text
    shown = await client.get(f"/instagram/p/{created.json()['id']}")
    assert shown.status_code == 200 and "from the browser" in shown.text and 'data-testid="carousel"' in shown.text


async def test_post_page_likes_saves_and_comments_with_htmx(client) -> None:
    ada = await instagram_user(client, "ada")
    post = await publish_post(client, ada, caption="look")
    await register(client, "bob")
    await sign_in_with_form(client, "bob")
    token = await csrf_token(client, f"/instagram/p/{post['id']}")
    headers = {**HTMX, "X-CSRF-Token": token}

    liked = await client.post(f"/instagram/p/{post['id']}/like", headers=headers)
    assert liked.status_code == 200 and "♥ Liked" in liked.text and "<html" not in liked.text
    assert 'data-testid="like-count">1 like<' in liked.text
    saved = await client.post(f"/instagram/p/{post['id']}/save", headers=headers)
    assert ">Saved<" in saved.text
    commented = await client.post(f"/instagram/p/{post['id']}/comments", headers=headers,
                                  data={"body": "lovely", "parent_id": "", "_csrf": token})
    assert commented.status_code == 200 and "lovely" in commented.text and 'data-testid="comments"' in commented.text
    empty = await client.post(f"/instagram/p/{post['id']}/comments", headers=headers,
                              data={"body": "  ", "parent_id": "", "_csrf": token})
    assert 'data-testid="comment-error"' in empty.text
    unliked = await client.post(f"/instagram/p/{post['id']}/unlike", headers=headers)
    assert "♡ Like" in unliked.text and 'data-testid="like-count">0 likes<' in unliked.text
    page = await client.get(f"/instagram/p/{post['id']}")
    assert "lovely" in page.text and 'data-testid="delete-comment"' in page.text and 'data-testid="reply-form"' in page.text
    assert " onclick=" not in page.text  # the CSP allows no inline script


async def test_profile_grid_fragment_and_hidden_post_page(client) -> None:
    ada = await instagram_user(client, "ada")
    shown = await publish_post(client, ada, caption="for all")
    hidden = await publish_post(client, ada, caption="followers only", visibility="followers")
    await register(client, "bob")
    await sign_in_with_form(client, "bob")
    grid = await client.get("/instagram/u/ada/grid")
    assert grid.status_code == 200 and "<html" not in grid.text
    assert f'data-post-id="{shown["id"]}"' in grid.text and hidden["id"] not in grid.text
    missing = await client.get(f"/instagram/p/{hidden['id']}")
    assert missing.status_code == 404 and 'data-testid="post-missing"' in missing.text
    assert "followers only" not in missing.text


async def test_new_post_page_has_no_inline_script_and_its_form_works_without_one(client, platform) -> None:
    await register(client, "ada")
    await sign_in_with_form(client, "ada")
    page = await client.get("/instagram/new")
    assert '<script src="/static/instagram/new-post.js"' in page.text and "<script>" not in page.text
    script = await client.get("/static/instagram/new-post.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "/api/instagram/media" in script.text
    token = await csrf_token(client, "/instagram/new")
    before = await snapshot(platform)
    refused = await client.post("/instagram/new", data={"_csrf": token, "caption": "nope"},
                                files=[("files", ("holiday.jpg", b"not a photo at all", "image/jpeg"))])
    assert refused.status_code == 415 and 'data-testid="new-post-error"' in refused.text
    assert await snapshot(platform) == before
    shared = await client.post("/instagram/new", data={"_csrf": token, "caption": "two #photos", "location": "Home"},
                               files=[("files", ("a.jpg", jpeg_bytes(), "image/jpeg")),
                                      ("files", ("b.jpg", jpeg_bytes(color=(0, 90, 200)), "image/jpeg"))])
    assert shared.status_code == 303 and shared.headers["location"].startswith("/instagram/p/")
    post_id = shared.headers["location"].rsplit("/", 1)[1]
    read = (await client.get(f"{API}/posts/{post_id}", headers={"X-CSRF-Token": token})).json()
    assert (read["caption"], len(read["media"]), read["location"]["name"]) == ("two #photos", 2, "Home")
