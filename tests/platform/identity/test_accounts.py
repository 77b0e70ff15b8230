"""Registering, reading (cached), updating accounts and changing passwords, over the HTTP API."""

from __future__ import annotations

from typing import Any

import pytest

from casebook.platform.identity import service
from tests.platform.identity.harness import PASSWORD, bearer, counted_statements, login, register

PROBLEM = "application/problem+json"


async def test_register_answers_201_with_the_account(client: Any) -> None:
    answer = await client.post("/api/accounts", json={"username": "Ada.L", "email": "Ada@Example.com",
                                                      "password": PASSWORD})
    assert answer.status_code == 201
    body = answer.json()
    assert set(body) == {"id", "username", "email", "display_name", "created_at"}
    assert isinstance(body["id"], str) and int(body["id"]) > 0
    assert (body["username"], body["email"], body["display_name"]) == ("Ada.L", "Ada@Example.com", "Ada.L")


@pytest.mark.parametrize(("second", "code"), [
    ({"username": "ADA", "email": "other@example.com"}, "username_taken"),
    ({"username": "other", "email": "ADA@example.COM"}, "email_taken"),
])
async def test_duplicate_username_or_email_is_409(client: Any, second: dict, code: str) -> None:
    await register(client, "ada", email="ada@example.com")
    answer = await client.post("/api/accounts", json={**second, "password": PASSWORD})
    assert answer.status_code == 409
    assert answer.headers["content-type"].startswith(PROBLEM)
    assert answer.json()["code"] == code


async def test_invalid_fields_are_422_with_field_paths(client: Any) -> None:
    answer = await client.post("/api/accounts", json={"username": "a!", "email": "not-an-email", "password": "short"})
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["code"] == "validation_failed"
    assert [error["path"] for error in problem["errors"]] == ["username", "email", "password"]


@pytest.mark.parametrize("username", ["ab", "a" * 31, "has space", "ümlaut"])
async def test_rejects_malformed_usernames(client: Any, username: str) -> None:
    answer = await client.post("/api/accounts", json={"username": username, "email": "x@example.com",
                                                      "password": PASSWORD})
    assert answer.status_code == 422
    assert [error["path"] for error in answer.json()["errors"]] == ["username"]


async def test_rejects_a_password_over_256_characters(client: Any) -> None:
    answer = await client.post("/api/accounts", json={"username": "ada", "email": "ada@example.com",
                                                      "password": "x" * 257})
    assert answer.status_code == 422
    assert [error["path"] for error in answer.json()["errors"]] == ["password"]


async def test_me_is_served_from_the_cache_after_the_first_read(client: Any, platform: Any) -> None:
    created = await register(client, "ada")
    headers = bearer(await login(client, "ada"))
    first = await client.get("/api/accounts/me", headers=headers)
    assert first.status_code == 200
    with counted_statements(platform) as statements:
        second = await client.get("/api/accounts/me", headers=headers)
    assert second.status_code == 200
    assert second.json() == first.json() == created
    assert statements == []


async def test_patch_me_updates_and_invalidates_the_cached_document(client: Any) -> None:
    await register(client, "ada")
    headers = bearer(await login(client, "ada"))
    await client.get("/api/accounts/me", headers=headers)  # now cached
    answer = await client.patch("/api/accounts/me", headers=headers,
                                json={"display_name": "  Ada   Lovelace ", "email": "ada@lovelace.org"})
    assert answer.status_code == 200
    assert (answer.json()["display_name"], answer.json()["email"]) == ("Ada Lovelace", "ada@lovelace.org")
    me = (await client.get("/api/accounts/me", headers=headers)).json()
    assert (me["display_name"], me["email"]) == ("Ada Lovelace", "ada@lovelace.org")


async def test_patch_me_refuses_a_taken_email_and_changes_nothing(client: Any) -> None:
    await register(client, "ada")
    await register(client, "bob")
    headers = bearer(await login(client, "ada"))
    answer = await client.patch("/api/accounts/me", headers=headers, json={"email": "BOB@example.com"})
    assert (answer.status_code, answer.json()["code"]) == (409, "email_taken")
    answer = await client.patch("/api/accounts/me", headers=headers, json={"display_name": ""})
    assert answer.status_code == 422
    assert [error["path"] for error in answer.json()["errors"]] == ["display_name"]
    me = (await client.get("/api/accounts/me", headers=headers)).json()
    assert (me["email"], me["display_name"]) == ("ada@example.com", "ada")


async def test_me_without_credentials_is_401(client: Any) -> None:
    answer = await client.get("/api/accounts/me")
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith(PROBLEM)


async def test_password_change_revokes_other_families_and_keeps_the_callers(client: Any) -> None:
    await register(client, "ada")
    mine, other = await login(client, "ada"), await login(client, "ada")
    answer = await client.post("/api/accounts/me/password", headers=bearer(mine),
                               json={"current_password": PASSWORD, "new_password": "a brand new secret"})
    assert answer.status_code == 204
    assert (await client.post("/api/auth/refresh", json={"refresh_token": other["refresh_token"]})).status_code == 401
    assert (await client.post("/api/auth/refresh", json={"refresh_token": mine["refresh_token"]})).status_code == 200
    assert (await client.post("/api/auth/login", json={"login": "ada", "password": PASSWORD})).status_code == 401
    await login(client, "ada", password="a brand new secret")


async def test_password_change_with_a_wrong_current_password_changes_nothing(client: Any) -> None:
    await register(client, "ada")
    tokens = await login(client, "ada")
    answer = await client.post("/api/accounts/me/password", headers=bearer(tokens),
                               json={"current_password": "not my password", "new_password": "a brand new secret"})
    assert answer.status_code == 422
    assert [error["path"] for error in answer.json()["errors"]] == ["current_password"]
    await login(client, "ada")


async def test_apps_look_accounts_up_by_id(client: Any, platform: Any) -> None:
    ada, bob = await register(client, "ada"), await register(client, "bob")
    async with platform.reader() as uow:
        found = await service.find_accounts_by_ids(uow, [int(bob["id"]), int(ada["id"]), 12345])
        account = await service.get_account(uow, int(ada["id"]))
    assert {key: value.username for key, value in found.items()} == {int(ada["id"]): "ada", int(bob["id"]): "bob"}
    assert account.email == "ada@example.com"
