"""P2P payments: send one (idempotent, within limits, never overdrawn) and refund one as its receiver."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from sqlalchemy import select

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.models import PaymentRow, ProfileRow
from casebook.apps.cashapp.service import payment_batch, profiles
from casebook.engines import ledger
from casebook.platform.errors import Conflict, Forbidden, Invalid, NotFound
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

P2P = payment_batch.P2P
P2P_REFUND = "p2p_refund"


@dataclasses.dataclass(frozen=True)
class Payment:
    row: PaymentRow | payment_batch.PaymentRecord
    cashtags: dict[int, str]  # sender's and recipient's, by account id
    is_replay: bool = False  # answered from an earlier request with the same key: nothing moved this time


def payment_key(sender_id: int, client_key: str) -> str:
    """Scoped by sender, so two people's keys never collide, and stored in the ledger with the money."""
    return f"cashapp:pay:{sender_id}:{client_key}"


async def send_payment(platform: Platform, *, sender: AuthenticatedAccount, to: str, amount: str, note: str,
                       client_key: str | None) -> Payment:
    """Pay `to` (a cashtag) now, committed together with the payments arriving at the same moment.
    Refusals, in order: input (422), unknown recipient (404), oneself (422), velocity and sending limit
    (429), insufficient funds (409); a refusal changes nothing. The same key again answers the first
    payment (`is_replay`), even while that one is still being written; another payment under it is 422."""
    order = payment_batch.PaymentOrder(
        sender_id=sender.id, to=rules.check_cashtag(to, field="to"), amount_minor=rules.parse_amount(amount),
        note=rules.check_note(note),
        key=payment_key(sender.id, rules.check_client_key(client_key, is_required=True) or ""))
    committer = payment_batch.committer_for(platform)
    try:
        sent = await committer.submit(order)
    except payment_batch.NoProfileYet:  # a first visit that starts with a payment
        await profiles.ensure_profile(platform, sender)
        sent = await committer.submit(order)
    return Payment(row=sent.row, cashtags=sent.cashtags, is_replay=sent.is_replay)


async def pay(uow: UnitOfWork, *, payer: ProfileRow, recipient: ProfileRow, amount_minor: int, note: str,
              key: str, request_id: int | None = None) -> PaymentRow:
    """Move the money in this unit of work, the payer's profile row locked by the caller (paying a money
    request). A known key returns its payment (the same request) or is refused (another request)."""
    order = payment_batch.PaymentOrder(sender_id=payer.account_id, to=recipient.cashtag, amount_minor=amount_minor,
                                       note=note, key=key)
    existing = await uow.session.scalar(select(PaymentRow).where(PaymentRow.key == key))
    if existing is not None:
        if not payment_batch.is_same_payment(existing, order, recipient_id=recipient.account_id,
                                             request_id=request_id):
            raise payment_batch.key_reused()
        return existing
    if recipient.account_id == payer.account_id:
        raise Invalid("You cannot pay yourself.", field="to", code="self_payment")
    await check_can_send(uow, payer=payer, amount_minor=amount_minor)
    [result] = await ledger.commit(uow, [payment_batch.transfer_of(order, payer=payer, recipient=recipient,
                                                                   request_id=request_id)])
    transaction = result.unwrap()  # InsufficientFunds (409): the unit of work rolls back, nothing changes
    row = PaymentRow(id=transaction.id, key=key, sender_id=payer.account_id, recipient_id=recipient.account_id,
                     amount_minor=amount_minor, currency=rules.CURRENCY, note=note, request_id=request_id,
                     status="completed", refund_transaction_id=None, created_at=uow.now(), refunded_at=None)
    uow.session.add(row)
    await uow.session.flush()
    return row


async def check_can_send(uow: UnitOfWork, *, payer: ProfileRow, amount_minor: int) -> None:
    tally = await payment_batch.tally_of(uow, payer.account_id)
    refusal = payment_batch.limit_refusal(is_verified=payer.is_verified, recent_count=tally.recent_count,
                                          sent_minor=tally.sent_minor, amount_minor=amount_minor)
    if refusal is not None:
        raise refusal


async def refund_payment(uow: UnitOfWork, *, account_id: int, payment_id: int) -> Payment:
    """The receiver sends the whole payment back, once, as a reversing ledger transaction."""
    row = await uow.session.scalar(select(PaymentRow).where(PaymentRow.id == payment_id).with_for_update())
    if row is None or account_id not in (row.sender_id, row.recipient_id):
        raise NotFound("No such payment.", code="payment_not_found")
    if row.recipient_id != account_id:
        raise Forbidden("Only the person who received a payment can refund it.", code="not_recipient")
    if row.status == "refunded":
        raise Conflict("This payment was already refunded.", code="already_refunded")
    metadata = {"kind": P2P_REFUND, "note": row.note, "sender_id": str(row.recipient_id),
                "recipient_id": str(row.sender_id), "payment_id": str(row.id)}
    [result] = await ledger.commit(uow, [ledger.Reverse(key=f"cashapp:refund:{row.id}", transaction_id=row.id,
                                                        metadata=metadata)])
    transaction = result.unwrap()  # InsufficientFunds when the receiver has spent the money
    row.status, row.refund_transaction_id, row.refunded_at = "refunded", transaction.id, uow.now()
    return Payment(row=row, cashtags=await profiles.cashtags_of(uow, (row.sender_id, row.recipient_id)))


async def get_payment(uow: UnitOfWork, *, account_id: int, payment_id: int) -> Payment:
    row = await uow.session.get(PaymentRow, payment_id)
    if row is None or account_id not in (row.sender_id, row.recipient_id):
        raise NotFound("No such payment.", code="payment_not_found")
    return Payment(row=row, cashtags=await profiles.cashtags_of(uow, (row.sender_id, row.recipient_id)))
