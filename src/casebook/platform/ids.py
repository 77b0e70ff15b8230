"""64-bit time-sortable snowflake ids: 41 bits of milliseconds, 10 bits of node, 12 of sequence."""

from __future__ import annotations

import secrets
import threading
import time
from datetime import UTC, datetime

EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
NODE_BITS = 10
SEQUENCE_BITS = 12
NODE_MAX = (1 << NODE_BITS) - 1
SEQUENCE_MAX = (1 << SEQUENCE_BITS) - 1


class IdGenerator:
    """Thread-safe snowflake generator; `node_id` must differ between live processes."""

    def __init__(self, node_id: int | None = None, *, now_ms=None) -> None:
        if node_id is None:
            node_id = secrets.randbelow(NODE_MAX + 1)
        assert 0 <= node_id <= NODE_MAX, node_id
        self.node_id = node_id
        self._now_ms = now_ms or (lambda: time.time_ns() // 1_000_000)
        self._lock = threading.Lock()
        self._last_ms = 0
        self._sequence = 0

    def next_id(self) -> int:
        with self._lock:
            now_ms = max(self._now_ms(), self._last_ms)  # never go back when the wall clock does
            if now_ms == self._last_ms:
                self._sequence = (self._sequence + 1) & SEQUENCE_MAX
                if self._sequence == 0:  # 4096 ids in this millisecond: borrow the next one
                    now_ms += 1
            else:
                self._sequence = 0
            self._last_ms = now_ms
            return ((now_ms - EPOCH_MS) << (NODE_BITS + SEQUENCE_BITS)) | (self.node_id << SEQUENCE_BITS) | self._sequence

    __call__ = next_id


def id_time(snowflake: int) -> datetime:
    """When an id was made (to the millisecond)."""
    ms = (snowflake >> (NODE_BITS + SEQUENCE_BITS)) + EPOCH_MS
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def lowest_id_at(moment: datetime) -> int:
    """The smallest id that could have been made at `moment`: for time-range queries on ids."""
    ms = int(moment.timestamp() * 1000) - EPOCH_MS
    return max(ms, 0) << (NODE_BITS + SEQUENCE_BITS)
