"""CashApp's pages: balance, pay and add-cash forms, activity; htmx swaps the wallet, plain forms redirect."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.service import activity, bank, payments, profiles
from casebook.platform.errors import CasebookError
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.identity.principal import AuthenticatedAccount

ACTIVITY_ITEMS = 20
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class CashAppPages(Controller):
    path = "/"

    @get("/")
    async def wallet(self, platform: PlatformDependency, maybe_account: AuthenticatedAccount | None) -> Template:
        if maybe_account is None:
            return Template("cashapp/index.html", context={"account": None})
        return Template("cashapp/index.html", context=await _wallet_context(platform, maybe_account))

    @post("/pay")
    async def pay(self, request: Request, platform: PlatformDependency, account: AuthenticatedAccount,
                  data: Form) -> Template | Redirect:
        async def send() -> Any:
            return await payments.send_payment(platform, sender=account, to=data.get("to", ""),
                                               amount=data.get("amount", ""), note=data.get("note", ""),
                                               client_key=data.get("key"))
        return await _act(request, platform, account, send)

    @post("/add-cash")
    async def add_cash(self, request: Request, platform: PlatformDependency, account: AuthenticatedAccount,
                       data: Form) -> Template | Redirect:
        async def deposit() -> Any:
            return await bank.add_cash(platform, account=account, amount=data.get("amount", ""),
                                       client_key=data.get("key"))
        return await _act(request, platform, account, deposit)


async def _act(request: Request, platform: PlatformDependency, account: AuthenticatedAccount,
               action: Callable[[], Awaitable[Any]]) -> Template | Redirect:
    """Run one form's use case; htmx gets the refreshed wallet (or the refusal out of band), a plain form a page."""
    is_htmx = request.headers.get("hx-request") == "true"
    try:
        await action()
    except CasebookError as refusal:
        if is_htmx:  # htmx swaps only 2xx answers: keep the wallet, put the message out of band into the form
            return Template("cashapp/_form_error.html", context={"message": refusal.detail},
                            headers={"HX-Reswap": "none"})
        context = await _wallet_context(platform, account) | {"error": refusal.detail}
        return Template("cashapp/index.html", context=context, status_code=refusal.status)
    if is_htmx:
        return Template("cashapp/_wallet.html", context=await _wallet_context(platform, account))
    return Redirect("/cashapp/", status_code=303)  # See Other: the browser GETs the page


async def _wallet_context(platform: PlatformDependency, account: AuthenticatedAccount) -> dict[str, Any]:
    overview = await profiles.overview(platform, account)
    items, _next = await activity.feed(platform, account=account, before_id=None, limit=ACTIVITY_ITEMS)
    return {"account": account, "overview": overview, "activity": items, "format_amount": rules.format_amount,
            "form_key": uuid.uuid4().hex, "note_chars_max": rules.NOTE_CHARS_MAX, "error": None}
