"""State an engine or app keeps per Platform (process caches, writers), created on first use, gone with it.

Not a service locator: the platform is always passed in; this only remembers what belongs to which one
(tests run many platforms in one process, each with its own blob URLs, signing key and database).
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

State = TypeVar("State")


class PerPlatform(Generic[State]):
    def __init__(self, create: Callable[[Platform], State]) -> None:
        self._create = create
        self._states: weakref.WeakKeyDictionary[Platform, State] = weakref.WeakKeyDictionary()

    def of(self, platform: Platform) -> State:
        """The platform's state, created by `create(platform)` on first use and dropped when the platform
        closes (a state that holds its platform, as writers do, would otherwise keep both alive)."""
        state = self._states.get(platform)
        if state is None:
            state = self._states[platform] = self._create(platform)
            platform.on_close(functools.partial(self._forget, platform))
        return state

    async def _forget(self, platform: Platform) -> None:
        self._states.pop(platform, None)

    def get(self, platform: Platform) -> State | None:
        """The platform's state if it was ever used."""
        return self._states.get(platform)

    def pop(self, platform: Platform) -> State | None:
        return self._states.pop(platform, None)
