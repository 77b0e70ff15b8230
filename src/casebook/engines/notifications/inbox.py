"""Reading the inbox: the newest-first list, the unread badge, read marks and the retention purge."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, false, func, or_, select, update

from casebook.engines.notifications import delivery, errors, limits, model
from casebook.engines.notifications.models import group_actors_table as group_actors
from casebook.engines.notifications.models import notifications_table as notifications
from casebook.platform.http.pagination import Cursors
from casebook.platform.uow import UnitOfWork


async def list_notifications(uow: UnitOfWork, *, network: str, recipient_id: int, cursor: str | None = None,
                             limit: int = limits.PAGE_SIZE_DEFAULT) -> model.NotificationPage:
    """The recipient's notifications, most recently active first. The cursor is a (updated_at, id) keyset
    position, so a page never repeats one already shown in this scroll; a group that regroups meanwhile
    jumps above the cursor and shows on the next refresh instead."""
    model.check_network(network)
    if not 1 <= limit <= limits.PAGE_SIZE_MAX:
        raise errors.InvalidNotification(f"limit must be between 1 and {limits.PAGE_SIZE_MAX}", field="limit")
    cursors = Cursors(uow.platform.settings.secret_key)
    position = cursors.decode(cursor, type=model.Position)
    statement = select(notifications).where(notifications.c.network == network,
                                            notifications.c.recipient_id == recipient_id)
    if position is not None:
        statement = statement.where(or_(
            notifications.c.updated_at < position.updated_at,
            and_(notifications.c.updated_at == position.updated_at, notifications.c.id < position.id)))
    statement = (statement.order_by(notifications.c.updated_at.desc(), notifications.c.id.desc())
                 .limit(limit + 1))
    rows = (await uow.session.execute(statement)).all()
    items = [model.from_row(row) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = cursors.encode({"updated_at": last.updated_at, "id": last.id})
    return model.NotificationPage(items=items, next_cursor=next_cursor)


async def unread_count(uow: UnitOfWork, *, network: str, recipient_id: int) -> int:
    """Unread notifications, counted up to UNREAD_COUNTED_MAX (show that as "99+").

    A bounded COUNT over the (network, recipient, is_read) index rather than a stored counter: it is right
    by construction (no counter to drift under retries, withdrawals and purges), adds no hot row that every
    notify of a popular recipient would contend on, and never reads more than 100 index entries."""
    model.check_network(network)
    unread = (select(notifications.c.id)
              .where(notifications.c.network == network, notifications.c.recipient_id == recipient_id,
                     notifications.c.is_read == false())
              .limit(limits.UNREAD_COUNTED_MAX).subquery())
    return await uow.session.scalar(select(func.count()).select_from(unread)) or 0


async def mark_read(uow: UnitOfWork, *, network: str, recipient_id: int, ids: list[int] | None = None) -> int:
    """Mark the recipient's notifications read (all of them when `ids` is None); ids of others' notifications
    are ignored. A read group is closed: the next notify for its key starts a new one. Returns how many
    changed, and tells the recipient's other screens when any did."""
    model.check_network(network)
    if ids is not None and len(ids) > limits.MARK_READ_IDS_MAX:
        raise errors.InvalidNotification(f"mark at most {limits.MARK_READ_IDS_MAX} notifications at once",
                                          field="ids")
    if ids is not None and not ids:
        return 0
    statement = (update(notifications)
                 .where(notifications.c.network == network, notifications.c.recipient_id == recipient_id,
                        notifications.c.is_read == false())
                 .values(is_read=True, open_group_key=None)
                 .returning(notifications.c.id))
    if ids is not None:
        statement = statement.where(notifications.c.id.in_(ids))
    changed = sorted((await uow.session.scalars(statement)).all())
    if changed:
        remaining = await unread_count(uow, network=network, recipient_id=recipient_id)
        delivery.push_after_commit(uow, recipient_id, delivery.read_message(
            network=network, notification_ids=None if ids is None else changed, unread_count=remaining))
    return len(changed)


async def purge_notifications(uow: UnitOfWork, *, now: datetime, limit: int = limits.PURGE_BATCH_MAX) -> int:
    """Delete up to `limit` notifications with no activity for RETENTION_S; returns how many went."""
    cutoff = now - timedelta(seconds=limits.RETENTION_S)
    expired = (await uow.session.scalars(
        select(notifications.c.id).where(notifications.c.updated_at < cutoff)
        .order_by(notifications.c.updated_at).limit(limit))).all()
    if expired:
        await uow.session.execute(delete(group_actors).where(group_actors.c.notification_id.in_(expired)))
        await uow.session.execute(delete(notifications).where(notifications.c.id.in_(expired)))
    return len(expired)
