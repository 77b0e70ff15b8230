"""The simulated card network's messages to the issuer: authorize, capture, reverse, and holds that lapse.

An authorization is a ledger hold wallet -> merchant settlement (`payments:card:<CUR>:merchant_settlement`).
A capture posts it (partly, the rest released), optionally with a discount line funded by a promotions
account (Boosts). A reversal voids an open hold, or refunds a captured one with reversing transactions.
Each operation commits its ledger lines, its row and its event in one database transaction.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select

from casebook.engines import ledger
from casebook.engines.payments import books, cards, errors, events, limits, model
from casebook.engines.payments.models import AuthorizationRow
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

# Ledger refusals of the hold that are the customer's, so a decline rather than an error.
LEDGER_DECLINES: dict[type[Exception], model.DeclineReason] = {
    ledger.InsufficientFunds: "insufficient_funds", ledger.AccountClosed: "account_closed",
    ledger.CurrencyMismatch: "currency_mismatch",
}


async def authorize(platform: Platform, *, key: str, amount_minor: int, currency: str, merchant_name: str,
                    merchant_category: str, card_id: int | None = None, card_number: str | None = None,
                    expiry_month: int | None = None, expiry_year: int | None = None, cvv: str | None = None,
                    expires_in_s: int = limits.AUTHORIZATION_EXPIRES_IN_S) -> model.Authorization:
    """Hold the amount on the card's wallet, or store a declined authorization that moved nothing.

    The card is named by `card_id` (on file), or by `card_number` with its expiry and CVV, which must match.
    """
    model.check_key(key)
    model.check_amount(amount_minor, amount_max_minor=limits.AUTHORIZATION_AMOUNT_MAX_MINOR)
    model.check_currency(currency)
    merchant_name = model.check_text(merchant_name, field="merchant_name", chars_max=limits.NAME_CHARS_MAX)
    model.check_merchant_category(merchant_category)
    if card_number is not None and (expiry_month is None or expiry_year is None or cvv is None):
        raise errors.InvalidPaymentRequest("a card number comes with its expiry and CVV", field="cvv")
    if not isinstance(expires_in_s, int) or not 0 < expires_in_s <= limits.AUTHORIZATION_EXPIRES_IN_MAX_S:
        raise errors.InvalidPaymentRequest(
            f"expires_in_s must be 1 to {limits.AUTHORIZATION_EXPIRES_IN_MAX_S}", field="expires_in_s")

    async def work(uow: UnitOfWork) -> model.Authorization:
        card_row = await cards.card_row_for_network(uow, card_id=card_id, card_number=card_number)
        request = {"card_id": card_row.id, "amount_minor": amount_minor, "currency": currency,
                   "merchant_name": merchant_name, "merchant_category": merchant_category}
        existing = await uow.session.scalar(select(AuthorizationRow).where(AuthorizationRow.key == key))
        if existing is not None:
            model.check_same_request({name: getattr(existing, name) for name in request}, request, key)
            return authorization_of(existing)
        card = cards.card_of(card_row)
        wallet = await ledger.get_account(uow, card.wallet_account_id)
        secret_key = uow.platform.settings.secret_key
        # compare_digest: the time taken must not tell a guesser how many CVV digits were right
        cvv_matches = cvv is None or hmac.compare_digest(
            cvv.encode(), cards.unseal_cvv(secret_key, card_row).encode())
        expiry = (card.expiry_month, card.expiry_year)
        reason = model.card_decline_reason(
            card, wallet_currency=wallet.currency, currency=currency, now=uow.now(), cvv_matches=cvv_matches,
            expiry_matches=expiry_month is None or (expiry_month, expiry_year) == expiry)
        row = AuthorizationRow(id=uow.new_id(), key=key, wallet_account_id=card.wallet_account_id,
                               captured_minor=0, discount_minor=0, status="declined", decline_reason=reason,
                               created_at=uow.now(), **request)
        if reason is None:
            try:
                await _hold(uow, row, expires_in_s=expires_in_s)
            except tuple(LEDGER_DECLINES) as refusal:  # the ledger kept its refusal of the key; nothing moved
                row.status, row.decline_reason = "declined", LEDGER_DECLINES[type(refusal)]
        if row.decline_reason is not None:
            uow.publish(events.CARD_DECLINED, _payload(row))
        uow.session.add(row)
        return authorization_of(row)

    return await books.once_per_key(platform, work)


async def capture(platform: Platform, *, key: str, authorization_id: int, amount_minor: int | None = None,
                  discount_minor: int = 0,
                  discount_source_account_id: int | None = None) -> model.Authorization:
    """Post the hold for `amount_minor` (default: all of it; less releases the rest). One capture per hold.

    A `discount_minor` (a Boost) is credited back to the wallet from `discount_source_account_id` in the
    same database transaction as the capture, as its own ledger transaction.
    """
    model.check_key(key)
    if amount_minor is not None:
        model.check_amount(amount_minor, amount_max_minor=limits.AUTHORIZATION_AMOUNT_MAX_MINOR)
    if not isinstance(discount_minor, int) or discount_minor < 0:
        raise errors.InvalidAmount("discount_minor must be a non-negative integer", field="discount_minor")
    if (discount_minor > 0) != (discount_source_account_id is not None):
        raise errors.InvalidPaymentRequest("a discount needs its source account, and only a discount has one",
                                           field="discount_source_account_id")

    async def work(uow: UnitOfWork) -> model.Authorization:
        row = await _locked(uow, authorization_id)
        captured_minor = row.amount_minor if amount_minor is None else amount_minor
        request = {"captured_minor": captured_minor, "discount_minor": discount_minor,
                   "discount_source_account_id": discount_source_account_id}
        if await _replayed(uow, row, key_column=AuthorizationRow.capture_key, key=key):
            model.check_same_request({name: getattr(row, name) for name in request}, request, key)
            return authorization_of(row)
        _check_open(row, uow.now(), refusal=errors.NotCapturable)
        if captured_minor > row.amount_minor:
            raise errors.InvalidAmount(f"amount_minor is over the {row.amount_minor} authorized",
                                       field="amount_minor")
        if discount_minor > captured_minor:
            raise errors.InvalidAmount("discount_minor is over the amount captured", field="discount_minor")
        assert row.ledger_pending_id is not None
        row.status, row.capture_key, row.resolved_at = "captured", key, uow.now()
        row.captured_minor, row.discount_minor = captured_minor, discount_minor
        row.discount_source_account_id = discount_source_account_id
        requests: list[ledger.Request] = [ledger.PostPending(
            key=f"payments:authorization:{row.id}:capture", pending_id=row.ledger_pending_id,
            amount_minor=None if captured_minor == row.amount_minor else captured_minor,
            metadata=_metadata(row), events=((events.CARD_CAPTURED, _payload(row)),))]
        if discount_minor:
            assert discount_source_account_id is not None
            requests.append(ledger.Transfer(
                key=f"payments:authorization:{row.id}:discount",
                metadata={**_metadata(row), "discount": True},
                legs=(_leg(discount_source_account_id, "debit", discount_minor, row.currency),
                      _leg(row.wallet_account_id, "credit", discount_minor, row.currency))))
        transactions = await books.commit(uow, *requests)
        row.ledger_capture_id = transactions[0].id
        row.ledger_discount_id = transactions[1].id if discount_minor else None
        return authorization_of(row)

    return await books.once_per_key(platform, work)


async def reverse(platform: Platform, *, key: str, authorization_id: int) -> model.Authorization:
    """Void an open hold, or refund a captured one in full (its capture and any discount reversed)."""
    model.check_key(key)

    async def work(uow: UnitOfWork) -> model.Authorization:
        row = await _locked(uow, authorization_id)
        if await _replayed(uow, row, key_column=AuthorizationRow.reverse_key, key=key):
            return authorization_of(row)
        was_captured = row.status == "captured"
        if not was_captured:
            _check_open(row, uow.now(), refusal=errors.NotReversible)
        row.status, row.reverse_key, row.resolved_at = "reversed", key, uow.now()
        reversed_event = ((events.CARD_REVERSED, _payload(row)),)
        prefix = f"payments:authorization:{row.id}"
        requests: list[ledger.Request]
        if was_captured:
            assert row.ledger_capture_id is not None
            requests = [ledger.Reverse(key=f"{prefix}:refund", transaction_id=row.ledger_capture_id,
                                       metadata=_metadata(row), events=reversed_event)]
            if row.ledger_discount_id is not None:  # the Boost goes back to its promotions account
                requests.append(ledger.Reverse(key=f"{prefix}:refund_discount",
                                               transaction_id=row.ledger_discount_id,
                                               metadata={**_metadata(row), "discount": True}))
        else:
            assert row.ledger_pending_id is not None
            requests = [ledger.VoidPending(key=f"{prefix}:void", pending_id=row.ledger_pending_id,
                                           metadata=_metadata(row), events=reversed_event)]
        [reversal, *_discount_reversal] = await books.commit(uow, *requests)
        row.ledger_reversal_id = reversal.id
        return authorization_of(row)

    return await books.once_per_key(platform, work)


async def get_authorization(uow: UnitOfWork, authorization_id: int) -> model.Authorization:
    row = await uow.session.get(AuthorizationRow, authorization_id)
    if row is None:
        raise errors.AuthorizationNotFound(f"authorization {authorization_id} does not exist")
    return authorization_of(row)


async def list_authorizations(uow: UnitOfWork, *, card_id: int, before_id: int | None = None,
                              limit: int = 50) -> model.AuthorizationPage:
    """A card's authorizations, newest first; pass `next_before_id` back for the next page."""
    limit = max(1, min(limit, limits.AUTHORIZATIONS_PAGE_MAX))
    statement = (select(AuthorizationRow).where(AuthorizationRow.card_id == card_id)
                 .order_by(AuthorizationRow.id.desc()).limit(limit + 1))
    if before_id is not None:
        statement = statement.where(AuthorizationRow.id < before_id)
    rows = list(await uow.session.scalars(statement))
    items = tuple(authorization_of(row) for row in rows[:limit])
    return model.AuthorizationPage(items=items, next_before_id=items[-1].id if len(rows) > limit else None)


async def expire_authorizations(uow: UnitOfWork, *, now: datetime | None = None,
                                limit: int = limits.EXPIRE_BATCH_MAX) -> int:
    """Let lapsed holds go (the ledger's own expiry, in this unit of work) and mark their authorizations
    expired; returns how many were marked. The job's body, safe to run often and alongside the ledger's."""
    now = now or uow.now()
    await ledger.expire_pending(uow, now=now)
    rows = list(await uow.session.scalars(
        select(AuthorizationRow)
        .where(AuthorizationRow.status == "authorized", AuthorizationRow.expires_at <= now)
        .order_by(AuthorizationRow.expires_at).limit(limit).with_for_update(skip_locked=True)))
    marked = 0
    for row in rows:
        assert row.ledger_pending_id is not None
        hold = await ledger.get_transaction(uow, row.ledger_pending_id)
        if hold.status != "expired":  # not swept yet (the ledger's batch was full): the next run marks it
            continue
        row.status, row.resolved_at = "expired", now
        uow.publish(events.AUTHORIZATION_EXPIRED, _payload(row))
        marked += 1
    return marked


async def _hold(uow: UnitOfWork, row: AuthorizationRow, *, expires_in_s: int) -> None:
    merchant_id = await books.system_account(uow, books.merchant_settlement_code(row.currency),
                                             currency=row.currency, normal_side="credit")
    row.status = "authorized"
    [pending] = await books.commit(uow, ledger.Transfer(
        key=f"payments:authorization:{row.id}", is_pending=True, timeout_s=expires_in_s,
        metadata=_metadata(row),
        legs=(_leg(row.wallet_account_id, "debit", row.amount_minor, row.currency),
              _leg(merchant_id, "credit", row.amount_minor, row.currency)),
        events=((events.CARD_AUTHORIZED, _payload(row)),)))
    row.ledger_pending_id, row.expires_at = pending.id, pending.expires_at


def _check_open(row: AuthorizationRow, now: datetime, *, refusal: type[errors.Conflict]) -> None:
    """Refusals in a fixed order: declined, already captured, reversed, expired (or past its expiry)."""
    if row.status == "declined":
        raise refusal(f"authorization {row.id} was declined ({row.decline_reason})")
    if row.status == "captured":
        raise errors.AlreadyCaptured(f"authorization {row.id} is already captured")
    if row.status == "reversed":
        raise refusal(f"authorization {row.id} is reversed")
    if row.status == "expired" or (row.expires_at is not None and now >= row.expires_at):
        raise errors.AuthorizationExpired(f"authorization {row.id} expired at {row.expires_at}")


async def _locked(uow: UnitOfWork, authorization_id: int) -> AuthorizationRow:
    row = await uow.session.scalar(select(AuthorizationRow).where(AuthorizationRow.id == authorization_id)
                                   .with_for_update())
    if row is None:
        raise errors.AuthorizationNotFound(f"authorization {authorization_id} does not exist")
    return row


async def _replayed(uow: UnitOfWork, row: AuthorizationRow, *, key_column: Any, key: str) -> bool:
    """True when `key` already did this to this authorization; a key spent on another one is a mismatch."""
    if getattr(row, key_column.key) == key:
        return True
    other = await uow.session.scalar(select(AuthorizationRow.id).where(key_column == key))
    if other is not None:
        raise errors.IdempotencyMismatch(f"key {key!r} was first used for authorization {other}", field="key")
    return False


def _metadata(row: AuthorizationRow) -> dict[str, Any]:
    """What a wallet's activity feed shows for the ledger lines of a card payment."""
    return {"payments": "card", "authorization_id": str(row.id), "card_id": str(row.card_id),
            "merchant_name": row.merchant_name, "merchant_category": row.merchant_category}


def _payload(row: AuthorizationRow) -> dict[str, Any]:
    return {"authorization_id": str(row.id), "key": row.key, "card_id": str(row.card_id),
            "wallet_account_id": str(row.wallet_account_id), "amount_minor": row.amount_minor,
            "captured_minor": row.captured_minor, "discount_minor": row.discount_minor,
            "currency": row.currency, "merchant_name": row.merchant_name,
            "merchant_category": row.merchant_category, "status": row.status,
            "decline_reason": row.decline_reason}


def _leg(account_id: int, side: Literal["debit", "credit"], amount_minor: int, currency: str) -> ledger.Leg:
    return ledger.Leg(account_id=account_id, side=side, amount_minor=amount_minor, currency=currency)


def authorization_of(row: AuthorizationRow) -> model.Authorization:
    return model.Authorization(**{name: getattr(row, name) for name in model.Authorization.__struct_fields__})
