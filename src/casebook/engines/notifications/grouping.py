"""Writing notifications: notify (grouping actors into the recipient's unread group) and withdraw."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from casebook.engines.notifications import delivery, errors, inbox, limits, model
from casebook.engines.notifications.models import group_actors_table as group_actors
from casebook.engines.notifications.models import notifications_table as notifications
from casebook.platform.uow import UnitOfWork


async def notify(uow: UnitOfWork, *, network: str, recipient_id: int, kind: str, actor_id: int,
                 group_key: str | None = None, subject_id: int | None = None,
                 data: dict[str, Any] | None = None) -> model.Notification | None:
    """Tell `recipient_id` that `actor_id` did `kind`; None when they are the same account.

    With a `group_key`, the recipient's unread notification of that key absorbs the actor (to the front,
    counted once however often it acts, `updated_at` now, `data` replaced when given); a read one is left
    alone and a new group starts. Safe when notifies of one group race: at most one unread row per key
    (a unique index), and the row is locked while it absorbs. The recipient's streams hear of it after
    commit."""
    model.check_notification(network=network, recipient_id=recipient_id, kind=kind, actor_id=actor_id,
                             group_key=group_key, data=data)
    if actor_id == recipient_id:
        return None
    now = uow.now()
    values = {"network": network, "recipient_id": recipient_id, "kind": kind, "group_key": group_key,
              "open_group_key": group_key, "subject_id": subject_id, "actor_ids": [actor_id],
              "actor_count": 1, "data": data, "is_read": False, "created_at": now, "updated_at": now}
    if group_key is None:
        values["id"] = uow.new_id()
        await uow.session.execute(insert(notifications).values(**values))
        notification = _inserted(values)
    else:
        notification = await _join_group(uow, values, actor_id=actor_id)
    await _push(uow, notification)
    return notification


async def _join_group(uow: UnitOfWork, values: dict[str, Any], *, actor_id: int) -> model.Notification:
    """Absorb the actor into the open group, or open it. The insert skips on the unique index when a
    concurrent transaction opened the group first (PostgreSQL waits for that one to commit), and the
    loop then finds and locks its row; a group closed in between (read, withdrawn) is opened again."""
    for _ in range(limits.GROUP_CLAIM_ATTEMPTS_MAX):
        row = await _open_group(uow, network=values["network"], recipient_id=values["recipient_id"],
                                group_key=values["group_key"])
        if row is not None:
            return await _absorb(uow, row, actor_id=actor_id, data=values["data"], now=values["updated_at"])
        values["id"] = uow.new_id()
        dialect_insert = postgresql.insert if uow.platform.db.dialect == "postgresql" else sqlite.insert
        opened = await uow.session.scalar(
            dialect_insert(notifications).values(**values)
            .on_conflict_do_nothing(index_elements=["network", "recipient_id", "open_group_key"])
            .returning(notifications.c.id))
        if opened is not None:
            await uow.session.execute(insert(group_actors).values(
                notification_id=opened, actor_id=actor_id, position_id=uow.new_id()))
            return _inserted(values)
    raise errors.GroupContended("The notification group kept changing; try again.")


async def _absorb(uow: UnitOfWork, row: Any, *, actor_id: int, data: dict[str, Any] | None,
                  now: datetime) -> model.Notification:
    is_member = await uow.session.scalar(
        update(group_actors)
        .where(group_actors.c.notification_id == row.id, group_actors.c.actor_id == actor_id)
        .values(position_id=uow.new_id()).returning(group_actors.c.actor_id)) is not None
    if not is_member:
        await uow.session.execute(insert(group_actors).values(
            notification_id=row.id, actor_id=actor_id, position_id=uow.new_id()))
    changes = {"actor_ids": model.with_actor_first(list(row.actor_ids), actor_id),
               "actor_count": row.actor_count + (0 if is_member else 1),
               "data": row.data if data is None else data, "updated_at": now}
    await uow.session.execute(update(notifications).where(notifications.c.id == row.id).values(**changes))
    return msgspec.structs.replace(model.from_row(row), **changes)


async def withdraw(uow: UnitOfWork, *, network: str, recipient_id: int, group_key: str,
                   actor_id: int) -> model.Notification | None:
    """The actor undid what it did (an unlike): take it out of the recipient's unread group of that key,
    deleting the notification when nobody is left. Read groups stay as they are. Returns the group as it
    now stands, or None when none is left or there was none; withdrawing twice changes nothing."""
    model.check_notification(network=network, recipient_id=recipient_id, kind="withdrawn", actor_id=actor_id,
                             group_key=group_key, data=None)
    row = await _open_group(uow, network=network, recipient_id=recipient_id, group_key=group_key)
    if row is None:
        return None
    was_member = await uow.session.scalar(
        delete(group_actors)
        .where(group_actors.c.notification_id == row.id, group_actors.c.actor_id == actor_id)
        .returning(group_actors.c.actor_id)) is not None
    if not was_member:
        return model.from_row(row)
    actor_count = row.actor_count - 1
    assert actor_count >= 0, f"notification {row.id} counted fewer actors than it holds"
    if actor_count == 0:
        await uow.session.execute(delete(notifications).where(notifications.c.id == row.id))
        count = await inbox.unread_count(uow, network=network, recipient_id=recipient_id)
        delivery.push_after_commit(uow, recipient_id, delivery.removed_message(
            network=network, notification_id=row.id, unread_count=count))
        return None
    actor_ids = [kept for kept in row.actor_ids if kept != actor_id]
    if len(actor_ids) < min(limits.GROUP_ACTORS_KEPT, actor_count):  # the next most recent moves up
        actor_ids = list((await uow.session.scalars(
            select(group_actors.c.actor_id).where(group_actors.c.notification_id == row.id)
            .order_by(group_actors.c.position_id.desc()).limit(limits.GROUP_ACTORS_KEPT))).all())
    changes = {"actor_ids": actor_ids, "actor_count": actor_count}
    await uow.session.execute(update(notifications).where(notifications.c.id == row.id).values(**changes))
    notification = msgspec.structs.replace(model.from_row(row), **changes)
    await _push(uow, notification)
    return notification


async def _open_group(uow: UnitOfWork, *, network: str, recipient_id: int, group_key: str) -> Any:
    statement = select(notifications).where(notifications.c.network == network,
                                            notifications.c.recipient_id == recipient_id,
                                            notifications.c.open_group_key == group_key)
    # FOR UPDATE: concurrent absorbs of one group queue on its row; SQLite renders nothing (one writer).
    return (await uow.session.execute(statement.with_for_update())).first()


def _inserted(values: dict[str, Any]) -> model.Notification:
    return model.Notification(**{name: value for name, value in values.items() if name != "open_group_key"})


async def _push(uow: UnitOfWork, notification: model.Notification) -> None:
    """Announce the notification as it now stands, with the badge count this transaction sees."""
    count = await inbox.unread_count(uow, network=notification.network,
                                     recipient_id=notification.recipient_id)
    delivery.push_after_commit(uow, notification.recipient_id,
                               delivery.notification_message(notification, unread_count=count))
