"""P2P payments: send one (idempotent, within limits, never overdrawn) and refund one as its receiver."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from sqlalchemy import select

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.models import PaymentRow, ProfileRow
from casebook.apps.cashapp.service import profiles
from casebook.engines import ledger
from casebook.platform.errors import Conflict, Forbidden, Invalid, LimitExceeded, NotFound
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

P2P = "p2p"
P2P_REFUND = "p2p_refund"


@dataclasses.dataclass(frozen=True)
class Payment:
    row: PaymentRow
    cashtags: dict[int, str]  # sender's and recipient's, by account id


def payment_key(sender_id: int, client_key: str) -> str:
    """Scoped by sender, so two people's keys never collide, and stored in the ledger with the money."""
    return f"cashapp:pay:{sender_id}:{client_key}"


async def send_payment(platform: Platform, *, sender: AuthenticatedAccount, to: str, amount: str, note: str,
                       client_key: str | None) -> Payment:
    """Pay `to` (a cashtag) now. Refusals, in order: input (422), unknown recipient (404), oneself (422),
    velocity and sending limit (429), insufficient funds (409); a refusal changes nothing."""
    amount_minor = rules.parse_amount(amount)
    note = rules.check_note(note)
    key = payment_key(sender.id, rules.check_client_key(client_key, is_required=True) or "")
    rules.check_cashtag(to, field="to")
    await profiles.ensure_profile(platform, sender)
    async with platform.uow() as uow:
        payer = await profiles.get_profile(uow, sender.id, lock=True)  # one sender's payments run one at a time
        recipient = await profiles.get_by_cashtag(uow, to, field="to")
        row = await pay(uow, payer=payer, recipient=recipient, amount_minor=amount_minor, note=note, key=key)
        return Payment(row=row, cashtags={payer.account_id: payer.cashtag, recipient.account_id: recipient.cashtag})


async def pay(uow: UnitOfWork, *, payer: ProfileRow, recipient: ProfileRow, amount_minor: int, note: str,
              key: str, request_id: int | None = None) -> PaymentRow:
    """Move the money in this unit of work, the payer's profile row locked by the caller. A known key
    returns its payment (the same request) or is refused (another request)."""
    existing = await uow.session.scalar(select(PaymentRow).where(PaymentRow.key == key))
    if existing is not None:
        if (existing.sender_id, existing.recipient_id, existing.amount_minor, existing.note, existing.request_id) != (
                payer.account_id, recipient.account_id, amount_minor, note, request_id):
            raise Invalid("This Idempotency-Key was used for another payment.", field="Idempotency-Key",
                          code="idempotency_key_reused")
        return existing
    if recipient.account_id == payer.account_id:
        raise Invalid("You cannot pay yourself.", field="to", code="self_payment")
    await check_can_send(uow, payer=payer, amount_minor=amount_minor)
    metadata = {"kind": P2P, "note": note, "sender_id": str(payer.account_id),
                "recipient_id": str(recipient.account_id)}
    if request_id is not None:
        metadata["request_id"] = str(request_id)
    [result] = await ledger.commit(uow, [ledger.Transfer(key=key, metadata=metadata, legs=(
        ledger.Leg(account_id=payer.wallet_account_id, side="debit", amount_minor=amount_minor,
                   currency=rules.CURRENCY),
        ledger.Leg(account_id=recipient.wallet_account_id, side="credit", amount_minor=amount_minor,
                   currency=rules.CURRENCY)))])
    transaction = result.unwrap()  # InsufficientFunds (409): the unit of work rolls back, nothing changes
    row = PaymentRow(id=transaction.id, key=key, sender_id=payer.account_id, recipient_id=recipient.account_id,
                     amount_minor=amount_minor, currency=rules.CURRENCY, note=note, request_id=request_id,
                     status="completed", refund_transaction_id=None, created_at=uow.now(), refunded_at=None)
    uow.session.add(row)
    await uow.session.flush()
    return row


async def check_can_send(uow: UnitOfWork, *, payer: ProfileRow, amount_minor: int) -> None:
    """Velocity first (a burst is refused whatever its size), then the rolling sending limit."""
    now = uow.now()
    recent_count, _ = await profiles.sent_since(uow, sender_id=payer.account_id, since=now - rules.VELOCITY_WINDOW)
    if recent_count >= rules.VELOCITY_PAYMENTS_MAX:
        raise LimitExceeded(f"At most {rules.VELOCITY_PAYMENTS_MAX} payments a minute; wait a moment.",
                            code="velocity", retry_after_s=int(rules.VELOCITY_WINDOW.total_seconds()))
    limit_minor = rules.sending_limit_minor(is_verified=payer.is_verified)
    _, sent_minor = await profiles.sent_since(uow, sender_id=payer.account_id, since=now - rules.SENDING_WINDOW)
    if sent_minor + amount_minor > limit_minor:
        remaining = max(limit_minor - sent_minor, 0)
        raise LimitExceeded(
            f"This payment would pass your sending limit of {rules.format_amount(limit_minor)} per "
            f"{rules.SENDING_WINDOW.days} days; {rules.format_amount(remaining)} remains. Verify your identity "
            "to raise it.", code="sending_limit", retry_after_s=3600, remaining=rules.format_amount(remaining))


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
