"""Shapes every part of the Instagram API shares: the schema base and an account as shown in lists."""

from __future__ import annotations

import msgspec

from casebook.apps.instagram.models import ProfileRow
from casebook.platform.errors import Invalid


class Schema(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class AccountSummary(Schema):
    """An account where it appears beside something else: a post's author, a liker, a commenter."""

    id: str
    username: str
    full_name: str
    is_private: bool
    avatar_url: str | None = None

    @classmethod
    def from_profile(cls, profile: ProfileRow, *, avatar_url: str | None = None) -> AccountSummary:
        return cls(id=str(profile.account_id), username=profile.username, full_name=profile.full_name,
                   is_private=profile.is_private, avatar_url=avatar_url)


class AccountPage(Schema):
    items: list[AccountSummary]
    next_cursor: str | None = None


def parse_id(value: str, *, field: str) -> int:
    """An id sent in a JSON body as a decimal string."""
    if not (value.isascii() and value.isdigit()) or len(value) > 19 or int(value) < 1 or int(value) >= 2**63:
        raise Invalid("An id is a positive decimal string.", field=field, code="id_invalid")
    return int(value)
