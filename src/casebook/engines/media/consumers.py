"""The media engine's bus consumer: render each uploaded asset once it is committed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from casebook.engines.media import service
from casebook.engines.media.events import MEDIA_UPLOADED
from casebook.platform.bus import Consumer
from casebook.platform.bus.events import Event
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform


async def render_uploaded(platform: Platform, event: Event) -> service.RenderOutcome | None:
    # Rendering runs before the consumer's transaction opens (0.2 s a photo, seconds a video would otherwise
    # hold SQLite's single writer); the blob writes reuse the asset's keys, so a rerun after a crash
    # overwrites the same objects and the row's state decides whether anything is left to do.
    return await service.render_asset(platform, asset_id=int(event.payload["asset_id"]))


async def record_rendered(uow: UnitOfWork, event: Event, outcome: service.RenderOutcome | None) -> None:
    await service.finish_asset(uow, asset_id=int(event.payload["asset_id"]), outcome=outcome)


# Rendering a video takes seconds: few attempts, slow backoff; a parked event leaves the asset processing.
consumers = [Consumer(name="media.process", subjects=(MEDIA_UPLOADED,), handler=record_rendered,
                      prepare=render_uploaded, attempts_max=3, backoff_base_s=2.0)]
