"""The single writer per ledger partition: it gathers requests for ~2 ms and commits them in one transaction."""

from __future__ import annotations

import asyncio
import weakref
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

import structlog

from casebook.engines.ledger import batch, limits, model

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

log = structlog.get_logger(__name__)

Item = tuple[model.Request, "asyncio.Future[model.TransferResult]"]


class Writer:
    """One task draining one bounded queue. Each submitter awaits its own future.

    Several processes (or Platforms) may run writers on the same database: correctness comes
    from the rows each batch locks, not from being the only writer; batching is for speed.
    """

    def __init__(self, platform: Platform, *, name: str, batch_max: int = limits.BATCH_REQUESTS_MAX,
                 linger_s: float = limits.BATCH_LINGER_S, queue_max: int = limits.WRITER_QUEUE_MAX) -> None:
        self.platform = platform
        self.name = name
        self.batch_max = batch_max
        self.linger_s = linger_s
        self.queue: asyncio.Queue[Item] = asyncio.Queue(maxsize=queue_max)
        self.task: asyncio.Task[None] | None = None
        self.batches_committed = 0

    async def enqueue(self, request: model.Request) -> asyncio.Future[model.TransferResult]:
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run(), name=f"ledger-writer:{self.name}")
        future: asyncio.Future[model.TransferResult] = asyncio.get_running_loop().create_future()
        await self.queue.put((request, future))  # waits when the writer is far behind (back-pressure)
        return future

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
            self.task = None
        while not self.queue.empty():
            _request, future = self.queue.get_nowait()
            if not future.done():
                future.cancel()

    async def _run(self) -> None:
        while True:
            items = [await self.queue.get()]
            self._drain(items)
            if len(items) < self.batch_max and self.linger_s > 0:
                await asyncio.sleep(self.linger_s)  # let concurrent submitters join this batch
                self._drain(items)
            try:
                await self._commit(items)
            except BaseException as error:  # never leave a submitter waiting forever
                for _request, future in items:
                    if not future.done():
                        future.set_exception(error if isinstance(error, Exception) else asyncio.CancelledError())
                if not isinstance(error, Exception):
                    raise

    def _drain(self, items: list[Item]) -> None:
        while len(items) < self.batch_max and not self.queue.empty():
            items.append(self.queue.get_nowait())

    async def _commit(self, items: list[Item]) -> None:
        requests = [request for request, _future in items]
        try:
            async with self.platform.uow() as uow:
                results = await batch.commit_batch(uow, requests)
        except Exception:
            # A deadlock, a key racing another process, a bug: retry alone so one cannot poison the rest.
            log.warning("ledger_batch_failed", writer=self.name, requests=len(items), exc_info=True)
            for request, future in items:
                try:
                    result = await commit_alone(self.platform, request)
                except Exception as error:
                    if not future.done():
                        future.set_exception(error)
                else:
                    if not future.done():
                        future.set_result(result)
            return
        self.batches_committed += 1
        for (_request, future), result in zip(items, results, strict=True):
            if not future.done():  # a cancelled submitter: its request still committed
                future.set_result(result)


async def commit_alone(platform: Platform, request: model.Request) -> model.TransferResult:
    """One request in its own transaction, the same validation as a batch; retried on unexpected errors."""
    for attempt in range(1, limits.BATCH_ATTEMPTS_MAX + 1):
        try:
            async with platform.uow() as uow:
                [result] = await batch.commit_batch(uow, [request])
            return result
        except Exception:
            if attempt == limits.BATCH_ATTEMPTS_MAX:
                raise
            log.info("ledger_request_retried", key=request.key, attempt=attempt, exc_info=True)
    raise AssertionError("unreachable")


# Writers per Platform without changing Platform: they die with it (weak keys). Not a locator: the
# platform is always passed in explicitly, this only remembers which tasks belong to it.
_writers: weakref.WeakKeyDictionary[Platform, list[Writer]] = weakref.WeakKeyDictionary()


def writer_for(platform: Platform, key: str) -> Writer:
    """The partition writer of a key: the same key always meets the same writer, so in-process
    duplicates meet in one queue."""
    writers = _writers.get(platform)
    if writers is None:
        writers = [Writer(platform, name=str(index)) for index in range(limits.WRITER_PARTITIONS)]
        _writers[platform] = writers
        platform.on_close(lambda: stop_writers(platform))
    return writers[zlib.crc32(key.encode()) % len(writers)]


async def stop_writers(platform: Platform) -> None:
    for writer in _writers.pop(platform, []):
        await writer.stop()


async def submit_batched(platform: Platform, requests: Sequence[model.Request]) -> list[model.TransferResult]:
    futures = [await writer_for(platform, request.key).enqueue(request) for request in requests]
    return [await future for future in futures]


async def submit_one_by_one(platform: Platform, requests: Sequence[model.Request]) -> list[model.TransferResult]:
    """The baseline for the benchmark: the same validation, one transaction per request."""
    return [await commit_alone(platform, request) for request in requests]


def batches_committed(platform: Platform) -> int:
    """Batches this process's writers committed (for the benchmark's report)."""
    return sum(writer.batches_committed for writer in _writers.get(platform, []))
