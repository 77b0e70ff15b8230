"""Notifications for any product: grouped while unread ("alice and 12 others liked your post"), withdrawn
on undo or when their subject or actor is gone, listed newest-active first, counted for the badge, marked
read, and pushed live after commit.

Apps write `from casebook.engines import notifications`, call `notifications.notify(uow, network="instagram",
...)` from their event consumers, render the text themselves (they know the usernames), and add
`*notifications.jobs` to their AppModule.jobs for the retention purge.
"""

from casebook.engines.notifications.errors import GroupContended, InvalidNotification
from casebook.engines.notifications.grouping import notify, withdraw
from casebook.engines.notifications.inbox import (
    list_notifications,
    mark_read,
    purge_notifications,
    unread_count,
)
from casebook.engines.notifications.jobs import jobs
from casebook.engines.notifications.model import Notification, NotificationPage, as_json
from casebook.engines.notifications.removal import remove_about, withdraw_actor

__all__ = [
    "GroupContended", "InvalidNotification", "Notification", "NotificationPage",
    "as_json", "jobs", "list_notifications", "mark_read", "notify", "purge_notifications", "remove_about",
    "unread_count", "withdraw", "withdraw_actor",
]
