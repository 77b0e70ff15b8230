"""Small builders for the notifications tests: notify in its own unit of work, read the tables back."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event, func, select

from casebook.engines import notifications
from casebook.engines.notifications.models import GroupActorRow, NotificationRow

NETWORK = "instagram"
RECIPIENT = 1_001
ALICE, BOB, CAROL, DAVE = 2_001, 2_002, 2_003, 2_004


async def notify(platform, actor_id: int, **fields: Any) -> notifications.Notification | None:
    values = {"network": NETWORK, "recipient_id": RECIPIENT, "kind": "like", "group_key": "like:post:7",
              "subject_id": 7, **fields}
    async with platform.uow() as uow:
        return await notifications.notify(uow, actor_id=actor_id, **values)


async def withdraw(platform, actor_id: int, *, group_key: str = "like:post:7",
                   recipient_id: int = RECIPIENT) -> notifications.Notification | None:
    async with platform.uow() as uow:
        return await notifications.withdraw(uow, network=NETWORK, recipient_id=recipient_id,
                                            group_key=group_key, actor_id=actor_id)


async def page(platform, *, cursor: str | None = None, limit: int = 20,
               recipient_id: int = RECIPIENT) -> notifications.NotificationPage:
    async with platform.reader() as uow:
        return await notifications.list_notifications(uow, network=NETWORK, recipient_id=recipient_id,
                                                      cursor=cursor, limit=limit)


async def unread(platform, *, recipient_id: int = RECIPIENT, network: str = NETWORK) -> int:
    async with platform.reader() as uow:
        return await notifications.unread_count(uow, network=network, recipient_id=recipient_id)


async def mark_read(platform, ids: list[int] | None, *, recipient_id: int = RECIPIENT) -> int:
    async with platform.uow() as uow:
        return await notifications.mark_read(uow, network=NETWORK, recipient_id=recipient_id, ids=ids)


async def row_counts(platform) -> tuple[int, int]:
    """(notifications, group actor rows) in the whole database."""
    async with platform.reader() as uow:
        rows = await uow.session.scalar(select(func.count()).select_from(NotificationRow))
        actors = await uow.session.scalar(select(func.count()).select_from(GroupActorRow))
    return rows, actors


async def stored(platform) -> list[notifications.Notification]:
    """Every notification of RECIPIENT, newest active first."""
    return (await page(platform, limit=100)).items


@contextlib.contextmanager
def statements(platform) -> Iterator[list[str]]:
    """The SQL statements run meanwhile on any connection, without the transaction control ones."""
    seen: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:
        if statement.split(None, 1)[0].upper() not in {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}:
            seen.append(statement)

    engines = [engine.sync_engine for engine in platform.db.pooled_engines]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
