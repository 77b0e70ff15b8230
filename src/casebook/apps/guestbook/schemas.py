"""Request and response shapes of the guestbook."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from casebook.apps.guestbook.models import EntryRow

BODY_CHARS_MAX = 500


class Schema(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class EntryCreate(Schema):
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=BODY_CHARS_MAX)]


class EntryRead(Schema):
    id: str
    author: str
    body: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: EntryRow) -> EntryRead:
        return cls(id=str(row.id), author=row.author_username, body=row.body, created_at=row.created_at)


class EntryPage(Schema):
    items: list[EntryRead]
    next_cursor: str | None = None


class Position(msgspec.Struct):
    before_id: int
