"""The Cash Card page: issue the card, freeze toggle, Boost picker, a test terminal, recent purchases.

htmx swaps the card panel (refusals go out of band into the form's message), plain forms redirect.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.card import boosts, purchases, service
from casebook.apps.cashapp.service import profiles
from casebook.platform.errors import CasebookError
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.identity.principal import AuthenticatedAccount

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
PAGE = "/cashapp/card"
DECLINE_MESSAGES = {"card_frozen": "Declined: your card is frozen.",
                    "insufficient_funds": "Declined: not enough money in your balance."}


class CashCardPages(Controller):
    path = "/card"

    @get("/")
    async def card(self, platform: PlatformDependency, maybe_account: AuthenticatedAccount | None) -> Template:
        if maybe_account is None:
            return Template("cashapp/card.html", context={"account": None})
        return Template("cashapp/card.html", context=await _card_context(platform, maybe_account))

    @post("/issue")
    async def issue(self, request: Request, platform: PlatformDependency,
                    account: AuthenticatedAccount) -> Template | Redirect:
        return await _act(request, platform, account, lambda: service.issue_card(platform, account))

    @post("/freeze")
    async def freeze(self, request: Request, platform: PlatformDependency,
                     account: AuthenticatedAccount) -> Template | Redirect:
        return await _act(request, platform, account,
                          lambda: service.set_frozen(platform, account, is_frozen=True))

    @post("/unfreeze")
    async def unfreeze(self, request: Request, platform: PlatformDependency,
                       account: AuthenticatedAccount) -> Template | Redirect:
        return await _act(request, platform, account,
                          lambda: service.set_frozen(platform, account, is_frozen=False))

    @post("/boost")
    async def choose_boost(self, request: Request, platform: PlatformDependency, account: AuthenticatedAccount,
                           data: Form) -> Template | Redirect:
        boost_id = data.get("boost_id", "")

        async def choose() -> Any:
            if not boost_id:
                return await service.deactivate_boost(platform, account)
            return await service.activate_boost(platform, account, boost_id=boost_id)
        return await _act(request, platform, account, choose)

    @post("/purchase")
    async def purchase(self, request: Request, platform: PlatformDependency, account: AuthenticatedAccount,
                       data: Form) -> Template | Redirect:
        async def buy() -> str | None:
            bought = await purchases.simulate_purchase(
                platform, account, form_key=data.get("key"), merchant_name=data.get("merchant_name", ""),
                merchant_category=data.get("merchant_category", ""), amount=data.get("amount", ""))
            reason = bought.authorization.decline_reason
            return DECLINE_MESSAGES.get(reason or "", f"Declined: {reason}.") if reason else None
        return await _act(request, platform, account, buy)


async def _act(request: Request, platform: PlatformDependency, account: AuthenticatedAccount,
               action: Callable[[], Awaitable[Any]]) -> Template | Redirect:
    """Run one form's use case. An action may answer a message (a declined purchase), shown with the panel."""
    is_htmx = request.headers.get("hx-request") == "true"
    try:
        result = await action()
    except CasebookError as refusal:
        if is_htmx:  # htmx swaps only 2xx answers: keep the panel, put the message out of band into the form
            return Template("cashapp/_form_error.html", context={"message": refusal.detail},
                            headers={"HX-Reswap": "none"})
        context = await _card_context(platform, account) | {"error": refusal.detail}
        return Template("cashapp/card.html", context=context, status_code=refusal.status)
    message = result if isinstance(result, str) else None
    if is_htmx:
        return Template("cashapp/_card.html", context=await _card_context(platform, account) | {"error": message})
    if message:
        return Template("cashapp/card.html", context=await _card_context(platform, account) | {"error": message})
    return Redirect(PAGE, status_code=303)  # See Other: the browser GETs the page


async def _card_context(platform: PlatformDependency, account: AuthenticatedAccount) -> dict[str, Any]:
    overview = await profiles.overview(platform, account)
    return {"account": account, "balances": overview.balances, "card": await service.card_overview(platform, account),
            "boosts": boosts.CATALOGUE, "active_boost_id": await service.read_active_boost(platform, account),
            "merchant_categories": boosts.MERCHANT_CATEGORIES, "format_amount": rules.format_amount,
            "form_key": uuid.uuid4().hex, "error": None}
