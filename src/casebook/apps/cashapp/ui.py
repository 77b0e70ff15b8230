"""CashApp's pages: balance, pay and add-cash forms, activity; settings with identity verification and bank
links. htmx swaps the page's panel, plain forms redirect."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.service import activity, bank, payments, profiles, verification
from casebook.platform.errors import CasebookError
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.identity.principal import AuthenticatedAccount

ACTIVITY_ITEMS = 20
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
ContextBuilder = Callable[[PlatformDependency, AuthenticatedAccount], Awaitable[dict[str, Any]]]


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
        return await _act(request, platform, account, send, page=WALLET)

    @post("/add-cash")
    async def add_cash(self, request: Request, platform: PlatformDependency, account: AuthenticatedAccount,
                       data: Form) -> Template | Redirect:
        async def deposit() -> Any:
            return await bank.add_cash(platform, account=account, amount=data.get("amount", ""),
                                       client_key=data.get("key"), link_id=data.get("link_id") or None)
        return await _act(request, platform, account, deposit, page=WALLET)

    @get("/settings")
    async def settings(self, platform: PlatformDependency,
                       maybe_account: AuthenticatedAccount | None) -> Template:
        if maybe_account is None:
            return Template("cashapp/settings.html", context={"account": None})
        return Template("cashapp/settings.html", context=await _settings_context(platform, maybe_account))

    @post("/settings/verify")
    async def verify(self, request: Request, platform: PlatformDependency, account: AuthenticatedAccount,
                     data: Form) -> Template | Redirect:
        async def check() -> Any:
            return await verification.verify_identity(
                platform, account, legal_name=data.get("legal_name", ""),
                date_of_birth=data.get("date_of_birth", ""), ssn_last4=data.get("ssn_last4", ""))
        return await _act(request, platform, account, check, page=SETTINGS, error_slot="verify-error")

    @post("/settings/bank-links")
    async def link_bank(self, request: Request, platform: PlatformDependency, account: AuthenticatedAccount,
                        data: Form) -> Template | Redirect:
        async def link() -> Any:
            return await bank.link_bank(platform, account, name=data.get("name", ""),
                                        account_last4=data.get("account_last4") or None)
        return await _act(request, platform, account, link, page=SETTINGS, error_slot="link-error")


@dataclasses.dataclass(frozen=True)
class _Page:
    """A page with an htmx-swappable panel: where it is, its full template, the panel's and its context."""

    path: str
    template: str
    panel: str
    context: ContextBuilder


async def _act(request: Request, platform: PlatformDependency, account: AuthenticatedAccount,
               action: Callable[[], Awaitable[Any]], *, page: _Page,
               error_slot: str = "form-error") -> Template | Redirect:
    """Run one form's use case; htmx gets the refreshed panel (or the refusal out of band), a plain form a page."""
    is_htmx = request.headers.get("hx-request") == "true"
    try:
        await action()
    except CasebookError as refusal:
        if is_htmx:  # htmx swaps only 2xx answers: keep the panel, put the message out of band into the form
            return Template("cashapp/_form_error.html", context={"message": refusal.detail, "slot": error_slot},
                            headers={"HX-Reswap": "none"})
        context = await page.context(platform, account) | {"error": refusal.detail, "error_slot": error_slot}
        return Template(page.template, context=context, status_code=refusal.status)
    if is_htmx:
        return Template(page.panel, context=await page.context(platform, account))
    return Redirect(page.path, status_code=303)  # See Other: the browser GETs the page


async def _wallet_context(platform: PlatformDependency, account: AuthenticatedAccount) -> dict[str, Any]:
    overview = await profiles.overview(platform, account)
    items, _next = await activity.feed(platform, account=account, before_id=None, limit=ACTIVITY_ITEMS)
    return {"account": account, "overview": overview, "activity": items, "format_amount": rules.format_amount,
            "form_key": uuid.uuid4().hex, "note_chars_max": rules.NOTE_CHARS_MAX, "error": None,
            "error_slot": "form-error"}


async def _settings_context(platform: PlatformDependency, account: AuthenticatedAccount) -> dict[str, Any]:
    state = await verification.get_verification(platform, account)
    profile, links = await bank.list_links(platform, account)
    return {"account": account, "verification": state, "links": links, "default_link_id": profile.bank_link_id,
            "format_amount": rules.format_amount, "legal_name_chars_max": rules.LEGAL_NAME_CHARS_MAX,
            "bank_link_name_chars_max": rules.BANK_LINK_NAME_CHARS_MAX, "error": None, "error_slot": None}


WALLET = _Page("/cashapp/", "cashapp/index.html", "cashapp/_wallet.html", _wallet_context)
SETTINGS = _Page("/cashapp/settings", "cashapp/settings.html", "cashapp/settings_panel.html", _settings_context)
