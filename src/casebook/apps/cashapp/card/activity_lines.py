"""How Cash Card movements read in the activity feed: the purchase (its hold, with the purchase's outcome as
status), the Boost's credit, and a refund's lines. The payments engine tags their ledger lines `payments=card`."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import select

from casebook.apps.cashapp.card import boosts
from casebook.apps.cashapp.card.models import BoostRedemptionRow
from casebook.engines import ledger, payments
from casebook.platform.uow import UnitOfWork

# A purchase's line by its authorization's status (reversed: failed if never captured, else refunded).
PURCHASE_STATUS = {"authorized": "pending", "captured": "completed", "declined": "failed", "expired": "failed"}


@dataclasses.dataclass(frozen=True)
class CardLine:
    type: str  # card_purchase | boost_discount | card_refund | boost_discount_reversed
    status: str
    amount_minor: int  # signed: negative when money left the wallet
    counterparty: str  # the merchant
    note: str


def is_card(metadata: dict[str, Any]) -> bool:
    return metadata.get("payments") == "card" and "authorization_id" in metadata


async def describe(uow: UnitOfWork, postings: list[ledger.Posting]) -> dict[int, CardLine]:
    """Lines for the card postings among `postings`, by posting id; one read per purchase on the page."""
    card_postings = [p for p in postings if is_card(p.metadata)]
    if not card_postings:
        return {}
    authorization_ids = {int(p.metadata["authorization_id"]) for p in card_postings}
    found = {i: await payments.get_authorization(uow, i) for i in authorization_ids}
    redeemed = dict((await uow.session.execute(
        select(BoostRedemptionRow.authorization_id, BoostRedemptionRow.boost_id)
        .where(BoostRedemptionRow.authorization_id.in_(authorization_ids)))).all())
    lines = {}
    for posting in card_postings:
        purchase = found[int(posting.metadata["authorization_id"])]
        signed = posting.amount_minor if posting.side == "credit" else -posting.amount_minor
        boost = boosts.find_boost(redeemed.get(purchase.id))
        is_discount = bool(posting.metadata.get("discount"))
        if posting.kind == "reverse":
            kind, status = ("boost_discount_reversed" if is_discount else "card_refund"), "completed"
        elif is_discount:
            kind, status = "boost_discount", "completed"
        else:  # the hold: it stands for the whole purchase
            kind = "card_purchase"
            status = PURCHASE_STATUS.get(purchase.status, "refunded" if purchase.captured_minor else "failed")
            if purchase.status in ("captured", "reversed") and purchase.captured_minor:
                signed = -purchase.captured_minor  # a partial capture released the rest
        lines[posting.id] = CardLine(type=kind, status=status, amount_minor=signed,
                                     counterparty=purchase.merchant_name,
                                     note=boost.title if boost and is_discount else "")
    return lines
