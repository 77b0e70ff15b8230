"""P2P payments committed in groups: one database transaction checks and moves the money of many.

Under load, a payment's cost was its transaction (SQLite's single write lock, PostgreSQL's WAL flush) and
its dozen statements. Here a group committer gathers the payments that arrive together, and one
transaction loads every payer (locked), recipient, earlier key and 30-day tally with four queries, checks
each payment in arrival order exactly as a lone one would be checked, moves all the money with one ledger
batch and writes all payment rows with one INSERT. A refusal (limits, funds, a reused key) refuses that
payment only and leaves no trace of it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, insert, select

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.models import PaymentRow, ProfileRow
from casebook.engines import ledger
from casebook.platform.batching import GroupCommitter
from casebook.platform.errors import CasebookError, Invalid, LimitExceeded, NotFound
from casebook.platform.state import PerPlatform
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

P2P = "p2p"
payments_table = PaymentRow.__table__


class NoProfileYet(NotFound):
    code = "profile_not_found"


@dataclasses.dataclass(frozen=True)
class PaymentOrder:
    sender_id: int
    to: str  # a checked, normalized cashtag
    amount_minor: int
    note: str
    key: str  # the ledger key, already scoped to the sender


@dataclasses.dataclass(frozen=True, kw_only=True)
class PaymentRecord:
    """A committed payment's columns, without the ORM's per-instance bookkeeping (hundreds per batch)."""

    id: int
    key: str
    sender_id: int
    recipient_id: int
    amount_minor: int
    currency: str
    note: str
    request_id: int | None
    status: str
    refund_transaction_id: int | None
    created_at: datetime
    refunded_at: datetime | None


@dataclasses.dataclass(frozen=True)
class Sent:
    row: PaymentRecord
    cashtags: dict[int, str]
    is_replay: bool  # the key was already used by this same payment: nothing moved this time


@dataclasses.dataclass
class _Tally:
    """A payer's payments in the velocity window and total in the sending window, as this batch goes."""

    recent_count: int = 0
    sent_minor: int = 0


def limit_refusal(*, is_verified: bool, recent_count: int, sent_minor: int, amount_minor: int) -> CasebookError | None:
    """Velocity first (a burst is refused whatever its size), then the rolling sending limit."""
    if recent_count >= rules.VELOCITY_PAYMENTS_MAX:
        return LimitExceeded(f"At most {rules.VELOCITY_PAYMENTS_MAX} payments a minute; wait a moment.",
                             code="velocity", retry_after_s=int(rules.VELOCITY_WINDOW.total_seconds()))
    limit_minor = rules.sending_limit_minor(is_verified=is_verified)
    if sent_minor + amount_minor > limit_minor:
        remaining = max(limit_minor - sent_minor, 0)
        return LimitExceeded(
            f"This payment would pass your sending limit of {rules.format_amount(limit_minor)} per "
            f"{rules.SENDING_WINDOW.days} days; {rules.format_amount(remaining)} remains. Verify your identity "
            "to raise it.", code="sending_limit", retry_after_s=3600, remaining=rules.format_amount(remaining))
    return None


async def commit_payments(uow: UnitOfWork, orders: Sequence[PaymentOrder]) -> list[Sent | CasebookError]:
    """One outcome per order, in order; only accepted payments write anything."""
    now = uow.now()
    payers = await _payers(uow, {order.sender_id for order in orders})
    recipients = await _recipients(uow, {order.to for order in orders})
    earlier = await _earlier_payments(uow, {order.key for order in orders})
    tallies = await _tallies(uow, set(payers), now=now)
    cashtags = {row.account_id: row.cashtag for row in (*payers.values(), *recipients.values())}

    outcomes: list[Sent | CasebookError | None] = [None] * len(orders)
    first_of_key: dict[str, int] = {}
    transfers: list[ledger.Transfer] = []
    planned: list[tuple[int, dict[str, Any]]] = []  # (order index, payment row values) per transfer
    for index, order in enumerate(orders):
        if order.key in earlier:
            outcomes[index] = _replay(order, earlier[order.key], recipients, cashtags)
            continue
        if order.key in first_of_key:
            continue  # a duplicate within this batch: answered from the first below
        first_of_key[order.key] = index
        payer, recipient = payers.get(order.sender_id), recipients.get(order.to)
        if payer is None:
            outcomes[index] = NoProfileYet("No CashApp profile yet: open GET /api/cashapp/me first.")
            continue
        if recipient is None:
            outcomes[index] = NotFound(f"Nobody has the cashtag {order.to}.", code="recipient_not_found")
            continue
        if recipient.account_id == payer.account_id:
            outcomes[index] = Invalid("You cannot pay yourself.", field="to", code="self_payment")
            continue
        tally = tallies.setdefault(payer.account_id, _Tally())
        refusal = limit_refusal(is_verified=payer.is_verified, recent_count=tally.recent_count,
                                sent_minor=tally.sent_minor, amount_minor=order.amount_minor)
        if refusal is not None:
            outcomes[index] = refusal
            continue
        # Counted before the ledger's answer: a payment refused for funds below still counts against its
        # payer's later payments in this same batch (stricter, never looser, than one at a time).
        tally.recent_count += 1
        tally.sent_minor += order.amount_minor
        transfers.append(transfer_of(order, payer=payer, recipient=recipient))
        planned.append((index, {
            "key": order.key, "sender_id": payer.account_id, "recipient_id": recipient.account_id,
            "amount_minor": order.amount_minor, "currency": rules.CURRENCY, "note": order.note, "request_id": None,
            "status": "completed", "refund_transaction_id": None, "created_at": now, "refunded_at": None}))

    results = await ledger.commit(uow, transfers, store_refusals=False) if transfers else []
    rows: list[dict[str, Any]] = []
    for (index, values), result in zip(planned, results, strict=True):
        if result.transaction is None:
            outcomes[index] = _ledger_refusal(result)
            continue
        values["id"] = result.transaction.id
        rows.append(values)
        outcomes[index] = Sent(row=PaymentRecord(**values), cashtags=_pair(values, cashtags), is_replay=False)
    if rows:
        await uow.session.execute(insert(payments_table), rows)
    for index, order in enumerate(orders):
        if outcomes[index] is None:  # a duplicate key within the batch
            first = first_of_key[order.key]
            outcomes[index] = _same_as_first(order, orders[first], outcomes[first])
    return outcomes  # type: ignore[return-value]


def transfer_of(order: PaymentOrder, *, payer: Any, recipient: Any, request_id: int | None = None) -> ledger.Transfer:
    # The sender's cashtag as it was: the receiver's notification names it without a lookup.
    metadata = {"kind": P2P, "note": order.note, "sender_id": str(payer.account_id),
                "recipient_id": str(recipient.account_id), "sender_cashtag": payer.cashtag}
    if request_id is not None:
        metadata["request_id"] = str(request_id)
    return ledger.Transfer(key=order.key, metadata=metadata, legs=(
        ledger.Leg(account_id=payer.wallet_account_id, side="debit", amount_minor=order.amount_minor,
                   currency=rules.CURRENCY),
        ledger.Leg(account_id=recipient.wallet_account_id, side="credit", amount_minor=order.amount_minor,
                   currency=rules.CURRENCY)))


def is_same_payment(row: Any, order: PaymentOrder, *, recipient_id: int | None, request_id: int | None = None) -> bool:
    return (row.sender_id, row.recipient_id, row.amount_minor, row.note, row.request_id) == (
        order.sender_id, recipient_id, order.amount_minor, order.note, request_id)


def key_reused() -> Invalid:
    return Invalid("This Idempotency-Key was used for another payment.", field="Idempotency-Key",
                   code="idempotency_key_reused")


def _replay(order: PaymentOrder, row: Any, recipients: dict[str, Any], cashtags: dict[int, str]) -> Sent | CasebookError:
    recipient = recipients.get(order.to)
    if not is_same_payment(row, order, recipient_id=recipient.account_id if recipient else None):
        return key_reused()
    values = dict(row._mapping)
    return Sent(row=PaymentRecord(**values), cashtags=_pair(values, cashtags), is_replay=True)


def _same_as_first(order: PaymentOrder, first_order: PaymentOrder,
                   first: Sent | CasebookError | None) -> Sent | CasebookError:
    """A duplicate key within one batch (a retry while the first attempt runs) gets the first's answer."""
    assert first is not None
    if (order.to, order.amount_minor, order.note) != (first_order.to, first_order.amount_minor, first_order.note):
        return key_reused()
    return dataclasses.replace(first, is_replay=True) if isinstance(first, Sent) else first


def _ledger_refusal(result: ledger.TransferResult) -> CasebookError:
    try:
        result.unwrap()
    except CasebookError as refusal:
        return refusal
    raise AssertionError("a result without a transaction is a refusal")


def _pair(values: dict[str, Any], cashtags: dict[int, str]) -> dict[int, str]:
    return {account_id: cashtags[account_id] for account_id in (values["sender_id"], values["recipient_id"])
            if account_id in cashtags}


async def _payers(uow: UnitOfWork, sender_ids: set[int]) -> dict[int, Any]:
    """Locked in id order on PostgreSQL, so one payer's payments from several processes run one at a time
    (their limits are checked against committed totals) and rival batches never deadlock."""
    statement = (select(ProfileRow.account_id, ProfileRow.cashtag, ProfileRow.wallet_account_id,
                        ProfileRow.is_verified)
                 .where(ProfileRow.account_id.in_(sorted(sender_ids))).order_by(ProfileRow.account_id)
                 .with_for_update())
    return {row.account_id: row for row in await uow.session.execute(statement)}


async def _recipients(uow: UnitOfWork, cashtags: set[str]) -> dict[str, Any]:
    statement = select(ProfileRow.account_id, ProfileRow.cashtag, ProfileRow.wallet_account_id).where(
        ProfileRow.cashtag.in_(cashtags))
    return {row.cashtag: row for row in await uow.session.execute(statement)}


async def _earlier_payments(uow: UnitOfWork, keys: set[str]) -> dict[str, Any]:
    statement = select(payments_table).where(payments_table.c.key.in_(keys))
    return {row.key: row for row in await uow.session.execute(statement)}


async def _tallies(uow: UnitOfWork, sender_ids: set[int], *, now: datetime) -> dict[int, _Tally]:
    if not sender_ids:
        return {}
    velocity_start = now - rules.VELOCITY_WINDOW
    statement = (select(PaymentRow.sender_id,
                        func.sum(case((PaymentRow.created_at >= velocity_start, 1), else_=0)),
                        func.sum(PaymentRow.amount_minor))
                 .where(PaymentRow.sender_id.in_(sender_ids), PaymentRow.created_at >= now - rules.SENDING_WINDOW)
                 .group_by(PaymentRow.sender_id))
    return {sender_id: _Tally(recent_count=int(recent or 0), sent_minor=int(total or 0))
            for sender_id, recent, total in await uow.session.execute(statement)}


async def tally_of(uow: UnitOfWork, sender_id: int) -> _Tally:
    """One payer's tally, for a payment made alone (paying a money request)."""
    return (await _tallies(uow, {sender_id}, now=uow.now())).get(sender_id, _Tally())


# After the first payment of a batch, wait this long for others: a batch's cost is mostly per batch (the payers'
# locks, four queries, one commit), and at 1 ms a busy writer committed many part-filled batches (bench cashapp:
# 1,125-1,138 payments/s at 1 ms, 1,187-1,233/s at 4 ms, 894/s at 8 ms, same machine and hour).
PAYMENTS_LINGER_S = 0.004

_committers: PerPlatform[GroupCommitter[PaymentOrder, Sent]] = PerPlatform(
    lambda platform: GroupCommitter(platform, name="cashapp.payments", commit_batch=commit_payments,
                                    linger_s=PAYMENTS_LINGER_S))


def committer_for(platform: Platform) -> GroupCommitter[PaymentOrder, Sent]:
    """This process's payment writer (one per platform: SQLite has one write connection anyway, and on
    PostgreSQL the batch's payer locks keep several processes' writers correct)."""
    return _committers.of(platform)
