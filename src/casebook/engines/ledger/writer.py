"""The single writer per ledger partition: the platform's group commit over the ledger's batch.

Several processes (or Platforms) may run writers on the same database: correctness comes from the rows
each batch locks, not from being the only writer; batching is for speed.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from casebook.engines.ledger import batch, limits, model
from casebook.platform.batching import GroupCommitter
from casebook.platform.state import PerPlatform

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

Writer = GroupCommitter[model.Request, model.TransferResult]

def _new_writers(platform: Platform) -> list[Writer]:
    return [GroupCommitter(platform, name=f"ledger:{index}", commit_batch=batch.commit_batch,
                           batch_max=limits.BATCH_REQUESTS_MAX, linger_s=limits.BATCH_LINGER_S,
                           queue_max=limits.WRITER_QUEUE_MAX)
            for index in range(limits.WRITER_PARTITIONS)]


_writers: PerPlatform[list[Writer]] = PerPlatform(_new_writers)


def writer_for(platform: Platform, key: str) -> Writer:
    """The partition writer of a key: the same key always meets the same writer, so in-process
    duplicates meet in one queue."""
    writers = _writers.of(platform)
    return writers[zlib.crc32(key.encode()) % len(writers)]


async def stop_writers(platform: Platform) -> None:
    for writer in _writers.pop(platform) or []:
        await writer.stop()


async def submit_batched(platform: Platform, requests: Sequence[model.Request]) -> list[model.TransferResult]:
    futures = [await writer_for(platform, request.key).enqueue(request) for request in requests]
    return [await future for future in futures]


async def submit_one_by_one(platform: Platform, requests: Sequence[model.Request]) -> list[model.TransferResult]:
    """The baseline for the benchmark: the same validation, one transaction per request."""
    results = [await writer_for(platform, request.key).commit_alone(request) for request in requests]
    return results  # type: ignore[return-value]  # the ledger's batch answers refusals as results


def batches_committed(platform: Platform) -> int:
    """Batches this process's writers committed (for the benchmark's report)."""
    return sum(writer.batches_committed for writer in _writers.get(platform) or [])
