"""A near cache: an in-process copy of read-mostly documents over the shared cache.

With a Redis cache every read costs a network round trip and ~80 µs of client work; hot documents
(the signed-in account, a profile header) are read far more often than they change. This layer
keeps them in the process for a few seconds and stays coherent across processes by broadcasting
each invalidation on the realtime port. Embedded, the shared cache is already in-process, so reads
go straight to it.

Staleness is bounded twice: an invalidation reaches every process within a pub/sub hop, and a
local copy lives at most `ttl_s` even if that message is lost. A read that overlaps an
invalidation does not store what it read (generation check), so a slow read cannot resurrect a
document that was just invalidated.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict

import structlog

from casebook.platform.cache import Cache
from casebook.platform.realtime import Realtime

log = structlog.get_logger(__name__)

INVALIDATION_TOPIC = "platform.cache.invalidations"
NEAR_ITEMS_MAX = 10_000
NEAR_TTL_S = 5.0


class NearCache:
    def __init__(self, shared: Cache, realtime: Realtime, *, is_local: bool, items_max: int = NEAR_ITEMS_MAX,
                 ttl_s: float = NEAR_TTL_S) -> None:
        self.shared = shared
        self.realtime = realtime
        self.is_local = is_local  # the shared cache lives in this process: no second copy needed
        self.items_max = items_max
        self.ttl_s = ttl_s
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()  # key -> (expires_at, value)
        self._generation = 0
        self._invalidated_at: dict[str, int] = {}  # key -> generation of its last invalidation
        self._floor_generation = 0  # reads started before this may not store (history was dropped)
        self._listener: asyncio.Task[None] | None = None

    async def get(self, key: str) -> bytes | None:
        if self.is_local:
            return await self.shared.get(key)
        item = self._items.get(key)
        if item is not None:
            if item[0] > time.monotonic():
                return item[1]
            del self._items[key]
        started_generation = self._generation
        value = await self.shared.get(key)
        if (value is not None and started_generation >= self._floor_generation
                and self._invalidated_at.get(key, -1) < started_generation):
            self._remember(key, value)
        return value

    async def set(self, key: str, value: bytes, *, ttl_s: float | None = None) -> None:
        await self.shared.set(key, value, ttl_s=ttl_s)

    async def invalidate(self, *keys: str) -> None:
        """Forget `keys` here, in the shared cache, and (by broadcast) in every other process."""
        self._forget(keys)
        await self.shared.delete(*keys)
        if not self.is_local:
            await self.realtime.publish(INVALIDATION_TOPIC, {"keys": list(keys)})

    async def start(self) -> None:
        if self.is_local or self._listener is not None:
            return
        ready = asyncio.Event()
        self._listener = asyncio.create_task(self._listen(ready), name="near-cache-invalidations")
        await ready.wait()

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
            self._listener = None

    async def _listen(self, ready: asyncio.Event) -> None:
        while True:
            try:
                async with self.realtime.subscribe(INVALIDATION_TOPIC) as subscription:
                    self._drop_everything()  # messages may have been missed while unsubscribed
                    ready.set()
                    async for message in subscription:
                        self._forget(message.get("keys", ()))
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the broker went away: drop everything, retry shortly
                log.warning("near_cache.listener_failed", error=str(error))
                self._drop_everything()
                ready.set()
                await asyncio.sleep(1.0)

    def _forget(self, keys) -> None:
        self._generation += 1
        for key in keys:
            self._items.pop(key, None)
            self._invalidated_at[key] = self._generation
        if len(self._invalidated_at) > self.items_max:
            self._invalidated_at.clear()  # only reads in flight need it; they fall back to not storing
            self._generation += 1
            self._floor_generation = self._generation

    def _drop_everything(self) -> None:
        self._items.clear()
        self._generation += 1
        self._floor_generation = self._generation

    def _remember(self, key: str, value: bytes) -> None:
        self._items[key] = (time.monotonic() + self.ttl_s, value)
        self._items.move_to_end(key)
        if len(self._items) > self.items_max:
            self._items.popitem(last=False)
