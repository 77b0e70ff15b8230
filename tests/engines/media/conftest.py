"""Media fixtures: a migrated platform whose only consumer is the media engine's, with its relay running."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casebook.engines import media
from casebook.engines.media.models import MediaAssetRow
from casebook.migrations import upgrade
from casebook.platform.appmodule import AppModule
from casebook.platform.bootstrap import Platform, running_platform
from casebook.platform.bus.models import OutboxRow
from casebook.platform.settings import Settings


def media_app() -> AppModule:
    return AppModule(slug="media-under-test", title="Media under test", description="the media consumer only",
                     consumers=media.consumers)


@pytest.fixture
async def platform(settings: Settings) -> AsyncIterator[Platform]:
    async with running_platform(settings, (media_app(),), role="cli") as platform:
        await upgrade(platform.db)
        await platform.start("worker")
        yield platform


class Snapshot:
    """What a refused upload must not change: asset rows, outbox events, media blobs."""

    def __init__(self, assets: int, events: int, blob_files: list[str]) -> None:
        self.assets, self.events, self.blob_files = assets, events, blob_files

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Snapshot) and vars(self) == vars(other)

    def __repr__(self) -> str:
        return f"Snapshot({vars(self)})"


async def snapshot(platform: Platform) -> Snapshot:
    async with platform.reader() as uow:
        assets = await uow.session.scalar(select(func.count()).select_from(MediaAssetRow))
        events = await uow.session.scalar(select(func.count()).select_from(OutboxRow)
                                          .where(OutboxRow.subject.like("casebook.media.%")))
    return Snapshot(assets, events, blob_files(platform))


def blob_files(platform: Platform) -> list[str]:
    root = Path(platform.blobs.root)  # type: ignore[attr-defined]
    return sorted(str(path.relative_to(root)) for path in (root / "media").rglob("*") if path.is_file())
