"""The simulated outside bank: links, deposits (add cash), withdrawals (cash out), settled by a delayed job.

Money flow: one ledger account per currency stands for the bank (`payments:bank:<CUR>:settlement`,
debit-normal, no limit). A deposit is a pending bank -> wallet hold, posted or voided when the bank
answers; a standard withdrawal the reverse hold; an instant withdrawal moves at once and pays a fee.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import func, select

from casebook.engines import ledger
from casebook.engines.payments import books, errors, events, limits, model
from casebook.engines.payments.models import BankLinkRow, BankTransferRow
from casebook.platform.scheduler import schedule
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

SETTLE_JOB_NAME = "payments.settle_bank_transfer"
SUBJECTS = {
    ("deposit", "pending"): events.DEPOSIT_STARTED, ("deposit", "settled"): events.DEPOSIT_SETTLED,
    ("deposit", "failed"): events.DEPOSIT_FAILED, ("withdrawal", "pending"): events.WITHDRAWAL_STARTED,
    ("withdrawal", "settled"): events.WITHDRAWAL_SETTLED, ("withdrawal", "failed"): events.WITHDRAWAL_FAILED,
}


async def link_bank(uow: UnitOfWork, *, owner_ref: str, name: str,
                    account_last4: str | None = None) -> model.BankLink:
    """Link a simulated bank account; the app decides when (every user may start with one)."""
    owner_ref = model.check_text(owner_ref, field="owner_ref", chars_max=limits.OWNER_REF_CHARS_MAX)
    name = model.check_text(name, field="name", chars_max=limits.NAME_CHARS_MAX)
    if account_last4 is None:
        account_last4 = f"{secrets.randbelow(10_000):04d}"
    elif not (len(account_last4) == 4 and account_last4.isdigit()):
        raise errors.InvalidPaymentRequest("account_last4 must be 4 digits", field="account_last4")
    linked = await uow.session.scalar(select(func.count()).select_from(BankLinkRow)
                                   .where(BankLinkRow.owner_ref == owner_ref))
    if (linked or 0) >= limits.BANK_LINKS_PER_OWNER_MAX:
        raise errors.BankLinksExceeded(f"at most {limits.BANK_LINKS_PER_OWNER_MAX} bank links per owner")
    row = BankLinkRow(id=uow.new_id(), owner_ref=owner_ref, name=name, account_last4=account_last4,
                      is_failing_next=False, created_at=uow.now())
    uow.session.add(row)
    await uow.session.flush()
    return _link(row)


async def get_bank_link(uow: UnitOfWork, link_id: int, *, owner_ref: str | None = None) -> model.BankLink:
    """With `owner_ref`, someone else's link is NotFound too (its existence is private)."""
    row = await uow.session.get(BankLinkRow, link_id)
    if row is None or (owner_ref is not None and row.owner_ref != owner_ref):
        raise errors.BankLinkNotFound(f"bank link {link_id} does not exist")
    return _link(row)


async def list_bank_links(uow: UnitOfWork, owner_ref: str) -> list[model.BankLink]:
    """Oldest first, at most BANK_LINKS_PER_OWNER_MAX."""
    rows = await uow.session.scalars(select(BankLinkRow).where(BankLinkRow.owner_ref == owner_ref)
                                     .order_by(BankLinkRow.id).limit(limits.BANK_LINKS_PER_OWNER_MAX))
    return [_link(row) for row in rows]


async def set_failing_next(uow: UnitOfWork, *, link_id: int, is_failing_next: bool = True) -> model.BankLink:
    """Make the link's next settlement fail (and clear the flag as it does): for tests and demos."""
    row = await uow.session.get(BankLinkRow, link_id, with_for_update=True)
    if row is None:
        raise errors.BankLinkNotFound(f"bank link {link_id} does not exist")
    row.is_failing_next = is_failing_next
    return _link(row)


async def start_deposit(platform: Platform, *, key: str, link_id: int, wallet_account_id: int,
                        amount_minor: int, currency: str,
                        settle_after_s: int = limits.DEPOSIT_SETTLE_AFTER_S) -> model.Deposit:
    """Hold bank -> wallet (pending in the wallet, not available) and schedule the bank's answer."""
    model.check_amount(amount_minor, amount_max_minor=limits.DEPOSIT_AMOUNT_MAX_MINOR)
    transfer = await _start(platform, key=key, direction="deposit", speed="standard", link_id=link_id,
                            wallet_account_id=wallet_account_id, amount_minor=amount_minor, currency=currency,
                            settle_after_s=settle_after_s)
    assert isinstance(transfer, model.Deposit)
    return transfer


async def start_withdrawal(platform: Platform, *, key: str, link_id: int, wallet_account_id: int,
                           amount_minor: int, currency: str, speed: model.Speed = "standard",
                           settle_after_s: int = limits.WITHDRAWAL_SETTLE_AFTER_S) -> model.Withdrawal:
    """Standard: free, held now and settled by the bank later. Instant: settled now, plus a fee.

    Short of funds (amount, plus the fee when instant), raises InsufficientFunds and changes nothing.
    """
    model.check_amount(amount_minor, amount_max_minor=limits.WITHDRAWAL_AMOUNT_MAX_MINOR)
    if speed not in model.SPEEDS:
        raise errors.InvalidPaymentRequest("speed must be standard or instant", field="speed")
    transfer = await _start(platform, key=key, direction="withdrawal", speed=speed, link_id=link_id,
                            wallet_account_id=wallet_account_id, amount_minor=amount_minor, currency=currency,
                            settle_after_s=settle_after_s)
    assert isinstance(transfer, model.Withdrawal)
    return transfer


async def get_deposit(uow: UnitOfWork, deposit_id: int) -> model.Deposit:
    transfer = await _get(uow, deposit_id, direction="deposit")
    assert isinstance(transfer, model.Deposit)
    return transfer


async def get_withdrawal(uow: UnitOfWork, withdrawal_id: int) -> model.Withdrawal:
    transfer = await _get(uow, withdrawal_id, direction="withdrawal")
    assert isinstance(transfer, model.Withdrawal)
    return transfer


async def settle_bank_transfer(uow: UnitOfWork, *, transfer_id: int) -> model.Deposit | model.Withdrawal:
    """The bank answers a pending deposit or standard withdrawal: post its hold or void it (the job's body).

    Safe to run again: a settled or failed transfer is returned unchanged.
    """
    row = await uow.session.scalar(select(BankTransferRow).where(BankTransferRow.id == transfer_id)
                                   .with_for_update())
    if row is None:
        raise errors.BankTransferNotFound(f"bank transfer {transfer_id} does not exist")
    if row.status != "pending":
        return _transfer(row)
    link = await uow.session.get(BankLinkRow, row.link_id, with_for_update=True)
    assert link is not None, f"bank transfer {row.id} lost its link"
    is_settled = model.bank_settles(row.amount_minor, is_failing_next=link.is_failing_next)
    link.is_failing_next = False  # the flag fails one settlement, this one
    failure_reason = None if is_settled else "bank_returned"
    # (The wallet cannot have closed meanwhile: the ledger refuses to close an account with pending amounts.)
    resolve = _post_request if is_settled else _void_request
    try:
        [transaction] = await books.commit(uow, resolve(row, "settled" if is_settled else "failed"))
    except ledger.PendingExpired:  # the job ran after the hold lapsed: the ledger already gave the money back
        failure_reason, transaction = "hold_expired", None
        uow.publish(SUBJECTS[(row.direction, "failed")], _payload(row, status="failed"))
    row.status = "settled" if failure_reason is None else "failed"
    row.failure_reason = failure_reason
    row.ledger_posted_id = transaction.id if failure_reason is None and transaction is not None else None
    row.settled_at = uow.now()
    return _transfer(row)


def _post_request(row: BankTransferRow, status: str) -> ledger.PostPending:
    assert row.ledger_pending_id is not None
    return ledger.PostPending(key=f"payments:bank_transfer:{row.id}:settle", pending_id=row.ledger_pending_id,
                              events=((SUBJECTS[(row.direction, status)], _payload(row, status=status)),))


def _void_request(row: BankTransferRow, status: str) -> ledger.VoidPending:
    assert row.ledger_pending_id is not None
    return ledger.VoidPending(key=f"payments:bank_transfer:{row.id}:fail", pending_id=row.ledger_pending_id,
                              events=((SUBJECTS[(row.direction, status)], _payload(row, status=status)),))


async def _start(platform: Platform, *, key: str, direction: model.Direction, speed: model.Speed,
                 link_id: int, wallet_account_id: int, amount_minor: int, currency: str,
                 settle_after_s: int) -> model.Deposit | model.Withdrawal:
    model.check_key(key)
    model.check_currency(currency)
    if not isinstance(settle_after_s, int) or not 0 <= settle_after_s <= limits.SETTLE_AFTER_MAX_S:
        raise errors.InvalidPaymentRequest(f"settle_after_s must be 0 to {limits.SETTLE_AFTER_MAX_S}",
                                           field="settle_after_s")
    request = {"direction": direction, "speed": speed, "link_id": link_id,
               "wallet_account_id": wallet_account_id, "amount_minor": amount_minor, "currency": currency}

    async def work(uow: UnitOfWork) -> model.Deposit | model.Withdrawal:
        existing = await uow.session.scalar(select(BankTransferRow).where(BankTransferRow.key == key))
        if existing is not None:
            model.check_same_request({name: getattr(existing, name) for name in request}, request, key)
            return _transfer(existing)
        await get_bank_link(uow, link_id)
        now = uow.now()
        row = BankTransferRow(id=uow.new_id(), key=key, fee_minor=0, status="pending", failure_reason=None,
                              ledger_pending_id=None, ledger_posted_id=None, created_at=now,
                              settles_at=now + timedelta(seconds=settle_after_s), settled_at=None, **request)
        if speed == "instant":
            await _withdraw_instantly(uow, row)
        else:
            await _hold(uow, row)
            await schedule(uow, SETTLE_JOB_NAME, run_at=row.settles_at, payload={"transfer_id": str(row.id)},
                           key=str(row.id))
        uow.session.add(row)
        return _transfer(row)

    return await books.once_per_key(platform, work)


async def _hold(uow: UnitOfWork, row: BankTransferRow) -> None:
    """The hold the bank will settle: bank -> wallet for a deposit, wallet -> bank for a withdrawal."""
    bank_id = await books.system_account(uow, books.bank_settlement_code(row.currency), currency=row.currency,
                                         normal_side="debit")
    debit_id, credit_id = ((bank_id, row.wallet_account_id) if row.direction == "deposit"
                           else (row.wallet_account_id, bank_id))
    [pending] = await books.commit(uow, ledger.Transfer(
        key=f"payments:bank_transfer:{row.id}", is_pending=True, timeout_s=limits.BANK_HOLD_TIMEOUT_S,
        legs=(_leg(debit_id, "debit", row.amount_minor, row.currency),
              _leg(credit_id, "credit", row.amount_minor, row.currency)),
        metadata={"payments": row.direction, "transfer_id": str(row.id)},
        events=((SUBJECTS[(row.direction, "pending")], _payload(row, status="pending")),)))
    row.ledger_pending_id = pending.id


async def _withdraw_instantly(uow: UnitOfWork, row: BankTransferRow) -> None:
    """One posted transaction: wallet -> bank for the amount and wallet -> fee revenue for the fee."""
    row.fee_minor = model.instant_fee_minor(row.amount_minor)
    bank_id = await books.system_account(uow, books.bank_settlement_code(row.currency), currency=row.currency,
                                         normal_side="debit")
    fee_id = await books.system_account(uow, books.fee_revenue_code(row.currency), currency=row.currency,
                                        normal_side="credit")
    [transaction] = await books.commit(uow, ledger.Transfer(
        key=f"payments:bank_transfer:{row.id}",
        legs=(_leg(row.wallet_account_id, "debit", row.amount_minor + row.fee_minor, row.currency),
              _leg(bank_id, "credit", row.amount_minor, row.currency),
              _leg(fee_id, "credit", row.fee_minor, row.currency)),
        metadata={"payments": "withdrawal", "speed": "instant", "transfer_id": str(row.id)},
        events=((events.WITHDRAWAL_SETTLED, _payload(row, status="settled")),)))
    row.status, row.settles_at, row.settled_at = "settled", row.created_at, row.created_at
    row.ledger_posted_id = transaction.id


async def _get(uow: UnitOfWork, transfer_id: int, *,
               direction: model.Direction) -> model.Deposit | model.Withdrawal:
    row = await uow.session.get(BankTransferRow, transfer_id)
    if row is None or row.direction != direction:
        raise errors.BankTransferNotFound(f"{direction} {transfer_id} does not exist")
    return _transfer(row)


def _payload(row: BankTransferRow, *, status: str) -> dict[str, Any]:
    """Ids as strings (JSON readers lose precision past 2**53), amounts in minor units."""
    return {"transfer_id": str(row.id), "key": row.key, "direction": row.direction, "speed": row.speed,
            "link_id": str(row.link_id), "wallet_account_id": str(row.wallet_account_id),
            "amount_minor": row.amount_minor, "fee_minor": row.fee_minor, "currency": row.currency,
            "status": status}


def _leg(account_id: int, side: Literal["debit", "credit"], amount_minor: int, currency: str) -> ledger.Leg:
    return ledger.Leg(account_id=account_id, side=side, amount_minor=amount_minor, currency=currency)


def _link(row: BankLinkRow) -> model.BankLink:
    return model.BankLink(id=row.id, owner_ref=row.owner_ref, name=row.name, account_last4=row.account_last4,
                          is_failing_next=row.is_failing_next, created_at=row.created_at)


def _transfer(row: BankTransferRow) -> model.Deposit | model.Withdrawal:
    common = {name: getattr(row, name) for name in model.BankTransfer.__struct_fields__}
    if row.direction == "deposit":
        return model.Deposit(**common)
    return model.Withdrawal(**common, speed=row.speed, fee_minor=row.fee_minor)
