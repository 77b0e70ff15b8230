"""The guestbook's pages: read the book, sign it with htmx (the form also works without JavaScript)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from casebook.apps.guestbook import service
from casebook.apps.guestbook.schemas import BODY_CHARS_MAX
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.uow import UnitOfWork

PAGE_ENTRIES = 30


class GuestbookPages(Controller):
    path = "/"

    @get("/")
    async def book(self, reader: UnitOfWork, maybe_account: AuthenticatedAccount | None) -> Template:
        entries = await service.list_entries(reader, before_id=None, limit=PAGE_ENTRIES)
        return Template("guestbook/index.html", context={"account": maybe_account, "entries": entries,
                                                         "body_chars_max": BODY_CHARS_MAX, "error": None})

    @post("/entries")
    async def sign(self, request: Request, uow: UnitOfWork, account: AuthenticatedAccount,
                   data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Template | Redirect:
        is_htmx = request.headers.get("hx-request") == "true"
        body = (data.get("body") or "").strip()
        if not body or len(body) > BODY_CHARS_MAX:
            message = f"Write 1 to {BODY_CHARS_MAX} characters."
            if is_htmx:  # htmx swaps only 2xx answers: the message goes out-of-band into the form
                return Template("guestbook/_form_error.html", context={"message": message})
            entries = await service.list_entries(uow, before_id=None, limit=PAGE_ENTRIES)
            return Template("guestbook/index.html", status_code=422, context={
                "account": account, "entries": entries, "body_chars_max": BODY_CHARS_MAX, "error": message})
        entry = await service.sign(uow, author=account, body=body)
        if is_htmx:
            return Template("guestbook/_entry.html", context={"entry": entry}, status_code=201)
        return Redirect("/guestbook/", status_code=303)  # See Other: the browser GETs the page
