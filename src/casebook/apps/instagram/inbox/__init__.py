"""Notifications and direct messages."""
