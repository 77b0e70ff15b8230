"""Who is calling: the authenticated account handed to route handlers as `account`."""

from __future__ import annotations

from typing import Literal

import msgspec


class AuthenticatedAccount(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    username: str
    via: Literal["bearer", "session"]
