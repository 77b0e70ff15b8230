"""Annotations for values the app injects into handlers."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Dependency

from casebook.platform.bootstrap import Platform

# Handlers take the platform as `platform: PlatformDependency`: Litestar must not validate the
# holder's fields on every request (slow, and it would chase every forward reference).
PlatformDependency = Annotated[Platform, Dependency(skip_validation=True)]
