"""Taking notifications back when what they are about is gone: a deleted subject (a post), or an actor the
recipient can no longer hear from (a block). Without this the badge would count lines that the app hides
when it lists them. Every recipient affected gets a live update with their new unread count."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select

from casebook.engines.notifications import delivery, inbox, limits
from casebook.engines.notifications.grouping import withdraw
from casebook.engines.notifications.model import check_network
from casebook.engines.notifications.models import group_actors_table as group_actors
from casebook.engines.notifications.models import notifications_table as notifications
from casebook.platform.uow import UnitOfWork


async def remove_about(uow: UnitOfWork, *, network: str, subject_id: int, kinds: Sequence[str]) -> int:
    """Delete every notification of these kinds about `subject_id` (read or not, every recipient), up to
    REMOVED_PER_CALL_MAX; how many went."""
    check_network(network)
    found = (await uow.session.execute(
        select(notifications.c.id, notifications.c.recipient_id)
        .where(notifications.c.network == network, notifications.c.subject_id == subject_id,
               notifications.c.kind.in_(list(kinds)))
        .order_by(notifications.c.id).limit(limits.REMOVED_PER_CALL_MAX))).all()
    if not found:
        return 0
    ids = [row.id for row in found]
    await uow.session.execute(delete(group_actors).where(group_actors.c.notification_id.in_(ids)))
    await uow.session.execute(delete(notifications).where(notifications.c.id.in_(ids)))
    for row in found:
        count = await inbox.unread_count(uow, network=network, recipient_id=row.recipient_id)
        delivery.push_after_commit(uow, row.recipient_id, delivery.removed_message(
            network=network, notification_id=row.id, unread_count=count))
    return len(found)


async def withdraw_actor(uow: UnitOfWork, *, network: str, recipient_id: int, actor_id: int) -> int:
    """Take `actor_id` out of every unread group of the recipient, as if it had undone each thing (a group
    left with nobody is deleted); read ones stay as they were. How many groups changed."""
    check_network(network)
    keys = (await uow.session.scalars(
        select(notifications.c.open_group_key)
        .join(group_actors, group_actors.c.notification_id == notifications.c.id)
        .where(notifications.c.network == network, notifications.c.recipient_id == recipient_id,
               notifications.c.is_read.is_(False), notifications.c.open_group_key.is_not(None),
               group_actors.c.actor_id == actor_id)
        .order_by(notifications.c.id).limit(limits.REMOVED_PER_CALL_MAX))).all()
    for key in keys:
        await withdraw(uow, network=network, recipient_id=recipient_id, group_key=key, actor_id=actor_id)
    return len(keys)
