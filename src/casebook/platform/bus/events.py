"""Events and consumer declarations shared by the outbox, the relay and every transport."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING, Any, Awaitable, Callable

import msgspec

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform
    from casebook.platform.uow import UnitOfWork

SUBJECT_PREFIX = "casebook."


class Event(msgspec.Struct, frozen=True, kw_only=True):
    """A fact that happened, past tense: subject `casebook.<owner>.<event_snake>`."""

    id: int
    subject: str
    payload: dict[str, Any]
    occurred_at: datetime

    def encode(self) -> bytes:
        return msgspec.json.encode(self)

    @classmethod
    def decode(cls, data: bytes) -> Event:
        return msgspec.json.decode(data, type=cls)


Handler = Callable[["UnitOfWork", Event], Awaitable[None]]
# Slow work that needs no transaction (rendering, calling out): it runs BEFORE the handler's unit of work opens,
# so SQLite's single writer is not held meanwhile; the handler then gets its result as a third argument.
Prepare = Callable[["Platform", Event], Awaitable[Any]]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Consumer:
    """A durable consumer: `handler` runs once per event id (at-least-once, de-duplicated).

    The handler gets a write unit of work; the consumer's processed-marker commits in the
    same transaction, so its effects and the de-duplication record are atomic.
    """

    name: str  # durable name, e.g. "instagram.fanout"
    subjects: tuple[str, ...]  # exact subjects or NATS-style wildcards ("casebook.instagram.*")
    handler: Handler  # with `prepare`: handler(uow, event, prepared)
    prepare: Prepare | None = None  # runs outside the transaction, again on every retry: keep it idempotent
    attempts_max: int = 8
    backoff_base_s: float = 0.5
    backoff_max_s: float = 60.0

    def matches(self, subject: str) -> bool:
        return any(subject_matches(pattern, subject) for pattern in self.subjects)

    def backoff_s(self, attempt: int) -> float:
        return min(self.backoff_max_s, self.backoff_base_s * (2 ** max(attempt - 1, 0)))


def subject_matches(pattern: str, subject: str) -> bool:
    """NATS semantics: `*` matches one token, `>` matches one or more trailing tokens."""
    pattern_tokens = pattern.split(".")
    subject_tokens = subject.split(".")
    for index, token in enumerate(pattern_tokens):
        if token == ">":
            return len(subject_tokens) > index
        if index >= len(subject_tokens):
            return False
        if token != "*" and token != subject_tokens[index]:
            return False
    return len(pattern_tokens) == len(subject_tokens)
