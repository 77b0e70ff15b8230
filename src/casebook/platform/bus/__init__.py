"""The bus port: transactional outbox, a relay that publishes it, durable de-duplicated consumers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Sequence

from casebook.platform.bus.events import Consumer, Event, subject_matches

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

__all__ = ["Bus", "Consumer", "Event", "open_bus", "subject_matches"]


# An upper bound for tests and the demo: a loaded CI machine with a dozen consumers needs more than 10 s.
DRAIN_TIMEOUT_S = 60.0

class Bus(Protocol):
    def wake(self) -> None:
        """Tell the relay that new outbox rows were committed (it also polls)."""
    async def start(self, *, relay: bool, consumers: Sequence[Consumer]) -> None:
        """Start the relay and/or these consumers as background tasks of this process."""
    async def stop(self) -> None: ...
    async def drain(self, timeout_s: float = DRAIN_TIMEOUT_S) -> None:
        """Wait until every committed event has been published and handled here (tests, demo)."""
    async def ping(self) -> None: ...


def open_bus(url: str, *, platform: Platform) -> Bus:
    """`memory://` (outbox delivered in-process) or `nats://host:port` (JetStream)."""
    if url.startswith("memory://"):
        from casebook.platform.bus.memory import MemoryBus

        return MemoryBus(platform)
    if url.startswith(("nats://", "tls://")):
        from casebook.platform.bus.nats import NatsBus

        return NatsBus(url, platform)
    raise ValueError(f"unsupported bus URL: {url}")
