"""Every error is RFC 9457 problem+json with a stable type, and nothing is written."""

import pytest

from tests.accounts import sign_up

PROBLEM = "application/problem+json"


async def entry_count(client, headers) -> int:
    page = await client.get("/api/guestbook/entries?limit=100", headers=headers)
    return len(page.json()["items"])


async def test_unknown_route_is_a_404_problem(client) -> None:
    response = await client.get("/api/nope")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["type"].endswith("/not-found")
    assert response.json()["status"] == 404


async def test_wrong_method_is_a_405_problem(client) -> None:
    response = await client.delete("/healthz")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


async def test_missing_credentials_are_a_401_problem(client) -> None:
    response = await client.post("/api/guestbook/entries", json={"body": "hi"})

    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)


async def test_malformed_json_is_a_400_and_writes_nothing(client) -> None:
    headers = await sign_up(client, "malformed")

    response = await client.post("/api/guestbook/entries", content=b'{"body": ', headers={
        **headers, "content-type": "application/json"})

    assert response.status_code == 400
    assert response.headers["content-type"].startswith(PROBLEM)
    assert await entry_count(client, headers) == 0


@pytest.mark.parametrize(("payload", "path"), [
    ({"body": 5}, "body"),
    ({"body": ""}, "body"),
    ({"body": "x" * 501}, "body"),
    ({"body": "ok", "extra": 1}, "extra"),
    ({}, "body"),
])
async def test_invalid_fields_are_a_422_listing_field_paths(client, payload, path) -> None:
    headers = await sign_up(client, "fields")

    response = await client.post("/api/guestbook/entries", json=payload, headers=headers)

    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "validation_failed"
    assert problem["errors"] and all("path" in error and "message" in error for error in problem["errors"])
    if path:
        assert problem["errors"][0]["path"] == path
    assert await entry_count(client, headers) == 0


async def test_bad_query_parameters_are_422(client) -> None:
    for query in ("limit=0", "limit=1000", "limit=abc", "cursor=garbage"):
        response = await client.get(f"/api/guestbook/entries?{query}")
        assert response.status_code == 422, (query, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)


async def test_oversize_body_is_a_413_problem(client, platform) -> None:
    headers = await sign_up(client, "oversize")
    body = b'{"body": "' + b"x" * (platform.settings.request_body_bytes_max + 10) + b'"}'

    response = await client.post("/api/guestbook/entries", content=body, headers={
        **headers, "content-type": "application/json"})

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert await entry_count(client, headers) == 0


async def test_cursor_pagination_neither_repeats_nor_skips(client) -> None:
    headers = await sign_up(client, "pager")
    for number in range(7):
        assert (await client.post("/api/guestbook/entries", json={"body": f"entry {number}"},
                                  headers=headers)).status_code == 201

    seen, cursor = [], None
    while True:
        query = "limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = (await client.get(f"/api/guestbook/entries?{query}")).json()
        seen += [item["body"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == [f"entry {number}" for number in reversed(range(7))]
