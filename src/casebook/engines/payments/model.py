"""Pure payments types and rules: bank transfers, cards, authorizations, Luhn, fees, declines; no I/O."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Literal

import msgspec

from casebook.engines.payments import errors, limits

Direction = Literal["deposit", "withdrawal"]
Speed = Literal["standard", "instant"]
TransferStatus = Literal["pending", "settled", "failed"]
CardStatus = Literal["active", "frozen", "closed"]
AuthorizationStatus = Literal["authorized", "declined", "captured", "reversed", "expired"]
# Declines in the order they are checked (card state, then what the network sent, then the money).
DeclineReason = Literal["card_closed", "card_frozen", "card_expired", "wrong_expiry", "wrong_cvv",
                        "currency_mismatch", "account_closed", "insufficient_funds"]
SPEEDS: tuple[Speed, Speed] = ("standard", "instant")
MASK = "•••• •••• •••• "
_CURRENCY = re.compile(r"[A-Z]{3,8}")
_MERCHANT_CATEGORY = re.compile(r"[a-z][a-z0-9_]*")


class BankLink(msgspec.Struct, frozen=True, kw_only=True):
    """A simulated outside bank account; `is_failing_next` makes its next settlement fail (tests, demos)."""

    id: int
    owner_ref: str
    name: str
    account_last4: str
    is_failing_next: bool
    created_at: datetime


class BankTransfer(msgspec.Struct, frozen=True, kw_only=True):
    """Money between a bank link and a wallet: `ledger_pending_id` holds it, `ledger_posted_id` moved it."""

    id: int
    key: str
    link_id: int
    wallet_account_id: int
    amount_minor: int
    currency: str
    status: TransferStatus
    failure_reason: str | None
    ledger_pending_id: int | None
    ledger_posted_id: int | None
    created_at: datetime
    settles_at: datetime
    settled_at: datetime | None


class Deposit(BankTransfer, frozen=True, kw_only=True):
    """Add cash: pending in the wallet until the bank settles it."""


class Withdrawal(BankTransfer, frozen=True, kw_only=True):
    """Cash out: standard (free, held until the bank settles) or instant (fee, settled at once)."""

    speed: Speed
    fee_minor: int


class Card(msgspec.Struct, frozen=True, kw_only=True):
    """A virtual debit card spending a wallet; its number and CVV stay sealed in the database."""

    id: int
    owner_ref: str
    wallet_account_id: int
    last4: str
    expiry_month: int
    expiry_year: int
    status: CardStatus
    created_at: datetime


class CardSecrets(msgspec.Struct, frozen=True, kw_only=True):
    """What only the card holder may see (the app shows it behind a re-authentication)."""

    card_id: int
    number: str
    cvv: str
    expiry_month: int
    expiry_year: int


class Authorization(msgspec.Struct, frozen=True, kw_only=True):
    """A card network's request to hold money; captured (maybe partly), reversed, declined or expired."""

    id: int
    key: str
    card_id: int
    wallet_account_id: int
    amount_minor: int
    captured_minor: int
    discount_minor: int
    currency: str
    merchant_name: str
    merchant_category: str
    status: AuthorizationStatus
    decline_reason: DeclineReason | None
    ledger_pending_id: int | None
    ledger_capture_id: int | None
    ledger_discount_id: int | None
    ledger_reversal_id: int | None
    created_at: datetime
    expires_at: datetime | None
    resolved_at: datetime | None


class AuthorizationPage(msgspec.Struct, frozen=True, kw_only=True):
    items: tuple[Authorization, ...]
    next_before_id: int | None


def check_key(key: str) -> str:
    if not isinstance(key, str) or not 0 < len(key) <= limits.KEY_CHARS_MAX:
        raise errors.InvalidPaymentRequest(f"key must have 1 to {limits.KEY_CHARS_MAX} characters",
                                           field="key")
    return key


def check_amount(amount_minor: object, *, amount_max_minor: int, field: str = "amount_minor") -> int:
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool):
        raise errors.InvalidAmount(f"{field} must be an integer of minor units", field=field)
    if not 0 < amount_minor <= amount_max_minor:
        raise errors.InvalidAmount(f"{field} must be between 1 and {amount_max_minor}", field=field)
    return amount_minor


def check_currency(currency: object) -> str:
    """The shape only; whether the ledger knows the currency is the ledger's rule."""
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        raise errors.InvalidPaymentRequest("currency must be an upper-case code like USD", field="currency")
    return currency


def check_text(value: object, *, field: str, chars_max: int) -> str:
    if not isinstance(value, str) or not 0 < len(value.strip()) <= chars_max:
        raise errors.InvalidPaymentRequest(f"{field} must have 1 to {chars_max} characters", field=field)
    return value.strip()


def check_merchant_category(value: object) -> str:
    """An MCC-like slug ("coffee_shop", "grocery"): Boost rules match on it, so keep it canonical."""
    if (not isinstance(value, str) or len(value) > limits.MERCHANT_CATEGORY_CHARS_MAX
            or not _MERCHANT_CATEGORY.fullmatch(value)):
        raise errors.InvalidPaymentRequest("merchant_category must be a lower-case slug like coffee_shop",
                                           field="merchant_category")
    return value


def check_same_request(stored: dict[str, Any], given: dict[str, Any], key: str) -> None:
    """A retry with a key must repeat the first request exactly."""
    if stored != given:
        changed = sorted(name for name in given if stored.get(name) != given[name])
        raise errors.IdempotencyMismatch(f"key {key!r} was first used with other {', '.join(changed)}",
                                         field="key")


def instant_fee_minor(amount_minor: int) -> int:
    """Basis points of the amount rounded up to the next minor unit, never below the minimum."""
    proportional = -(-amount_minor * limits.INSTANT_FEE_BASIS_POINTS // 10_000)
    return max(limits.INSTANT_FEE_MIN_MINOR, proportional)


def bank_settles(amount_minor: int, *, is_failing_next: bool) -> bool:
    """The simulated bank's answer: it returns amounts ending in 13 cents, and the flagged link's next one."""
    return not is_failing_next and amount_minor % 100 != 13


def luhn_check_digit(partial_number: str) -> str:
    """The digit that makes `partial_number` + digit pass the Luhn (mod 10) check."""
    total = 0
    for index, character in enumerate(reversed(partial_number)):
        digit = int(character)
        if index % 2 == 0:  # these positions are doubled once the check digit is appended to the right
            digit = digit * 2 - 9 if digit >= 5 else digit * 2
        total += digit
    return str(-total % 10)


def is_luhn_valid(number: str) -> bool:
    return len(number) >= 2 and number.isdigit() and luhn_check_digit(number[:-1]) == number[-1]


def masked_number(last4: str) -> str:
    return MASK + last4


def card_expiry_passed(*, expiry_month: int, expiry_year: int, now: datetime) -> bool:
    """A card is good through the last day of its expiry month."""
    month_after = (datetime(expiry_year + 1, 1, 1, tzinfo=UTC) if expiry_month == 12
                   else datetime(expiry_year, expiry_month + 1, 1, tzinfo=UTC))
    return now >= month_after


def card_decline_reason(card: Card, *, wallet_currency: str, currency: str, now: datetime,
                        expiry_matches: bool, cvv_matches: bool) -> DeclineReason | None:
    """Why the card cannot pay, checked in a fixed order; the money (insufficient funds) is the ledger's.

    `expiry_matches` and `cvv_matches` are True when the network did not send them (card on file).
    """
    if card.status == "closed":
        return "card_closed"
    if card.status == "frozen":
        return "card_frozen"
    if card_expiry_passed(expiry_month=card.expiry_month, expiry_year=card.expiry_year, now=now):
        return "card_expired"
    if not expiry_matches:
        return "wrong_expiry"
    if not cvv_matches:
        return "wrong_cvv"
    if currency != wallet_currency:
        return "currency_mismatch"
    return None
