"""Signed downloads through GET/HEAD /api/blobs/{key}: signatures, ranges, caching, streaming."""

from __future__ import annotations

import urllib.parse

import httpx
import pytest

from casebook.platform.blobs import Blobs
from casebook.platform.errors import Invalid
from tests.platform.blobs.conftest import PUBLIC_URL

DATA = bytes(range(256)) * 40  # 10,240 bytes


def route_path(url: str) -> str:
    """A signed URL of ours, as a path the test client can request."""
    assert url.startswith(PUBLIC_URL + "/api/blobs/"), url
    return url.removeprefix(PUBLIC_URL)


def with_query(url: str, **changes: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.update(changes)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


@pytest.fixture
async def stored(blobs: Blobs) -> str:
    await blobs.put("media/clip.ts", DATA, content_type="video/mp2t")
    return "media/clip.ts"


def signed(blobs: Blobs, key: str, **kwargs: object) -> str:
    """Our own signed route URL on both adapters (S3 routes through it when a filename is asked)."""
    return blobs.signer.sign(key, expires_s=kwargs.pop("expires_s", 600), **kwargs)  # type: ignore[attr-defined]


async def test_signed_url_serves_the_whole_object(blobs: Blobs, download_client: httpx.AsyncClient,
                                                  stored: str) -> None:
    response = await download_client.get(route_path(signed(blobs, stored)))

    assert response.status_code == 200
    assert response.content == DATA
    assert response.headers["content-type"] == "video/mp2t"
    assert response.headers["content-length"] == str(len(DATA))
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["etag"] == f'"{(await blobs.head(stored)).etag}"'
    cache_control = response.headers["cache-control"]
    assert cache_control.startswith("public, max-age=")
    assert 590 <= int(cache_control.rsplit("=", 1)[1]) <= 600
    assert "sandbox" in response.headers["content-security-policy"]


async def test_local_signed_url_and_s3_presigned_url_both_download(blobs: Blobs, download_client: httpx.AsyncClient,
                                                                   stored: str) -> None:
    url = blobs.signed_url(stored, expires_s=60)

    if url.startswith(PUBLIC_URL):
        response = await download_client.get(route_path(url))
    else:  # S3: the client goes to the bucket directly with a presigned URL
        assert "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url
        async with httpx.AsyncClient() as direct:
            response = await direct.get(url)
    assert response.status_code == 200
    assert response.content == DATA


async def test_filename_sets_content_disposition(blobs: Blobs, download_client: httpx.AsyncClient,
                                                 stored: str) -> None:
    url = blobs.signed_url(stored, filename="Résumé 2026.ts")

    response = await download_client.get(route_path(url))

    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"R_sum_ 2026.ts\"; filename*=UTF-8''R%C3%A9sum%C3%A9%202026.ts")


async def test_expired_signature_is_forbidden(blobs: Blobs, download_client: httpx.AsyncClient, stored: str) -> None:
    response = await download_client.get(route_path(signed(blobs, stored, expires_s=-1)))

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "signature_expired"


@pytest.mark.parametrize("tamper", ["sig", "expires", "filename", "key", "missing"])
async def test_tampered_signature_is_forbidden(blobs: Blobs, download_client: httpx.AsyncClient, stored: str,
                                               tamper: str) -> None:
    url = signed(blobs, stored, filename="a.ts")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    if tamper == "sig":
        url = with_query(url, sig=("0" if query["sig"][0] != "0" else "1") + query["sig"][1:])
    elif tamper == "expires":
        url = with_query(url, expires=str(int(query["expires"]) + 3600))
    elif tamper == "filename":
        url = with_query(url, filename="b.ts")
    elif tamper == "key":
        url = url.replace("media/clip.ts", "media/other.ts")
    else:
        url = url.split("?")[0]

    response = await download_client.get(route_path(url))

    assert response.status_code == 403
    assert response.json()["code"] == "signature_invalid"


async def test_missing_object_is_not_found(blobs: Blobs, download_client: httpx.AsyncClient) -> None:
    response = await download_client.get(route_path(signed(blobs, "media/gone.ts")))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(("range_header", "start", "end"), [
    ("bytes=0-99", 0, 100), ("bytes=10000-", 10000, 10240), ("bytes=-40", 10200, 10240),
    ("bytes=10200-99999", 10200, 10240),
])
async def test_range_is_answered_with_206(blobs: Blobs, download_client: httpx.AsyncClient, stored: str,
                                          range_header: str, start: int, end: int) -> None:
    response = await download_client.get(route_path(signed(blobs, stored)), headers={"Range": range_header})

    assert response.status_code == 206
    assert response.content == DATA[start:end]
    assert response.headers["content-range"] == f"bytes {start}-{end - 1}/{len(DATA)}"
    assert response.headers["content-length"] == str(end - start)


async def test_several_ranges_get_the_whole_object(blobs: Blobs, download_client: httpx.AsyncClient,
                                                   stored: str) -> None:
    response = await download_client.get(route_path(signed(blobs, stored)), headers={"Range": "bytes=0-1,5-6"})

    assert response.status_code == 200
    assert response.content == DATA


@pytest.mark.parametrize("range_header", ["bytes=10240-", "bytes=20000-20010", "bytes=-0"])
async def test_unsatisfiable_range_is_416(blobs: Blobs, download_client: httpx.AsyncClient, stored: str,
                                          range_header: str) -> None:
    response = await download_client.get(route_path(signed(blobs, stored)), headers={"Range": range_header})

    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(DATA)}"
    assert response.json()["code"] == "range_not_satisfiable"


async def test_if_none_match_gives_304(blobs: Blobs, download_client: httpx.AsyncClient, stored: str) -> None:
    path = route_path(signed(blobs, stored))
    etag = (await download_client.get(path)).headers["etag"]

    response = await download_client.get(path, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    other = await download_client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


async def test_if_range_with_a_stale_etag_sends_the_whole_object(blobs: Blobs, download_client: httpx.AsyncClient,
                                                                 stored: str) -> None:
    path = route_path(signed(blobs, stored))

    response = await download_client.get(path, headers={"Range": "bytes=0-9", "If-Range": '"stale"'})

    assert response.status_code == 200
    assert response.content == DATA


async def test_head_gives_headers_without_a_body(blobs: Blobs, download_client: httpx.AsyncClient,
                                                 stored: str) -> None:
    response = await download_client.head(route_path(signed(blobs, stored)))

    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == str(len(DATA))
    assert response.headers["content-type"] == "video/mp2t"


async def raw_get(app: object, path: str, query: str) -> tuple[int, bytes]:
    """One GET straight into the ASGI app, with the path exactly as written (no client normalisation)."""
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"testserver.local")], "client": ("127.0.0.1", 1), "server": ("testserver", 80)}
    await app(scope, receive, send)  # type: ignore[operator]
    status = next(message["status"] for message in sent if message["type"] == "http.response.start")
    return status, b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")


@pytest.mark.parametrize("path", ["/api/blobs/../x", "/api/blobs/a/../../b", "/api/blobs//etc/passwd",
                                  "/api/blobs/a//b", "/api/blobs/%2e%2e/x", "/api/blobs/..%2fx"])
async def test_traversal_paths_are_refused(download_client: httpx.AsyncClient, path: str) -> None:
    status, body = await raw_get(download_client.app, path, "expires=9999999999&sig=" + "0" * 64)

    assert status == 403
    assert b"signature_invalid" in body


async def test_hostile_keys_are_never_signed_nor_served_even_with_a_forged_mac(
        blobs: Blobs, download_client: httpx.AsyncClient) -> None:
    with pytest.raises(Invalid):
        blobs.signer.sign("../x", expires_s=60)  # type: ignore[attr-defined]
    forged = blobs.signer._mac("../x", 9999999999, None)  # type: ignore[attr-defined]

    status, _ = await raw_get(download_client.app, "/api/blobs/../x", f"expires=9999999999&sig={forged}")

    assert status == 404
