"""Group commit: many concurrent requests written in one database transaction by one task.

A commit costs the same for one row as for a hundred (SQLite takes its single write lock, PostgreSQL
flushes its WAL), so under load a writer that gathers what arrived meanwhile and commits it together
multiplies throughput. Each submitter awaits its own future; a refusal of one item never affects the
others, and when a whole batch fails (a deadlock, a key racing another process, a bug) every item is
retried alone, so one bad item cannot poison the rest.

Engines and apps make one `GroupCommitter` per kind of write with two functions: `commit_batch(uow, items)`
returning one result per item (a value, or the refusal as an exception instance), and `commit_one` for
the retry alone (by default the same function with one item).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

import structlog

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform
    from casebook.platform.uow import UnitOfWork

log = structlog.get_logger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")

BATCH_ITEMS_MAX = 256
LINGER_S = 0.001  # after the first item, wait this long for others to join (1 ms: invisible in latency)
QUEUE_MAX = 16_384  # back-pressure: submitters wait when the writer is this far behind
ALONE_ATTEMPTS_MAX = 3


class GroupCommitter(Generic[Item, Result]):
    """One task draining one bounded queue into `commit_batch` transactions."""

    def __init__(self, platform: Platform, *, name: str,
                 commit_batch: Callable[[UnitOfWork, Sequence[Item]], Awaitable[Sequence[Result | Exception]]],
                 batch_max: int = BATCH_ITEMS_MAX, linger_s: float = LINGER_S, queue_max: int = QUEUE_MAX) -> None:
        self.platform = platform
        self.name = name
        self.commit_batch = commit_batch
        self.batch_max = batch_max
        self.linger_s = linger_s
        self.queue: asyncio.Queue[tuple[Item, asyncio.Future[Result]]] = asyncio.Queue(maxsize=queue_max)
        self.task: asyncio.Task[None] | None = None
        self.batches_committed = 0
        platform.on_close(self.stop)

    async def submit(self, item: Item) -> Result:
        """The item's result once its batch committed; its refusal is raised."""
        return await asyncio.shield(await self.enqueue(item))  # a cancelled submitter leaves its batch be

    async def enqueue(self, item: Item) -> asyncio.Future[Result]:
        """Queue the item (waiting while the writer is QUEUE_MAX behind) and return its future, so one
        caller can queue many items before awaiting any, and they share batches."""
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run(), name=f"group-commit:{self.name}")
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        await self.queue.put((item, future))
        return future

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
            self.task = None
        while not self.queue.empty():
            _item, future = self.queue.get_nowait()
            if not future.done():
                future.cancel()

    async def _run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            self._drain(batch)
            if len(batch) < self.batch_max and self.linger_s > 0:
                await asyncio.sleep(self.linger_s)
                self._drain(batch)
            try:
                await self._commit(batch)
            except BaseException as error:  # never leave a submitter waiting forever
                for _item, future in batch:
                    if not future.done():
                        future.set_exception(error if isinstance(error, Exception) else asyncio.CancelledError())
                if not isinstance(error, Exception):
                    raise

    def _drain(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        while len(batch) < self.batch_max and not self.queue.empty():
            batch.append(self.queue.get_nowait())

    async def _commit(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        items = [item for item, _future in batch]
        try:
            async with self.platform.uow() as uow:
                outcomes = await self.commit_batch(uow, items)
        except Exception:
            if len(batch) > 1:
                log.warning("group_commit_batch_failed", committer=self.name, items=len(batch), exc_info=True)
            for item, future in batch:
                try:
                    outcome = await self.commit_alone(item)
                except Exception as error:
                    _resolve(future, error)
                else:
                    _resolve(future, outcome)
            return
        self.batches_committed += 1
        for (_item, future), outcome in zip(batch, outcomes, strict=True):
            _resolve(future, outcome)

    async def commit_alone(self, item: Item) -> Result | Exception:
        """The item in its own transaction (retried on unexpected errors): the fallback after a failed
        batch, and the one-per-transaction baseline benchmarks compare batches with."""
        for attempt in range(1, ALONE_ATTEMPTS_MAX + 1):
            try:
                async with self.platform.uow() as uow:
                    [outcome] = await self.commit_batch(uow, [item])
                return outcome
            except Exception:
                if attempt == ALONE_ATTEMPTS_MAX:
                    raise
                log.info("group_commit_item_retried", committer=self.name, attempt=attempt, exc_info=True)
        raise AssertionError("unreachable")


def _resolve(future: asyncio.Future[Result], outcome: Result | BaseException) -> None:
    if future.done():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
