"""Resumable uploads: the service functions and the HTTP API, over both blob adapters and databases."""

from __future__ import annotations

import hashlib
import types

import httpx
import pytest

from casebook.platform.blobs import uploads
from casebook.platform.blobs.keys import part_key
from casebook.platform.errors import Conflict, Gone, Invalid, NotFound, PayloadTooLarge
from casebook.platform.uow import open_unit_of_work

OWNER = 41
CHUNK = bytes(range(256)) * 8  # 2 KiB


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def start(holder: types.SimpleNamespace, *, size_bytes_max: int = 10_000, key: str | None = "files/a.bin",
                owner_id: int | None = OWNER) -> uploads.Upload:
    async with open_unit_of_work(holder) as uow:
        return await uploads.create_upload(uow, owner_id=owner_id, key=key, content_type="application/pdf",
                                           size_bytes_max=size_bytes_max)


async def append(holder: types.SimpleNamespace, upload_id: int, offset: int, data: bytes,
                 owner_id: int | None = OWNER) -> uploads.Upload:
    async with open_unit_of_work(holder) as uow:
        return await uploads.append_upload(uow, upload_id=upload_id, owner_id=owner_id, offset=offset, data=data)


async def complete(holder: types.SimpleNamespace, upload_id: int, sha256_hex: str,
                   owner_id: int | None = OWNER):
    async with open_unit_of_work(holder) as uow:
        return await uploads.complete_upload(uow, upload_id=upload_id, owner_id=owner_id, sha256_hex=sha256_hex)


async def current(holder: types.SimpleNamespace, upload_id: int, owner_id: int | None = OWNER) -> uploads.Upload:
    async with open_unit_of_work(holder, is_read_only=True) as uow:
        return await uploads.get_upload(uow, upload_id=upload_id, owner_id=owner_id)


async def test_chunks_in_order_complete_into_the_final_object(holder: types.SimpleNamespace) -> None:
    upload = await start(holder)
    await append(holder, upload.id, 0, CHUNK)
    await append(holder, upload.id, len(CHUNK), CHUNK[:100])

    info = await complete(holder, upload.id, sha(CHUNK + CHUNK[:100]))

    assert (info.key, info.size_bytes, info.content_type) == ("files/a.bin", len(CHUNK) + 100, "application/pdf")
    assert await holder.blobs.get("files/a.bin") == CHUNK + CHUNK[:100]
    assert (await current(holder, upload.id)).completed_at == holder.clock.now()
    for offset in (0, len(CHUNK)):  # parts are gone after the commit
        with pytest.raises(NotFound):
            await holder.blobs.head(part_key(upload.id, offset))


async def test_append_at_the_wrong_offset_is_a_conflict_naming_the_offset(holder: types.SimpleNamespace) -> None:
    upload = await start(holder)
    await append(holder, upload.id, 0, CHUNK)

    for wrong in (0, len(CHUNK) + 1, 5):
        with pytest.raises(Conflict) as refused:
            await append(holder, upload.id, wrong, b"xyz")
        assert refused.value.extra["offset"] == len(CHUNK)
        assert refused.value.code == "upload_offset_mismatch"
    assert (await current(holder, upload.id)).offset_bytes == len(CHUNK)


async def test_resumes_after_reopening_the_adapters(holder: types.SimpleNamespace) -> None:
    upload = await start(holder)
    await append(holder, upload.id, 0, CHUNK)
    # A new process: fresh adapters over the same database and store.
    from casebook.platform.blobs import open_blobs
    from casebook.platform.db.engine import open_database

    await holder.db.dispose()
    reopened = types.SimpleNamespace(db=open_database(holder.db.url), ids=holder.ids, clock=holder.clock, bus=None,
                                     blobs=open_blobs(holder.blob_url, secret_key="k", public_url="http://x"))
    try:
        resumed = await current(reopened, upload.id)
        await append(reopened, upload.id, resumed.offset_bytes, b"tail")
        await complete(reopened, upload.id, sha(CHUNK + b"tail"))
        assert await reopened.blobs.get("files/a.bin") == CHUNK + b"tail"
    finally:
        await reopened.db.dispose()


async def test_a_crash_before_commit_leaves_an_orphan_part_the_retry_overwrites(
        holder: types.SimpleNamespace) -> None:
    upload = await start(holder)
    await holder.blobs.put(part_key(upload.id, 0), b"stale bytes of a lost request")

    await append(holder, upload.id, 0, b"fresh")
    await complete(holder, upload.id, sha(b"fresh"))

    assert await holder.blobs.get("files/a.bin") == b"fresh"


async def test_hash_mismatch_is_refused_and_writes_nothing(holder: types.SimpleNamespace) -> None:
    upload = await start(holder)
    await append(holder, upload.id, 0, CHUNK)

    with pytest.raises(Invalid) as refused:
        await complete(holder, upload.id, sha(b"something else"))

    assert (refused.value.status, refused.value.code) == (422, "checksum_mismatch")
    with pytest.raises(NotFound):
        await holder.blobs.head("files/a.bin")
    state = await current(holder, upload.id)
    assert (state.offset_bytes, state.completed_at) == (len(CHUNK), None)
    assert await holder.blobs.get(part_key(upload.id, 0)) == CHUNK  # the client may still fix it


async def test_hash_mismatch_keeps_an_existing_object(holder: types.SimpleNamespace) -> None:
    await holder.blobs.put("files/a.bin", b"previous version")
    upload = await start(holder)
    await append(holder, upload.id, 0, CHUNK)

    with pytest.raises(Invalid):
        await complete(holder, upload.id, "0" * 64)

    assert await holder.blobs.get("files/a.bin") == b"previous version"


async def test_appending_past_the_size_limit_is_413(holder: types.SimpleNamespace) -> None:
    upload = await start(holder, size_bytes_max=len(CHUNK) + 10)
    await append(holder, upload.id, 0, CHUNK)

    with pytest.raises(PayloadTooLarge):
        await append(holder, upload.id, len(CHUNK), b"x" * 11)

    assert (await current(holder, upload.id)).offset_bytes == len(CHUNK)
    await append(holder, upload.id, len(CHUNK), b"x" * 10)  # exactly the limit is fine
    with pytest.raises(PayloadTooLarge):
        await start(holder, size_bytes_max=uploads.UPLOAD_BYTES_MAX + 1)


async def test_another_owners_upload_does_not_exist(holder: types.SimpleNamespace) -> None:
    upload = await start(holder)

    for call in (current(holder, upload.id, owner_id=7), append(holder, upload.id, 0, b"x", owner_id=7),
                 complete(holder, upload.id, sha(b""), owner_id=7), current(holder, upload.id, owner_id=None)):
        with pytest.raises(NotFound):
            await call
    assert (await current(holder, upload.id)).offset_bytes == 0


async def test_completed_and_expired_uploads_refuse_more_work(holder: types.SimpleNamespace) -> None:
    done = await start(holder)
    await complete(holder, done.id, sha(b""))
    stale = await start(holder, key="files/b.bin")

    with pytest.raises(Conflict):
        await append(holder, done.id, 0, b"x")
    holder.clock.advance(seconds=uploads.UPLOAD_TTL_S)
    with pytest.raises(Gone):
        await append(holder, stale.id, 0, b"x")
    assert await holder.blobs.get("files/a.bin") == b""


async def test_purge_deletes_expired_uploads_and_their_parts(holder: types.SimpleNamespace) -> None:
    upload = await start(holder)
    await append(holder, upload.id, 0, CHUNK)
    await append(holder, upload.id, len(CHUNK), CHUNK)
    holder.clock.advance(seconds=uploads.UPLOAD_TTL_S + 1)

    async with open_unit_of_work(holder) as uow:
        assert await uploads.purge_expired_uploads(uow) == 1

    with pytest.raises(NotFound):
        await current(holder, upload.id)
    for offset in (0, len(CHUNK)):
        with pytest.raises(NotFound):
            await holder.blobs.head(part_key(upload.id, offset))


@pytest.mark.parametrize("key", ["../x", "uploads/1/0", "/etc/passwd", "a//b"])
async def test_refuses_reserved_and_hostile_final_keys(holder: types.SimpleNamespace, key: str) -> None:
    with pytest.raises(Invalid):
        await start(holder, key=key)


# HTTP

ACCOUNT = {"X-Test-Account": str(OWNER)}


async def test_http_upload_in_chunks_with_resume_and_completion(client: httpx.AsyncClient,
                                                                holder: types.SimpleNamespace) -> None:
    data = CHUNK * 3
    created = await client.post("/api/uploads", json={"content_type": "video/mp4", "size_bytes": len(data)},
                                headers=ACCOUNT)
    assert created.status_code == 201
    body = created.json()
    upload_id = body["id"]
    assert body["key"] == f"uploads-final/{OWNER}/{upload_id}"
    assert body["offset_bytes"] == 0
    chunk_headers = {**ACCOUNT, "Content-Type": "application/offset+octet-stream"}

    first = await client.patch(f"/api/uploads/{upload_id}", content=data[:2048],
                               headers={**chunk_headers, "Upload-Offset": "0"})
    assert (first.status_code, first.headers["upload-offset"]) == (204, "2048")
    stale = await client.patch(f"/api/uploads/{upload_id}", content=data[:2048],
                               headers={**chunk_headers, "Upload-Offset": "0"})
    assert stale.status_code == 409
    assert (stale.json()["code"], stale.json()["offset"]) == ("upload_offset_mismatch", 2048)
    head = await client.head(f"/api/uploads/{upload_id}", headers=ACCOUNT)
    assert (head.status_code, head.headers["upload-offset"]) == (200, "2048")
    rest = await client.patch(f"/api/uploads/{upload_id}", content=data[2048:],
                              headers={**chunk_headers, "Upload-Offset": head.headers["upload-offset"]})
    assert rest.headers["upload-offset"] == str(len(data))
    state = await client.get(f"/api/uploads/{upload_id}", headers=ACCOUNT)
    assert state.json()["offset_bytes"] == len(data)

    done = await client.post(f"/api/uploads/{upload_id}/complete", json={"sha256": sha(data)}, headers=ACCOUNT)

    assert done.status_code == 200
    assert done.json()["size_bytes"] == len(data)
    assert await holder.blobs.get(body["key"]) == data


async def test_http_refusals_are_problems(client: httpx.AsyncClient, holder: types.SimpleNamespace) -> None:
    created = (await client.post("/api/uploads", json={"content_type": "text/plain", "size_bytes": 10},
                                 headers=ACCOUNT)).json()
    path = f"/api/uploads/{created['id']}"
    chunk_headers = {**ACCOUNT, "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}

    too_big = await client.patch(path, content=b"x" * 11, headers=chunk_headers)
    wrong_type = await client.patch(path, content=b"x", headers={**chunk_headers, "Content-Type": "text/plain"})
    no_offset = await client.patch(path, content=b"x", headers={**ACCOUNT,
                                                               "Content-Type": "application/offset+octet-stream"})
    others = await client.get(path, headers={"X-Test-Account": "99"})
    await client.patch(path, content=b"abc", headers=chunk_headers)
    mismatch = await client.post(f"{path}/complete", json={"sha256": sha(b"abd")}, headers=ACCOUNT)
    foreign_key = await client.post("/api/uploads", json={"content_type": "text/plain", "size_bytes": 1,
                                                          "key": "uploads-final/99/x"}, headers=ACCOUNT)

    assert (too_big.status_code, too_big.json()["code"]) == (413, "payload_too_large")
    assert wrong_type.status_code == 415
    assert (no_offset.status_code, no_offset.json()["errors"][0]["path"]) == (422, "Upload-Offset")
    assert others.status_code == 404
    assert (mismatch.status_code, mismatch.json()["code"]) == (422, "checksum_mismatch")
    assert foreign_key.status_code == 422
    with pytest.raises(NotFound):
        await holder.blobs.head(created["key"])
