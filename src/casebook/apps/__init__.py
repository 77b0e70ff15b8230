"""The product apps, listed explicitly: one line per app, no auto-discovery."""

from __future__ import annotations

from casebook.apps import cashapp, guestbook, instagram
from casebook.platform.appmodule import AppModule

ALL_APPS: tuple[AppModule, ...] = (
    guestbook.module,
    cashapp.module,
    instagram.module,
)


def select_apps(slugs: tuple[str, ...] | list[str] = ()) -> tuple[AppModule, ...]:
    """The apps named by `slugs` (all when empty), in registry order; unknown slugs raise."""
    if not slugs:
        return ALL_APPS
    known = {app.slug: app for app in ALL_APPS}
    unknown = [slug for slug in slugs if slug not in known]
    if unknown:
        raise ValueError(f"unknown app(s): {', '.join(unknown)}; known: {', '.join(known) or 'none'}")
    return tuple(app for app in ALL_APPS if app.slug in set(slugs))
