"""The web shell through the ASGI app: landing, register, sign in and out, account page, static files."""

from __future__ import annotations

from typing import Any

from tests.platform.identity.harness import PASSWORD, csrf_token, register, sign_in_with_form


async def test_landing_lists_the_served_apps_and_sets_the_csrf_cookie(client: Any, platform: Any) -> None:
    answer = await client.get("/")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert client.cookies.get("casebook_csrf")
    assert 'href="/login"' in answer.text
    for app in platform.apps:
        assert f'href="/{app.slug}/"' in answer.text
        assert app.title in answer.text
    if not platform.apps:
        assert "No apps are served" in answer.text


async def test_the_csrf_cookie_is_readable_by_scripts_and_lax(client: Any) -> None:
    answer = await client.get("/login")
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("casebook_csrf=")
    assert "httponly" not in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    again = await client.get("/login")
    assert "set-cookie" not in again.headers  # set only when absent


async def test_register_form_creates_the_account_and_signs_in(client: Any) -> None:
    token = await csrf_token(client, "/register")
    answer = await client.post("/register", data={"username": "ada", "email": "ada@example.com",
                                                  "password": PASSWORD, "_csrf": token})
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    landing = await client.get("/")
    assert 'data-testid="signed-in-user">@ada<' in landing.text
    assert (await client.get("/api/accounts/me")).json()["username"] == "ada"


async def test_register_form_errors_rerender_with_messages(client: Any) -> None:
    await register(client, "ada")
    token = await csrf_token(client, "/register")
    answer = await client.post("/register", data={"username": "a!b", "email": "nope", "password": "short",
                                                  "_csrf": token})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert "Usernames use only letters" in answer.text
    assert "Enter a valid email address." in answer.text
    assert "at least 8 characters" in answer.text
    taken = await client.post("/register", data={"username": "ADA", "email": "new@example.com",
                                                 "password": PASSWORD, "_csrf": token})
    assert taken.status_code == 422
    assert "That username is taken." in taken.text
    assert 'value="ADA"' in taken.text
    assert "casebook_session" not in client.cookies


async def test_login_form_with_wrong_password_rerenders(client: Any) -> None:
    await register(client, "ada")
    token = await csrf_token(client)
    answer = await client.post("/login", data={"login": "ada", "password": "wrong password", "_csrf": token})
    assert answer.status_code == 422
    assert "Wrong username, email or password." in answer.text
    assert "casebook_session" not in client.cookies


async def test_login_form_redirects_to_a_local_next_only(client: Any) -> None:
    await register(client, "ada")
    token = await csrf_token(client)
    answer = await client.post("/login", data={"login": "ada", "password": PASSWORD, "_csrf": token,
                                               "next": "//evil.example/steal"})
    assert (answer.status_code, answer.headers["location"]) == (303, "/")


async def test_logout_form_requires_csrf_and_then_ends_the_session(client: Any) -> None:
    await register(client, "ada")
    await sign_in_with_form(client, "ada")
    refused = await client.post("/logout")
    assert refused.status_code == 403
    assert (await client.get("/api/accounts/me")).status_code == 200
    answer = await client.post("/logout", data={"_csrf": client.cookies["casebook_csrf"]})
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    assert "casebook_session" not in client.cookies
    assert (await client.get("/api/accounts/me")).status_code == 401


async def test_account_page_needs_a_session_and_updates_the_profile(client: Any) -> None:
    anonymous = await client.get("/account")
    assert (anonymous.status_code, anonymous.headers["location"]) == (302, "/login?next=%2Faccount")
    await register(client, "ada")
    await sign_in_with_form(client, "ada")
    page = await client.get("/account")
    assert page.status_code == 200
    assert 'data-testid="account-username">@ada<' in page.text
    token = client.cookies["casebook_csrf"]
    saved = await client.post("/account", data={"display_name": "Ada Lovelace", "email": "ada@example.com",
                                                "_csrf": token})
    assert (saved.status_code, saved.headers["location"]) == (303, "/account?saved=profile")
    assert (await client.get("/api/accounts/me")).json()["display_name"] == "Ada Lovelace"
    invalid = await client.post("/account", data={"display_name": "", "email": "ada@example.com", "_csrf": token})
    assert invalid.status_code == 422
    assert "Display names have 1 to 80 characters." in invalid.text


async def test_inline_validation_reports_taken_usernames(client: Any) -> None:
    await register(client, "ada")
    taken = await client.get("/register/check", params={"username": "Ada"})
    assert 'class="hint error"' in taken.text and "That username is taken." in taken.text
    free = await client.get("/register/check", params={"username": "grace"})
    assert 'class="hint ok"' in free.text
    bad_email = await client.get("/register/check", params={"email": "nope"})
    assert "Enter a valid email address." in bad_email.text


async def test_static_assets_are_served(client: Any) -> None:
    htmx = await client.get("/static/htmx.min.js")
    assert htmx.status_code == 200
    assert htmx.text.startswith("/*! htmx.org 2.")
    css = await client.get("/static/casebook.css")
    assert css.status_code == 200 and "--accent" in css.text


async def test_throttled_login_form_rerenders_with_429_and_retry_after(client: Any, platform: Any) -> None:
    await register(client, "ada")
    token = await csrf_token(client)
    for _attempt in range(platform.settings.login_attempts_max):
        answer = await client.post("/login", data={"login": "ada", "password": "wrong password", "_csrf": token})
        assert answer.status_code == 422
    answer = await client.post("/login", data={"login": "ada", "password": PASSWORD, "_csrf": token})
    assert answer.status_code == 429
    assert int(answer.headers["retry-after"]) >= 1
    assert "Too many failed sign-in attempts" in answer.text
    assert "casebook_session" not in client.cookies
