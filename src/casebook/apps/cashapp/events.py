"""CashApp's consumers: tell people live when money arrives, a request is made or a deposit settles."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.models import ProfileRow
from casebook.apps.cashapp.service import payments, profiles, requests
from casebook.engines import ledger
from casebook.engines import payments as payments_engine
from casebook.platform import realtime
from casebook.platform.bus import Consumer
from casebook.platform.bus.events import Event
from casebook.platform.uow import UnitOfWork

PAYMENT_RECEIVED = "cashapp.payment_received"
REQUEST_RECEIVED = "cashapp.request_received"
DEPOSIT_SETTLED = "cashapp.deposit_settled"
DEPOSIT_FAILED = "cashapp.deposit_failed"


async def on_money_moved(uow: UnitOfWork, event: Event) -> None:
    """A P2P payment or refund landed in a wallet: push it to the person who received it."""
    metadata = event.payload.get("metadata") or {}
    if metadata.get("kind") not in (payments.P2P, payments.P2P_REFUND):
        return
    sender_id, recipient_id = int(metadata["sender_id"]), int(metadata["recipient_id"])
    amount_minor = max(p["amount_minor"] for p in event.payload["postings"])  # two legs of one amount
    sender_cashtag = metadata.get("sender_cashtag")  # P2P payments carry it; refunds are looked up
    if sender_cashtag is None:
        sender_cashtag = (await profiles.cashtags_of(uow, (sender_id,))).get(sender_id)
    _push_after_commit(uow, recipient_id, {
        "type": PAYMENT_RECEIVED, "transaction_id": event.payload["transaction_id"], "kind": metadata["kind"],
        "from": sender_cashtag, "amount": rules.format_amount(amount_minor), "currency": rules.CURRENCY,
        "note": metadata.get("note", "")})


async def on_request_created(uow: UnitOfWork, event: Event) -> None:
    payload = event.payload
    requester_id = int(payload["requester_id"])
    cashtags = await profiles.cashtags_of(uow, (requester_id,))
    _push_after_commit(uow, int(payload["payer_id"]), {
        "type": REQUEST_RECEIVED, "request_id": payload["request_id"], "from": cashtags.get(requester_id),
        "amount": rules.format_amount(payload["amount_minor"]), "currency": payload["currency"],
        "note": payload["note"]})


async def on_deposit_resolved(uow: UnitOfWork, event: Event) -> None:
    payload = event.payload
    account_id = await uow.session.scalar(select(ProfileRow.account_id).where(
        ProfileRow.wallet_account_id == int(payload["wallet_account_id"])))
    if account_id is None:  # another app's wallet
        return
    kind = DEPOSIT_SETTLED if event.subject == payments_engine.DEPOSIT_SETTLED else DEPOSIT_FAILED
    _push_after_commit(uow, account_id, {"type": kind, "deposit_id": payload["transfer_id"],
                                         "amount": rules.format_amount(payload["amount_minor"]),
                                         "currency": payload["currency"]})


def _push_after_commit(uow: UnitOfWork, account_id: int, message: dict[str, Any]) -> None:
    platform = uow.platform
    uow.after_commit(lambda: realtime.push(platform.realtime, account_id, message))


consumers = [
    Consumer(name="cashapp.notify_money", subjects=(ledger.TRANSACTION_POSTED, ledger.TRANSACTION_REVERSED),
             handler=on_money_moved),
    Consumer(name="cashapp.notify_requests", subjects=(requests.REQUEST_CREATED,), handler=on_request_created),
    Consumer(name="cashapp.notify_deposits",
             subjects=(payments_engine.DEPOSIT_SETTLED, payments_engine.DEPOSIT_FAILED), handler=on_deposit_resolved),
]
