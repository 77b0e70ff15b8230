"""The notifications engine's refusals: each a platform error with a stable code."""

from __future__ import annotations

from casebook.platform.errors import Conflict, Invalid

__all__ = ["GroupContended", "InvalidNotification"]


class InvalidNotification(Invalid):
    code = "invalid_notification"
    title = "Invalid notification"


class GroupContended(Conflict):
    """The unread group kept appearing and disappearing under concurrent writers; a retry succeeds."""

    code = "notification_group_contended"
    title = "Notification group busy"
