"""Login, throttling, refresh-token rotation and reuse detection, logout and bearer-token checks."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest

from tests.conftest import TEST_SECRET_KEY
from tests.platform.identity.harness import PASSWORD, bearer, client_at, login, register


def claims_of(access_token: str) -> dict:
    return jwt.decode(access_token, TEST_SECRET_KEY, algorithms=["HS256"])


@pytest.mark.parametrize("login_as", ["ada", "ADA", "ada@example.com", "Ada@Example.COM"])
async def test_login_by_username_or_email(client: Any, login_as: str) -> None:
    account = await register(client, "ada")
    tokens = await login(client, login_as)
    assert set(tokens) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert (tokens["token_type"], tokens["expires_in"]) == ("Bearer", 15 * 60)
    claims = claims_of(tokens["access_token"])
    assert (claims["sub"], claims["usr"], claims["exp"] - claims["iat"]) == (account["id"], "ada", 15 * 60)
    assert claims["jti"]
    me = await client.get("/api/accounts/me", headers=bearer(tokens))
    assert me.json()["id"] == account["id"]


@pytest.mark.parametrize("credentials", [{"login": "ada", "password": "wrong password"},
                                         {"login": "nobody", "password": PASSWORD}])
async def test_wrong_password_and_unknown_login_answer_the_same_401(client: Any, credentials: dict) -> None:
    await register(client, "ada")
    answer = await client.post("/api/auth/login", json=credentials)
    assert answer.status_code == 401
    assert answer.json()["code"] == "invalid_credentials"
    assert answer.json()["detail"] == "Wrong username, email or password."


async def test_failed_logins_per_account_are_throttled_with_retry_after(app: Any, client: Any, platform: Any) -> None:
    await register(client, "ada")
    attempts_max = platform.settings.login_attempts_max
    for attempt in range(attempts_max):  # each from its own address: only the account counter reaches the limit
        async with client_at(app, f"10.0.0.{attempt}") as other:
            answer = await other.post("/api/auth/login", json={"login": "ada", "password": "wrong password"})
            assert answer.status_code == 401
    async with client_at(app, "10.0.1.1") as fresh:
        answer = await fresh.post("/api/auth/login", json={"login": "ADA@example.com", "password": PASSWORD})
    assert answer.status_code == 429
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(answer.headers["retry-after"]) <= platform.settings.login_window_s


async def test_failed_logins_per_address_are_throttled(app: Any, client: Any, platform: Any) -> None:
    await register(client, "ada")
    async with client_at(app, "10.0.0.9") as attacker:
        for attempt in range(platform.settings.login_attempts_max):
            answer = await attacker.post("/api/auth/login", json={"login": f"user{attempt}", "password": "guess"})
            assert answer.status_code == 401
        answer = await attacker.post("/api/auth/login", json={"login": "ada", "password": PASSWORD})
        assert answer.status_code == 429
        assert int(answer.headers["retry-after"]) >= 1
    async with client_at(app, "10.0.0.10") as someone_else:  # the account itself was not locked
        answer = await someone_else.post("/api/auth/login", json={"login": "ada", "password": PASSWORD})
    assert answer.status_code == 200


async def test_a_successful_login_resets_the_account_counter(app: Any, client: Any, platform: Any) -> None:
    await register(client, "ada")
    for round_number in range(2):
        for attempt in range(platform.settings.login_attempts_max - 1):
            async with client_at(app, f"10.{round_number}.0.{attempt}") as other:
                answer = await other.post("/api/auth/login", json={"login": "ada", "password": "wrong password"})
                assert answer.status_code == 401
        async with client_at(app, f"10.{round_number}.9.9") as owner:
            answer = await owner.post("/api/auth/login", json={"login": "ada", "password": PASSWORD})
            assert answer.status_code == 200


async def test_refresh_rotates_the_pair(client: Any) -> None:
    await register(client, "ada")
    first = await login(client, "ada")
    answer = await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert answer.status_code == 200
    second = answer.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert claims_of(second["access_token"])["jti"] != claims_of(first["access_token"])["jti"]
    assert (await client.get("/api/accounts/me", headers=bearer(second))).status_code == 200
    third = await client.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert third.status_code == 200


async def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(client: Any) -> None:
    await register(client, "ada")
    first = await login(client, "ada")
    unrelated = await login(client, "ada")
    second = (await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})).json()
    reuse = await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401
    assert reuse.json()["code"] == "invalid_token"
    newest = await client.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert newest.status_code == 401
    other_family = await client.post("/api/auth/refresh", json={"refresh_token": unrelated["refresh_token"]})
    assert other_family.status_code == 200


async def test_unknown_refresh_token_is_401(client: Any) -> None:
    answer = await client.post("/api/auth/refresh", json={"refresh_token": "not-a-token"})
    assert (answer.status_code, answer.json()["code"]) == (401, "invalid_token")


async def test_logout_revokes_the_family(client: Any) -> None:
    await register(client, "ada")
    tokens = await login(client, "ada")
    rotated = (await client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})).json()
    answer = await client.post("/api/auth/logout", json={"refresh_token": rotated["refresh_token"]})
    assert answer.status_code == 204
    again = await client.post("/api/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert again.status_code == 401


def _forge(header: dict, payload: dict, signature: bytes = b"") -> str:
    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    return ".".join([part(json.dumps(header).encode()), part(json.dumps(payload).encode()), part(signature)])


async def test_expired_forged_none_and_malformed_tokens_are_401(client: Any) -> None:
    account = await register(client, "ada")
    now = int(time.time())
    claims = {"sub": account["id"], "usr": "ada", "iat": now - 3600, "exp": now - 60, "jti": "x"}
    valid_claims = {**claims, "exp": now + 600}
    tokens = {
        "expired": jwt.encode(claims, TEST_SECRET_KEY, algorithm="HS256"),
        "forged": jwt.encode(valid_claims, "another-secret-key-of-enough-length-0123456789", algorithm="HS256"),
        "alg_none": _forge({"alg": "none", "typ": "JWT"}, valid_claims),
        "missing_jti": jwt.encode({k: v for k, v in valid_claims.items() if k != "jti"}, TEST_SECRET_KEY,
                                  algorithm="HS256"),
        "malformed": "not.a.jwt",
    }
    for name, token in tokens.items():
        answer = await client.get("/api/accounts/me", headers={"Authorization": f"Bearer {token}"})
        assert (name, answer.status_code, answer.json()["code"]) == (name, 401, "invalid_token")
    answer = await client.get("/api/accounts/me", headers={"Authorization": "Basic YWRhOnB3"})
    assert (answer.status_code, answer.json()["code"]) == (401, "invalid_token")
    good = jwt.encode(valid_claims, TEST_SECRET_KEY, algorithm="HS256")
    assert (await client.get("/api/accounts/me", headers={"Authorization": f"Bearer {good}"})).status_code == 200
