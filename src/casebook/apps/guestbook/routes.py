"""HTTP API of the guestbook."""

from __future__ import annotations

from litestar import Controller, get, post

from casebook.apps.guestbook import service
from casebook.apps.guestbook.schemas import EntryCreate, EntryPage, EntryRead, Position
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.http.pagination import Cursors, clamp_limit
from casebook.platform.http.params import SnowflakeId
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.uow import UnitOfWork


class EntryController(Controller):
    path = "/entries"

    @post("/", status_code=201)
    async def sign(self, data: EntryCreate, uow: UnitOfWork, account: AuthenticatedAccount) -> EntryRead:
        return EntryRead.from_row(await service.sign(uow, author=account, body=data.body))

    @get("/")
    async def list_entries(self, reader: UnitOfWork, platform: PlatformDependency, cursor: str | None = None,
                           limit: int | None = None, q: str | None = None) -> EntryPage:
        size = clamp_limit(limit)
        if q:
            rows = await service.search_entries(reader, text=q, limit=size)
            return EntryPage(items=[EntryRead.from_row(row) for row in rows])
        cursors = Cursors(platform.settings.secret_key)
        position = cursors.decode(cursor, type=Position)
        rows = await service.list_entries(reader, before_id=position.before_id if position else None, limit=size)
        next_cursor = cursors.encode({"before_id": rows[-1].id}) if len(rows) == size else None
        return EntryPage(items=[EntryRead.from_row(row) for row in rows], next_cursor=next_cursor)

    @get("/{entry_id:int}")
    async def get_entry(self, entry_id: SnowflakeId, reader: UnitOfWork) -> EntryRead:
        return EntryRead.from_row(await service.get_entry(reader, entry_id))
