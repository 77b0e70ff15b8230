"""The scheduler: periodic jobs and delayed one-off jobs, run by the single holder of a lease."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Awaitable, Callable

if TYPE_CHECKING:
    from casebook.platform.uow import UnitOfWork

JobHandler = Callable[["UnitOfWork", dict[str, Any]], Awaitable[None]]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Job:
    """A named job. With `every_s` it runs once per slot (floor(now / every_s)); without, it is
    run by `schedule(uow, name, run_at=…, payload=…)`. The handler gets a write unit of work in
    which the slot (or the delayed job) is marked done, so a job never runs twice for one slot."""

    name: str
    handler: JobHandler
    every_s: float | None = None
    attempts_max: int = 5


from casebook.platform.scheduler.runner import Scheduler, schedule

__all__ = ["Job", "JobHandler", "Scheduler", "schedule"]
