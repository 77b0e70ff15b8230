"""The media engine's bus consumer: render each uploaded asset once it is committed."""

from __future__ import annotations

from casebook.engines.media import service
from casebook.engines.media.events import MEDIA_UPLOADED
from casebook.platform.bus import Consumer
from casebook.platform.bus.events import Event
from casebook.platform.uow import UnitOfWork


async def on_uploaded(uow: UnitOfWork, event: Event) -> None:
    # Rendering runs in a worker thread; the blob writes reuse the asset's keys, so a rerun after a
    # crash overwrites the same objects and the row's state decides whether anything is left to do.
    await service.process_asset(uow, asset_id=int(event.payload["asset_id"]))


# Rendering a video takes seconds: few attempts, slow backoff; a parked event leaves the asset processing.
consumers = [Consumer(name="media.process", subjects=(MEDIA_UPLOADED,), handler=on_uploaded, attempts_max=3,
                      backoff_base_s=2.0)]
