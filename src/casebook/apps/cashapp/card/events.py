"""Cash Card consumers: tell the card holder live about each card purchase and each decline."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.models import ProfileRow
from casebook.engines import payments
from casebook.platform import realtime
from casebook.platform.bus import Consumer
from casebook.platform.bus.events import Event
from casebook.platform.uow import UnitOfWork

CARD_PURCHASE = "cashapp.card_purchase"
CARD_DECLINED = "cashapp.card_declined"


async def on_card_message(uow: UnitOfWork, event: Event) -> None:
    """A capture (the purchase went through, Boost included) or a decline: push it to the wallet's owner."""
    payload = event.payload
    account_id = await uow.session.scalar(select(ProfileRow.account_id).where(
        ProfileRow.wallet_account_id == int(payload["wallet_account_id"])))
    if account_id is None:  # another app's card
        return
    message: dict[str, Any] = {
        "authorization_id": payload["authorization_id"], "card_id": payload["card_id"],
        "merchant": payload["merchant_name"], "merchant_category": payload["merchant_category"],
        "currency": payload["currency"]}
    if event.subject == payments.CARD_CAPTURED:
        message |= {"type": CARD_PURCHASE, "amount": rules.format_amount(payload["captured_minor"]),
                    "discount": rules.format_amount(payload["discount_minor"])}
    else:
        message |= {"type": CARD_DECLINED, "amount": rules.format_amount(payload["amount_minor"]),
                    "decline_reason": payload["decline_reason"]}
    platform = uow.platform
    uow.after_commit(lambda: realtime.push(platform.realtime, account_id, message))


consumers = [
    Consumer(name="cashapp.notify_card", subjects=(payments.CARD_CAPTURED, payments.CARD_DECLINED),
             handler=on_card_message),
]
