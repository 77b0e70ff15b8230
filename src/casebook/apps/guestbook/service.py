"""Use cases of the guestbook: sign it, read it, search it."""

from __future__ import annotations

import os

from sqlalchemy import select

from casebook.apps.guestbook.models import EntryRow, ReceiptRow
from casebook.platform import realtime
from casebook.platform.errors import NotFound
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.uow import UnitOfWork

ENTRY_SIGNED = "casebook.guestbook.entry_signed"
SEARCH_KIND = "guestbook.entry"


async def sign(uow: UnitOfWork, *, author: AuthenticatedAccount, body: str) -> EntryRow:
    entry = EntryRow(id=uow.new_id(), author_id=author.id, author_username=author.username, body=body.strip(),
                     created_at=uow.now())
    uow.session.add(entry)
    uow.publish(ENTRY_SIGNED, {"entry_id": str(entry.id)})
    return entry


async def get_entry(uow: UnitOfWork, entry_id: int) -> EntryRow:
    entry = await uow.session.get(EntryRow, entry_id)
    if entry is None:
        raise NotFound("No such guestbook entry.")
    return entry


async def list_entries(uow: UnitOfWork, *, before_id: int | None, limit: int) -> list[EntryRow]:
    query = select(EntryRow).order_by(EntryRow.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(EntryRow.id < before_id)
    return list((await uow.session.scalars(query)).all())


async def search_entries(uow: UnitOfWork, *, text: str, limit: int) -> list[EntryRow]:
    hits = await uow.platform.search.query(uow.session, kind=SEARCH_KIND, text=text, limit=limit)
    if not hits:
        return []
    rows = (await uow.session.scalars(select(EntryRow).where(EntryRow.id.in_([int(h.doc_id) for h in hits])))).all()
    by_id = {row.id: row for row in rows}
    return [by_id[int(hit.doc_id)] for hit in hits if int(hit.doc_id) in by_id]


async def on_entry_signed(uow: UnitOfWork, event) -> None:
    """Consumer: index the entry for search, leave a receipt naming the process that did it, and tell
    the author live (SSE / WebSocket) once it is searchable."""
    entry = await uow.session.get(EntryRow, int(event.payload["entry_id"]))
    if entry is None:
        return
    await uow.platform.search.index(uow.session, kind=SEARCH_KIND, doc_id=str(entry.id), title=entry.body,
                                    attributes={"author_id": str(entry.author_id)})
    uow.session.add(ReceiptRow(entry_id=entry.id, handled_by_pid=os.getpid(), handled_at=uow.now()))
    message = {"type": "guestbook.entry_indexed", "entry_id": str(entry.id)}
    uow.after_commit(lambda: realtime.push(uow.platform.realtime, entry.author_id, message))
