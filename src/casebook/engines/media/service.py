"""Use cases of the media engine: accept an upload, process it, read assets, sign their URLs, delete them."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy import delete, select

from casebook.engines.media import limits, probe, render
from casebook.engines.media.errors import AssetNotFound, UploadTooLarge
from casebook.engines.media.events import MEDIA_PROCESSED, MEDIA_UPLOADED
from casebook.engines.media.model import MediaAsset, Probe, Rendition
from casebook.engines.media.models import MediaAssetRow
from casebook.engines.media.signatures import sniff
from casebook.platform.blobs import Blobs
from casebook.platform.errors import Invalid
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

log = structlog.get_logger(__name__)


def asset_prefix(namespace: str, owner_id: int, asset_id: int) -> str:
    return f"media/{namespace}/{owner_id}/{asset_id}"


async def accept_upload(uow: UnitOfWork, *, namespace: str, owner_id: int, data: bytes,
                        bytes_max: int) -> MediaAsset:
    """Validate the bytes now (415 not media, 413 too big, 422 unreadable or too large), store the
    original privately and record the asset as processing; `casebook.media.uploaded` starts the rendering.

    A refused upload leaves no row and no blob. The original blob is written before the row commits; if the
    transaction then fails, it is deleted again (only a process killed in between leaves it behind).
    """
    _check_namespace(namespace)
    if len(data) > bytes_max:
        raise UploadTooLarge(f"an upload has at most {bytes_max} bytes", bytes_max=bytes_max)
    kind, content_type = sniff(data)
    checked: Probe = await asyncio.to_thread(
        probe.probe_image if kind == "image" else probe.probe_video, data, content_type)
    asset_id = uow.new_id()
    original_key = f"{asset_prefix(namespace, owner_id, asset_id)}/original"
    await uow.platform.blobs.put(original_key, data, content_type=content_type)

    async def remove_original() -> None:
        await uow.platform.blobs.delete(original_key)

    uow.after_rollback(remove_original)
    row = MediaAssetRow(
        id=asset_id, namespace=namespace, owner_id=owner_id, kind=kind, state="processing",
        content_type=content_type, size_bytes=len(data), width=checked.width, height=checked.height,
        duration_ms=checked.duration_ms, original_key=original_key, renditions=[], poster=None, error=None,
        created_at=uow.now(), processed_at=None)
    uow.session.add(row)
    uow.publish(MEDIA_UPLOADED, {"asset_id": str(asset_id), "namespace": namespace, "owner_id": str(owner_id),
                                 "kind": kind})
    return to_asset(row)


@dataclasses.dataclass(frozen=True, slots=True)
class RenderOutcome:
    """What rendering produced, already stored in blobs: rendition records, or why it failed."""

    renditions: list[dict[str, Any]]
    poster: list[dict[str, Any]] | None
    error: str | None


async def render_asset(platform: Platform, *, asset_id: int) -> RenderOutcome | None:
    """Render a processing asset and store its renditions, outside any write transaction (the CPU work runs
    in a thread); None when there is nothing to do (deleted, or already ready or failed). Idempotent: a rerun
    overwrites the same keys."""
    async with platform.reader() as reader:
        row = await reader.session.get(MediaAssetRow, asset_id)
        if row is None or row.state != "processing":
            return None
        kind, content_type, original_key = row.kind, row.content_type, row.original_key
        prefix = asset_prefix(row.namespace, row.owner_id, row.id)
    blobs = platform.blobs
    original = await blobs.get(original_key)
    try:
        if kind == "image":
            renditions, poster = await asyncio.to_thread(render.render_image, original), []
        else:
            video, poster = await asyncio.to_thread(render.render_video, original, content_type)
            renditions = [video]
    except Exception as error:  # the upload passed validation but a decoder still refused it
        log.warning("media_render_failed", asset_id=asset_id, error=repr(error))
        return RenderOutcome(renditions=[], poster=None,
                             error=f"render failed: {type(error).__name__}"[:limits.ERROR_CHARS_MAX])
    stored = [await _store(blobs, f"{prefix}/{item.name}.{_extension(item)}", item) for item in renditions]
    stored_poster = [await _store(blobs, f"{prefix}/poster-{item.name}.jpg", item) for item in poster] or None
    return RenderOutcome(renditions=stored, poster=stored_poster, error=None)


async def finish_asset(uow: UnitOfWork, *, asset_id: int, outcome: RenderOutcome | None) -> MediaAsset | None:
    """Record a render's outcome: the asset becomes ready (or failed) and `casebook.media.processed` fires.
    An asset no longer processing is left alone; None when it was deleted."""
    row = await uow.session.get(MediaAssetRow, asset_id)
    if row is None:
        return None
    if row.state != "processing" or outcome is None:
        return to_asset(row)
    if outcome.error is not None:
        row.state, row.error = "failed", outcome.error
    else:
        row.renditions, row.poster, row.state, row.error = outcome.renditions, outcome.poster, "ready", None
    row.processed_at = uow.now()
    uow.publish(MEDIA_PROCESSED, {"asset_id": str(row.id), "namespace": row.namespace,
                                  "owner_id": str(row.owner_id), "state": row.state})
    return to_asset(row)


async def process_asset(uow: UnitOfWork, *, asset_id: int) -> MediaAsset | None:
    """Render and record in one go (the asset must be committed already); the consumer splits the two so
    the render holds no write transaction."""
    outcome = await render_asset(uow.platform, asset_id=asset_id)
    return await finish_asset(uow, asset_id=asset_id, outcome=outcome)


async def _store(blobs: Blobs, key: str, rendition: Rendition) -> dict[str, Any]:
    await blobs.put(key, rendition.data, content_type=rendition.content_type)
    return {**rendition.to_json(), "key": key}


def _extension(rendition: Rendition) -> str:
    return "mp4" if rendition.content_type == "video/mp4" else "jpg"


async def get_assets(uow: UnitOfWork, *, ids: Iterable[int]) -> dict[int, MediaAsset]:
    """The assets that exist among `ids`, in one query (at most ASSETS_PER_QUERY_MAX ids)."""
    wanted = list(dict.fromkeys(ids))
    if len(wanted) > limits.ASSETS_PER_QUERY_MAX:
        raise Invalid(f"at most {limits.ASSETS_PER_QUERY_MAX} assets at once", field="ids")
    if not wanted:
        return {}
    rows = (await uow.session.scalars(select(MediaAssetRow).where(MediaAssetRow.id.in_(wanted)))).all()
    return {row.id: to_asset(row) for row in rows}


async def get_asset(uow: UnitOfWork, *, asset_id: int, owner_id: int) -> MediaAsset:
    """The owner's asset; another owner's answers AssetNotFound, as if it did not exist."""
    row = await uow.session.get(MediaAssetRow, asset_id)
    if row is None or row.owner_id != owner_id:
        raise AssetNotFound("no such media")
    return to_asset(row)


async def delete_asset(uow: UnitOfWork, *, asset_id: int, owner_id: int) -> None:
    """Delete the owner's asset; its blobs are removed after commit (a failure there leaves orphans, logged)."""
    asset = await get_asset(uow, asset_id=asset_id, owner_id=owner_id)
    await uow.session.execute(delete(MediaAssetRow).where(MediaAssetRow.id == asset.id))
    keys = [asset.original_key, *(item.key for item in (*asset.renditions, *asset.poster))]
    blobs = uow.platform.blobs

    async def remove_blobs() -> None:
        for key in keys:
            await blobs.delete(key)

    uow.after_commit(remove_blobs)


def rendition_urls(blobs: Blobs, asset: MediaAsset, *, now_s: float | None = None) -> dict[str, str]:
    """Signed URLs of the renditions (and `poster-<size>` for videos), never of the original.

    The expiry is the end of the next URL_WINDOW_S window, so every call within one window signs
    the same URL: browsers and CDNs keep one cached copy, and a URL always lives at least one window.
    """
    now_s = time.time() if now_s is None else now_s
    window_s = limits.URL_WINDOW_S
    expires_at_s = (math.floor(now_s / window_s) + 2) * window_s
    expires_s = expires_at_s - int(now_s)
    urls = {item.name: _sign(blobs, item.key, expires_s, now_s) for item in asset.renditions}
    urls.update({f"poster-{item.name}": _sign(blobs, item.key, expires_s, now_s) for item in asset.poster})
    return urls


def _sign(blobs: Blobs, key: str, expires_s: int, now_s: float) -> str:
    signer = getattr(blobs, "signer", None)
    if signer is not None:  # our own signed route: sign against the same clock reading, so URLs stay equal
        return signer.sign(key, expires_s=expires_s, now_s=int(now_s))
    return blobs.signed_url(key, expires_s=expires_s)


def to_asset(row: MediaAssetRow) -> MediaAsset:
    return MediaAsset(
        id=row.id, namespace=row.namespace, owner_id=row.owner_id, kind=row.kind,  # type: ignore[arg-type]
        state=row.state, content_type=row.content_type, size_bytes=row.size_bytes,  # type: ignore[arg-type]
        width=row.width, height=row.height, duration_ms=row.duration_ms, original_key=row.original_key,
        renditions=tuple(Rendition.from_json(item) for item in row.renditions or ()),
        poster=tuple(Rendition.from_json(item) for item in row.poster or ()),
        error=row.error, created_at=row.created_at, processed_at=row.processed_at)


def _check_namespace(namespace: str) -> None:
    if not namespace or len(namespace) > limits.NAMESPACE_CHARS_MAX or not namespace.replace("-", "").isalnum() \
            or not namespace.islower():
        raise Invalid("a media namespace is 1-40 lowercase letters, digits or dashes", field="namespace")

