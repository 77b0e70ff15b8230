"""Notifications: grouped where they pile up, unread counts, read marks, live delivery."""
