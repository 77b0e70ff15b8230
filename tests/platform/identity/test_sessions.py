"""UI sessions (the casebook_session cookie) and double-submit CSRF on cookie-authenticated writes."""

from __future__ import annotations

from typing import Any

from tests.platform.identity.harness import (
    PASSWORD,
    bearer,
    client_at,
    counted_statements,
    csrf_token,
    login,
    register,
    sign_in_with_form,
)


async def test_the_session_cookie_authenticates_api_calls(client: Any, platform: Any) -> None:
    account = await register(client, "ada")
    await sign_in_with_form(client, "ada")
    me = await client.get("/api/accounts/me")
    assert me.status_code == 200
    assert me.json() == account
    with counted_statements(platform) as statements:  # session and document both come from the cache
        assert (await client.get("/api/accounts/me")).status_code == 200
    assert statements == []


async def test_the_session_cookie_is_httponly_and_lax(client: Any) -> None:
    await register(client, "ada")
    token = await csrf_token(client)
    answer = await client.post("/login", data={"login": "ada", "password": PASSWORD,
                                               "_csrf": token})
    cookie = next(value for name, value in answer.headers.multi_items()
                  if name == "set-cookie" and value.startswith("casebook_session="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "path", "samesite"} <= attributes
    assert "samesite=lax" in cookie.lower().replace(" ", "")
    assert "secure" not in attributes  # settings.secure_cookies is off in tests


async def test_cookie_write_without_csrf_token_is_403_and_changes_nothing(client: Any) -> None:
    await register(client, "ada")
    await sign_in_with_form(client, "ada")
    answer = await client.patch("/api/accounts/me", json={"display_name": "Mallory"})
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "csrf_failed"
    wrong = await client.patch("/api/accounts/me", json={"display_name": "Mallory"}, headers={"X-CSRF-Token": "x"})
    assert wrong.status_code == 403
    assert (await client.get("/api/accounts/me")).json()["display_name"] == "ada"


async def test_cookie_write_with_the_csrf_token_works(client: Any) -> None:
    await register(client, "ada")
    await sign_in_with_form(client, "ada")
    token = client.cookies["casebook_csrf"]
    answer = await client.patch("/api/accounts/me", json={"display_name": "Ada L"}, headers={"X-CSRF-Token": token})
    assert answer.status_code == 200
    assert (await client.get("/api/accounts/me")).json()["display_name"] == "Ada L"


async def test_bearer_requests_need_no_csrf_token(client: Any) -> None:
    await register(client, "ada")
    tokens = await login(client, "ada")
    await sign_in_with_form(client, "ada")  # an ambient cookie is present, yet the bearer header wins
    answer = await client.patch("/api/accounts/me", json={"display_name": "Ada B"}, headers=bearer(tokens))
    assert answer.status_code == 200


async def test_the_login_form_itself_requires_the_csrf_token(client: Any) -> None:
    await register(client, "ada")
    await csrf_token(client)
    answer = await client.post("/login", data={"login": "ada", "password": PASSWORD})
    assert answer.status_code == 403
    assert answer.json()["code"] == "csrf_failed"
    assert "casebook_session" not in client.cookies


async def test_api_logout_with_the_cookie_ends_the_session(client: Any) -> None:
    await register(client, "ada")
    await sign_in_with_form(client, "ada")
    session_token = client.cookies["casebook_session"]
    answer = await client.post("/api/auth/logout", headers={"X-CSRF-Token": client.cookies["casebook_csrf"]})
    assert answer.status_code == 204
    client.cookies.set("casebook_session", session_token)  # a copy kept by an attacker no longer works
    assert (await client.get("/api/accounts/me")).status_code == 401


async def test_password_change_through_a_session_keeps_it_and_ends_the_others(app: Any, client: Any) -> None:
    await register(client, "ada")
    await sign_in_with_form(client, "ada")
    async with client_at(app, "10.0.0.2") as other_browser:
        await sign_in_with_form(other_browser, "ada")
        assert (await other_browser.get("/api/accounts/me")).status_code == 200
        csrf = {"X-CSRF-Token": client.cookies["casebook_csrf"]}
        answer = await client.post("/api/accounts/me/password", headers=csrf,
                                   json={"current_password": PASSWORD, "new_password": "another good secret"})
        assert answer.status_code == 204
        assert (await other_browser.get("/api/accounts/me")).status_code == 401
    assert (await client.get("/api/accounts/me")).status_code == 200
