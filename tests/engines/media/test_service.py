"""accept_upload validates synchronously and leaves nothing behind on refusal; the consumer renders."""

from __future__ import annotations

import io
import urllib.parse
from datetime import UTC, datetime

import av
import numpy as np
import pytest
from PIL import Image
from sqlalchemy import event, select

from casebook.engines import media
from casebook.engines.media import limits
from casebook.engines.media.models import MediaAssetRow
from casebook.platform.bootstrap import Platform
from casebook.platform.bus.events import Event
from casebook.platform.bus.models import OutboxRow
from casebook.platform.errors import CasebookError
from tests.engines.media import factories
from tests.engines.media.conftest import blob_files, snapshot

OWNER_ID = 7001
OTHER_ID = 7002
BYTES_MAX = limits.IMAGE_BYTES_MAX


async def accept(platform: Platform, data: bytes, *, owner_id: int = OWNER_ID,
                 bytes_max: int = BYTES_MAX) -> media.MediaAsset:
    async with platform.uow() as uow:
        return await media.accept_upload(uow, namespace="photos", owner_id=owner_id, data=data,
                                         bytes_max=bytes_max)


async def load(platform: Platform, asset_id: int, owner_id: int = OWNER_ID) -> media.MediaAsset:
    async with platform.reader() as uow:
        return await media.get_asset(uow, asset_id=asset_id, owner_id=owner_id)


async def test_accepts_a_photo_as_processing_and_renders_it_once_committed(platform: Platform) -> None:
    data = factories.jpeg_with_exif(1200, 800, orientation=6)

    asset = await accept(platform, data)

    prefix = f"media/photos/{OWNER_ID}/{asset.id}"
    assert (asset.kind, asset.state, asset.content_type) == ("image", "processing", "image/jpeg")
    assert (asset.size_bytes, asset.width, asset.height, asset.duration_ms) == (len(data), 1200, 800, None)
    assert asset.original_key == f"{prefix}/original"
    assert await platform.blobs.get(asset.original_key) == data
    async with platform.reader() as uow:
        uploaded = (await uow.session.scalars(select(OutboxRow).where(
            OutboxRow.subject == media.MEDIA_UPLOADED))).all()
    assert [row.payload for row in uploaded] == [
        {"asset_id": str(asset.id), "namespace": "photos", "owner_id": str(OWNER_ID), "kind": "image"}]

    await platform.bus.drain()

    ready = await load(platform, asset.id)
    assert ready.state == "ready" and ready.error is None and ready.processed_at is not None
    assert [(item.name, item.key, item.width, item.height) for item in ready.renditions] == [
        ("large", f"{prefix}/large.jpg", 800, 1200),
        ("medium", f"{prefix}/medium.jpg", 640, 960),
        ("small", f"{prefix}/small.jpg", 320, 480)]
    assert ready.poster == ()
    for item in ready.renditions:
        stored = await platform.blobs.get(item.key)
        assert len(stored) == item.size_bytes
        image = Image.open(io.BytesIO(stored))
        assert image.size == (item.width, item.height) and dict(image.getexif()) == {}
        assert (await platform.blobs.head(item.key)).content_type == "image/jpeg"
    async with platform.reader() as uow:
        processed = (await uow.session.scalars(select(OutboxRow).where(
            OutboxRow.subject == media.MEDIA_PROCESSED))).all()
    assert [row.payload for row in processed] == [
        {"asset_id": str(asset.id), "namespace": "photos", "owner_id": str(OWNER_ID), "state": "ready"}]


async def test_processes_a_short_video_into_a_poster_and_a_streamable_mp4(platform: Platform) -> None:
    data = factories.video(width=1280, height=720, seconds=1.0)

    asset = await accept(platform, data, bytes_max=limits.VIDEO_BYTES_MAX)
    await platform.bus.drain()

    assert (asset.kind, asset.content_type, asset.width, asset.height, asset.duration_ms) == (
        "video", "video/mp4", 1280, 720, 1000)
    ready = await load(platform, asset.id)
    prefix = f"media/photos/{OWNER_ID}/{asset.id}"
    assert ready.state == "ready"
    assert [(item.name, item.key, item.width, item.height, item.content_type) for item in ready.renditions] == [
        ("mp4", f"{prefix}/mp4.mp4", 720, 404, "video/mp4")]
    assert [(item.name, item.key, item.width, item.height) for item in ready.poster] == [
        ("large", f"{prefix}/poster-large.jpg", 1080, 608),
        ("medium", f"{prefix}/poster-medium.jpg", 640, 360),
        ("small", f"{prefix}/poster-small.jpg", 320, 180)]
    mp4 = await platform.blobs.get(ready.renditions[0].key)
    assert 0 < mp4.find(b"moov") < mp4.find(b"mdat")
    with av.open(io.BytesIO(mp4)) as container:
        assert [stream.codec_context.name for stream in container.streams] == ["h264", "aac"]


async def test_a_rerun_of_the_consumer_overwrites_the_same_keys(platform: Platform) -> None:
    asset = await accept(platform, factories.jpeg(900, 600))
    await platform.bus.drain()
    first = await load(platform, asset.id)
    files = blob_files(platform)
    # A crash after the blobs were written but before the commit: the row is still processing.
    async with platform.uow() as uow:
        row = await uow.session.get(MediaAssetRow, asset.id)
        row.state, row.renditions, row.processed_at = "processing", [], None

    await _rerun_consumer(platform, asset)

    again = await load(platform, asset.id)
    assert again.state == "ready"
    assert again.renditions == first.renditions
    assert blob_files(platform) == files


async def test_a_rerun_on_a_ready_asset_changes_nothing(platform: Platform) -> None:
    asset = await accept(platform, factories.jpeg(900, 600))
    await platform.bus.drain()
    first = await load(platform, asset.id)
    before = await snapshot(platform)

    await _rerun_consumer(platform, asset)

    assert await load(platform, asset.id) == first
    assert await snapshot(platform) == before


def _uploaded_event(asset: media.MediaAsset) -> Event:
    """The event accept_upload published, as a redelivery would bring it again."""
    return Event(id=1, subject=media.MEDIA_UPLOADED, occurred_at=datetime.now(UTC),
                 payload={"asset_id": str(asset.id), "namespace": asset.namespace,
                          "owner_id": str(asset.owner_id), "kind": asset.kind})


def _truncated_jpeg() -> bytes:
    data = factories.jpeg(600, 400)
    return data[:len(data) // 2]


def _corrupt_png() -> bytes:
    noise = np.random.default_rng(1).integers(0, 255, (200, 300, 3), dtype=np.uint8)
    data = factories.encoded(Image.fromarray(noise), "PNG")  # noise: the middle of the file is pixel data
    middle = len(data) // 2
    return data[:middle] + bytes(200) + data[middle + 200:]


@pytest.mark.parametrize(("make", "status", "code"), [
    (lambda: b"just some text, named holiday.jpg by the client", 415, "media_type_unsupported"),
    (lambda: b"\x00" * 4096, 415, "media_type_unsupported"),
    (_truncated_jpeg, 422, "image_unreadable"),
    (_corrupt_png, 422, "image_unreadable"),
    (lambda: b"\xff\xd8\xff\xe0" + b"\x00" * 100, 422, "image_unreadable"),  # JPEG magic, nothing after
    (lambda: factories.png_claiming(30_000, 30_000), 422, "image_too_large"),  # Pillow's bomb error
    (lambda: factories.png_claiming(8_000, 7_000), 422, "image_too_large"),  # 56 MP: over our 50 MP
    (lambda: factories.video(width=64, height=48, seconds=61, fps=1, audio=False), 422, "video_too_long"),
    (lambda: factories.video(width=64, height=48, seconds=1)[:600], 422, "video_unreadable"),
    (lambda: factories.jpeg(600, 400) + b"\x00" * 10_000, None, None),  # trailing junk is fine
])
async def test_refused_uploads_leave_no_row_no_event_and_no_blob(platform: Platform, make, status, code) -> None:
    data = make()
    before = await snapshot(platform)

    if status is None:
        assert (await accept(platform, data)).state == "processing"
        return
    with pytest.raises(CasebookError) as refused:
        await accept(platform, data, bytes_max=limits.VIDEO_BYTES_MAX)

    assert (refused.value.status, refused.value.code) == (status, code)
    assert await snapshot(platform) == before


async def test_refuses_an_upload_over_bytes_max_with_413(platform: Platform) -> None:
    data = factories.jpeg(300, 200)
    before = await snapshot(platform)

    with pytest.raises(media.UploadTooLarge) as refused:
        await accept(platform, data, bytes_max=len(data) - 1)

    assert refused.value.status == 413
    assert await snapshot(platform) == before


async def test_an_accepted_upload_whose_transaction_fails_leaves_no_blob(platform: Platform) -> None:
    before = await snapshot(platform)

    class LaterStepFailed(Exception):
        pass

    with pytest.raises(LaterStepFailed):
        async with platform.uow() as uow:
            await media.accept_upload(uow, namespace="photos", owner_id=1, data=factories.jpeg(300, 200),
                                      bytes_max=limits.IMAGE_BYTES_MAX)
            raise LaterStepFailed  # e.g. the post this upload belonged to was refused

    assert await snapshot(platform) == before


async def test_get_assets_reads_many_in_one_query(platform: Platform) -> None:
    first = await accept(platform, factories.jpeg(300, 200, seed=1))
    second = await accept(platform, factories.jpeg(300, 200, seed=2), owner_id=OTHER_ID)
    await platform.bus.drain()
    first, second = await load(platform, first.id), await load(platform, second.id, OTHER_ID)
    statements: list[str] = []

    async with platform.reader() as uow:
        engine = uow.session.bind.sync_engine

        def listener(connection, cursor, statement, *rest) -> None:
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", listener)
        try:
            found = await media.get_assets(uow, ids=[first.id, second.id, 12345, first.id])
        finally:
            event.remove(engine, "before_cursor_execute", listener)

    assert sorted(found) == sorted([first.id, second.id])
    assert found[first.id] == first and found[second.id] == second
    assert len([sql for sql in statements if "media_assets" in sql]) == 1


async def test_another_owners_asset_is_not_found(platform: Platform) -> None:
    asset = await accept(platform, factories.jpeg(300, 200))

    with pytest.raises(media.AssetNotFound) as refused:
        await load(platform, asset.id, owner_id=OTHER_ID)

    assert refused.value.status == 404


async def test_rendition_urls_are_signed_stable_within_a_window_and_never_name_the_original(
        platform: Platform) -> None:
    asset = await accept(platform, factories.video(width=320, height=240, seconds=0.5, audio=False),
                         bytes_max=limits.VIDEO_BYTES_MAX)
    await platform.bus.drain()
    ready = await load(platform, asset.id)
    window_s = limits.URL_WINDOW_S
    start_s = 1_800_000_000 - 1_800_000_000 % window_s  # the start of a window

    urls = media.rendition_urls(platform.blobs, ready, now_s=start_s + 10)

    assert sorted(urls) == ["mp4", "poster-large", "poster-medium", "poster-small"]
    assert media.rendition_urls(platform.blobs, ready, now_s=start_s + window_s - 1) == urls
    later = media.rendition_urls(platform.blobs, ready, now_s=start_s + window_s)
    assert later["mp4"] != urls["mp4"]
    for name, url in urls.items():
        parsed = urllib.parse.urlsplit(url)
        query = urllib.parse.parse_qs(parsed.query)
        assert int(query["expires"][0]) == start_s + 2 * window_s
        key = parsed.path.removeprefix("/api/blobs/")
        assert key == {item.name: item.key for item in ready.renditions}.get(name, key)
        assert "original" not in url
        platform.blobs.signer.verify(key, expires=query["expires"][0], sig=query["sig"][0],  # type: ignore[attr-defined]
                                     filename=None, now_s=start_s + 10)


async def test_delete_asset_removes_the_row_and_its_blobs(platform: Platform) -> None:
    asset = await accept(platform, factories.jpeg(300, 200))
    await platform.bus.drain()
    assert len(blob_files(platform)) == 4  # original and three renditions

    async with platform.uow() as uow:
        await media.delete_asset(uow, asset_id=asset.id, owner_id=OWNER_ID)

    async with platform.reader() as uow:
        assert await media.get_assets(uow, ids=[asset.id]) == {}
    assert blob_files(platform) == []


async def test_delete_asset_of_another_owner_is_refused_and_changes_nothing(platform: Platform) -> None:
    asset = await accept(platform, factories.jpeg(300, 200))
    await platform.bus.drain()
    before = await snapshot(platform)

    with pytest.raises(media.AssetNotFound):
        async with platform.uow() as uow:
            await media.delete_asset(uow, asset_id=asset.id, owner_id=OTHER_ID)

    assert await snapshot(platform) == before


async def test_an_asset_the_renderer_refuses_is_marked_failed(platform: Platform,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from casebook.engines.media import render

    def refuse(data: bytes) -> list[media.Rendition]:
        raise OSError("decoder gave up")

    monkeypatch.setattr(render, "render_image", refuse)  # validation passed; a decoder may still fail later
    asset = await accept(platform, factories.jpeg(300, 200))

    await platform.bus.drain()

    failed = await load(platform, asset.id)
    assert (failed.state, failed.error, failed.renditions, failed.poster) == (
        "failed", "render failed: OSError", (), ())
    assert failed.processed_at is not None
    assert blob_files(platform) == [f"media/photos/{OWNER_ID}/{asset.id}/original"]
    async with platform.reader() as uow:
        processed = (await uow.session.scalars(select(OutboxRow).where(
            OutboxRow.subject == media.MEDIA_PROCESSED))).all()
    assert [row.payload["state"] for row in processed] == ["failed"]


async def _rerun_consumer(platform: Platform, asset) -> None:
    """The consumer's two steps as the bus runs them: render outside the transaction, record inside."""
    consumer, event = media.consumers[0], _uploaded_event(asset)
    prepared = await consumer.prepare(platform, event)
    async with platform.uow() as uow:
        await consumer.handler(uow, event, prepared)
