"""Builds the Platform holder from Settings: the only place that opens adapters."""

from __future__ import annotations

import contextlib
from typing import AsyncIterator, Awaitable, Callable, Literal, Sequence

import structlog

from casebook.platform.appmodule import AppModule
from casebook.platform.blobs import Blobs, open_blobs
from casebook.platform.bus import Bus, Consumer, open_bus
from casebook.platform.cache import Cache, open_cache
from casebook.platform.cache.near import NearCache
from casebook.platform.clock import Clock
from casebook.platform.db.engine import Database, open_database
from casebook.platform.geo import Geo, open_geo
from casebook.platform.idempotency import middleware as idempotency
from casebook.platform.ids import IdGenerator
from casebook.platform.realtime import Realtime, open_realtime
from casebook.platform.scheduler import Job, Scheduler
from casebook.platform.search import Search, open_search
from casebook.platform.settings import Settings
from casebook.platform.uow import UnitOfWork, open_unit_of_work

log = structlog.get_logger(__name__)

Role = Literal["serve", "worker", "cli"]

PLATFORM_JOBS = (
    Job(name="platform.prune_idempotency", handler=idempotency.prune_expired, every_s=3600),
)


class Platform:
    """Every port of one process. Engines and services receive it (or a port) as an argument.

    A plain class, not a dataclass: Litestar hands it to handlers as a dependency and must not
    try to validate its fields.
    """

    def __init__(self, *, settings: Settings, apps: tuple[AppModule, ...], clock: Clock, ids: IdGenerator,
                 db: Database, cache: Cache, realtime: Realtime, geo: Geo, blobs: Blobs, search: Search) -> None:
        self.settings = settings
        self.apps = apps
        self.clock = clock
        self.ids = ids
        self.db = db
        self.cache = cache
        self.realtime = realtime
        self.geo = geo
        self.blobs = blobs
        self.search = search
        self._closers: list[Callable[[], Awaitable[None]]] = []
        self.commit_listeners = tuple(listener for app in apps for listener in app.commit_listeners)
        self.near_cache = NearCache(cache, realtime, is_local=settings.cache_url.startswith("memory://"))
        self.bus: Bus = open_bus(settings.bus_url, platform=self)
        self.scheduler = Scheduler(self, jobs=_unique_jobs([*PLATFORM_JOBS, *(job for app in apps for job in app.jobs)]))

    def uow(self) -> contextlib.AbstractAsyncContextManager[UnitOfWork]:
        """A write unit of work: `async with platform.uow() as uow: ...` commits once at the end."""
        return open_unit_of_work(self)

    def reader(self) -> contextlib.AbstractAsyncContextManager[UnitOfWork]:
        return open_unit_of_work(self, is_read_only=True)

    @property
    def consumers(self) -> list:
        """Every app's consumers; an engine's consumer listed by several apps (media processing) runs once."""
        by_name: dict[str, Consumer] = {}
        for consumer in (consumer for app in self.apps for consumer in app.consumers):
            known = by_name.setdefault(consumer.name, consumer)
            assert known == consumer, f"two different consumers are named {consumer.name!r}"
        return list(by_name.values())

    async def start(self, role: Role) -> None:
        """Start this process's background work.

        Embedded bus: `serve` relays, consumes and schedules in its own event loop.
        Distributed: `serve` only relays; `worker` consumes and competes for the scheduler lease.
        """
        if role == "cli" or not self.settings.run_background:
            return
        await self.near_cache.start()
        if role == "worker" or self.settings.is_embedded_bus:
            await self.bus.start(relay=True, consumers=self.consumers)
            await self.scheduler.start()
        else:
            await self.bus.start(relay=True, consumers=())
        for app in self.apps:
            for hook in app.on_startup:
                await hook(self)

    def on_close(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run `callback` first when the platform closes (engines stop their own tasks this way)."""
        self._closers.append(callback)

    async def close(self) -> None:
        closers, self._closers = self._closers, []
        for closer in reversed(closers):
            with contextlib.suppress(Exception):
                await closer()
        await self.scheduler.stop()
        await self.bus.stop()
        await self.near_cache.stop()
        for port in (self.cache, self.realtime, self.geo, self.blobs):
            with contextlib.suppress(Exception):
                await port.close()
        await self.db.dispose()

    async def check(self) -> dict[str, tuple[str, str | None]]:
        """Each port: (adapter URL, None when reachable or the error)."""
        s = self.settings
        probes = {
            "database": (_redact(s.database_url), self.db.ping),
            "cache": (s.cache_url, self.cache.ping),
            "bus": (s.bus_url, self.bus.ping),
            "blobs": (s.blob_url, self.blobs.ping),
            "search": (f"{s.search_url} ({self.db.dialect})", self.db.ping),
            "realtime": (s.realtime_url, self.realtime.ping),
            "geo": (s.geo_url, self.geo.ping),
        }
        report: dict[str, tuple[str, str | None]] = {}
        for name, (url, probe) in probes.items():
            try:
                await probe()
                report[name] = (url, None)
            except Exception as error:  # a health probe reports, it never raises
                report[name] = (url, f"{type(error).__name__}: {error}")
        return report


def _unique_jobs(jobs: Sequence[Job]) -> list[Job]:
    """Engines' jobs (e.g. the ledger's pending expiry) are listed by every app that uses them; run each once."""
    by_name: dict[str, Job] = {}
    for job in jobs:
        known = by_name.setdefault(job.name, job)
        assert known == job, f"two different jobs are named {job.name!r}"
    return list(by_name.values())


def build_platform(settings: Settings, apps: Sequence[AppModule] = (), *, clock: Clock | None = None) -> Platform:
    settings = settings.with_secret_key()
    db = open_database(settings.database_url)
    return Platform(
        settings=settings,
        apps=tuple(apps),
        clock=clock or Clock(),
        ids=IdGenerator(settings.node_id),
        db=db,
        cache=open_cache(settings.cache_url, items_max=settings.cache_memory_items_max),
        realtime=open_realtime(settings.realtime_url),
        geo=open_geo(settings.geo_url),
        blobs=open_blobs(settings.blob_url, secret_key=settings.secret_key, public_url=settings.public_url),
        search=open_search(settings.search_url, dialect=db.dialect),
    )


@contextlib.asynccontextmanager
async def running_platform(settings: Settings, apps: Sequence[AppModule] = (), *, role: Role = "cli",
                           clock: Clock | None = None) -> AsyncIterator[Platform]:
    platform = build_platform(settings, apps, clock=clock)
    try:
        await platform.start(role)
        yield platform
    finally:
        await platform.close()


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
