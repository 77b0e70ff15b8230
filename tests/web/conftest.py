"""Fixtures: the whole ASGI app over the migrated platform, shared with the identity tests."""

from tests.platform.identity.conftest import app, client  # noqa: F401  (pytest finds fixtures by name)
