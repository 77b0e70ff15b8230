"""Pure ledger types and rules: requests, postings, balances and how a request changes them; no I/O."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

import msgspec

from casebook.engines.ledger import errors, limits

Side = Literal["debit", "credit"]
Phase = Literal["posted", "pending", "released"]  # released: a pending amount given back (post or void)
Kind = Literal["transfer", "pending", "post_pending", "void_pending", "expire_pending", "reverse"]
SIDES: tuple[Side, Side] = ("debit", "credit")

# Minor-unit exponents: ISO 4217 for money, 8 for bitcoin (satoshi), 6 for shares (micro-shares).
CURRENCY_EXPONENTS = {
    "USD": 2, "EUR": 2, "GBP": 2, "INR": 2, "SGD": 2, "MYR": 2, "PHP": 2, "THB": 2, "IDR": 2, "AUD": 2,
    "CAD": 2, "JPY": 0, "VND": 0, "BTC": 8, "SHARE": 6,
}
EventSpec = tuple[str, dict[str, Any]]


class Leg(msgspec.Struct, frozen=True, kw_only=True):
    """One line of a requested transaction: `amount_minor` debited or credited to an account."""

    account_id: int
    side: Side
    amount_minor: int
    currency: str


class Transfer(msgspec.Struct, frozen=True, kw_only=True, tag="transfer"):
    """Move money along `legs` now, or reserve it (`is_pending`) until posted, voided or expired."""

    key: str
    legs: tuple[Leg, ...]
    is_pending: bool = False
    timeout_s: int | None = None
    metadata: dict[str, Any] = {}
    events: tuple[EventSpec, ...] = ()


class PostPending(msgspec.Struct, frozen=True, kw_only=True, tag="post_pending"):
    """Post a pending transaction, in full or (two legs only) for a smaller amount; the rest is released."""

    key: str
    pending_id: int
    amount_minor: int | None = None
    metadata: dict[str, Any] = {}
    events: tuple[EventSpec, ...] = ()


class VoidPending(msgspec.Struct, frozen=True, kw_only=True, tag="void_pending"):
    key: str
    pending_id: int
    metadata: dict[str, Any] = {}
    events: tuple[EventSpec, ...] = ()


class ExpirePending(msgspec.Struct, frozen=True, kw_only=True, tag="expire_pending"):
    """Made by the engine itself for a pending past its expiry."""

    key: str
    pending_id: int
    metadata: dict[str, Any] = {}
    events: tuple[EventSpec, ...] = ()


class Reverse(msgspec.Struct, frozen=True, kw_only=True, tag="reverse"):
    """A correction: a new transaction with every posted line of the original on the other side."""

    key: str
    transaction_id: int
    metadata: dict[str, Any] = {}
    events: tuple[EventSpec, ...] = ()


Request = Transfer | PostPending | VoidPending | ExpirePending | Reverse


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    """One immutable posting line of a committed transaction."""

    account_id: int
    currency: str
    side: Side
    amount_minor: int
    phase: Phase


class Transaction(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    key: str
    kind: Kind
    status: str  # posted; a pending one moves once to posted, voided or expired
    entries: tuple[Entry, ...]
    created_at: datetime
    pending_id: int | None = None
    reverses_id: int | None = None
    expires_at: datetime | None = None
    metadata: dict[str, Any] = {}


class Balances(msgspec.Struct, frozen=True, kw_only=True):
    """Posted and pending totals per side; `posted_minor` and `available_minor` follow the normal side."""

    account_id: int
    currency: str
    debits_posted_minor: int
    credits_posted_minor: int
    debits_pending_minor: int
    credits_pending_minor: int
    posted_minor: int
    available_minor: int


class Account(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    code: str
    currency: str
    normal_side: Side
    debits_must_not_exceed_credits: bool
    credits_must_not_exceed_debits: bool
    overdraft_minor: int
    is_closed: bool
    owner_ref: str | None
    metadata: dict[str, Any]
    created_at: datetime


class Posting(msgspec.Struct, frozen=True, kw_only=True):
    """One line of an account's activity, with its transaction's kind and metadata (for feeds)."""

    id: int
    transaction_id: int
    kind: Kind
    account_id: int
    currency: str
    side: Side
    phase: Phase
    amount_minor: int
    created_at: datetime
    metadata: dict[str, Any]


class PostingPage(msgspec.Struct, frozen=True, kw_only=True):
    items: tuple[Posting, ...]
    next_before_id: int | None


class TransferResult(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of one request: its transaction, or the refusal's code and detail (never both)."""

    key: str
    transaction: Transaction | None = None
    error_code: str | None = None
    error_detail: str | None = None

    @property
    def is_ok(self) -> bool:
        return self.transaction is not None

    def unwrap(self) -> Transaction:
        """The transaction, or raise the refusal as its domain error."""
        if self.transaction is None:
            raise errors.refusal_from(self.error_code or "conflict", self.error_detail or "refused")
        return self.transaction


class AccountState(msgspec.Struct, kw_only=True):
    """An account with its running totals, as the writer holds it for one batch."""

    id: int
    code: str
    currency: str
    normal_side: Side
    debits_must_not_exceed_credits: bool = False
    credits_must_not_exceed_debits: bool = False
    overdraft_minor: int = 0
    is_closed: bool = False
    debits_posted_minor: int = 0
    credits_posted_minor: int = 0
    debits_pending_minor: int = 0
    credits_pending_minor: int = 0


class PendingState(msgspec.Struct, kw_only=True):
    id: int
    kind: Kind
    status: str
    entries: tuple[Entry, ...]
    expires_at: datetime | None = None
    is_reversed: bool = False


class Draft(msgspec.Struct, frozen=True, kw_only=True):
    """What a valid request will write: its transaction's lines and the pending it resolves."""

    kind: Kind
    status: str
    entries: tuple[Entry, ...]
    pending_id: int | None = None
    resolved_status: str | None = None  # the new status of `pending_id`
    reverses_id: int | None = None
    expires_at: datetime | None = None


def check_amount(amount_minor: object, *, field: str = "amount_minor") -> int:
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool):
        raise errors.InvalidAmount(f"{field} must be an integer of minor units", field=field)
    if not 0 < amount_minor <= limits.AMOUNT_MAX_MINOR:
        raise errors.InvalidAmount(f"{field} must be between 1 and {limits.AMOUNT_MAX_MINOR}", field=field)
    return amount_minor


def check_currency(currency: str) -> str:
    if currency not in CURRENCY_EXPONENTS:
        raise errors.UnknownCurrency(f"unknown currency {currency!r}", field="currency")
    return currency


def to_minor(amount: Decimal | str, currency: str) -> int:
    """A decimal amount in major units ("12.34") as integer minor units; refuses extra decimals."""
    scaled = Decimal(amount).scaleb(CURRENCY_EXPONENTS[check_currency(currency)])
    if scaled != scaled.to_integral_value():
        raise errors.InvalidAmount(f"{amount} has more decimals than {currency} allows", field="amount")
    return int(scaled)


def to_major(amount_minor: int, currency: str) -> Decimal:
    exponent = CURRENCY_EXPONENTS[check_currency(currency)]
    return Decimal(amount_minor).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent))


def request_hash(request: Request) -> str:
    """A stable fingerprint: a retry with the same key must carry the same request."""
    return hashlib.sha256(msgspec.json.encode(request, order="sorted")).hexdigest()


def validate_request(request: Request) -> None:
    """Shape rules that need no state, checked before a request is queued."""
    if not 0 < len(request.key) <= limits.KEY_CHARS_MAX:
        raise errors.InvalidRequest(f"key must have 1 to {limits.KEY_CHARS_MAX} characters", field="key")
    if len(msgspec.json.encode(request.metadata)) > limits.METADATA_BYTES_MAX:
        raise errors.InvalidRequest(f"metadata is over {limits.METADATA_BYTES_MAX} bytes", field="metadata")
    if len(request.events) > limits.EVENTS_PER_REQUEST_MAX:
        raise errors.InvalidRequest(f"at most {limits.EVENTS_PER_REQUEST_MAX} events", field="events")
    for subject, _payload in request.events:
        if not subject.startswith("casebook."):
            raise errors.InvalidRequest(f"event subject {subject!r} is not casebook.<owner>.<event>",
                                        field="events")
    if isinstance(request, PostPending) and request.amount_minor is not None:
        check_amount(request.amount_minor)
    if not isinstance(request, Transfer):
        return
    if not 2 <= len(request.legs) <= limits.LEGS_MAX:
        raise errors.InvalidRequest(f"a transaction has 2 to {limits.LEGS_MAX} legs", field="legs")
    net: dict[str, int] = {}
    for index, leg in enumerate(request.legs):
        amount_minor = leg.amount_minor
        if type(amount_minor) is not int or not 0 < amount_minor <= limits.AMOUNT_MAX_MINOR:  # hot path: no f-string
            check_amount(amount_minor, field=f"legs[{index}].amount_minor")
        if leg.currency not in CURRENCY_EXPONENTS:
            check_currency(leg.currency)
        net[leg.currency] = net.get(leg.currency, 0) + (amount_minor if leg.side == "debit" else -amount_minor)
    if any(net.values()):
        raise errors.UnbalancedTransaction("debits and credits must be equal in every currency", field="legs")
    if request.is_pending:
        if request.timeout_s is not None and not 0 < request.timeout_s <= limits.PENDING_TIMEOUT_MAX_S:
            raise errors.InvalidRequest(f"timeout_s must be 1 to {limits.PENDING_TIMEOUT_MAX_S}", field="timeout_s")
    elif request.timeout_s is not None:
        raise errors.InvalidRequest("timeout_s applies to pending transfers only", field="timeout_s")


def plan(request: Request, *, accounts: dict[int, AccountState], pendings: dict[int, PendingState],
         now: datetime) -> Draft:
    """The transaction `request` would make against this state, or the refusal, in a fixed check order.

    `pendings` holds the transactions the request refers to (pending ones, or the one to reverse).
    """
    validate_request(request)
    if isinstance(request, Transfer):
        draft = _plan_transfer(request, accounts, now)
    elif isinstance(request, Reverse):
        draft = _plan_reverse(request, pendings)
    else:
        draft = _plan_resolution(request, pendings, now)
    for entry in draft.entries:
        account = accounts.get(entry.account_id)
        if account is None:
            raise errors.AccountNotFound(f"account {entry.account_id} does not exist")
        if account.is_closed and entry.phase != "released":
            raise errors.AccountClosed(f"account {account.code} is closed")
        if account.currency != entry.currency:
            raise errors.CurrencyMismatch(f"account {account.code} holds {account.currency}, not {entry.currency}")
    return draft


def _plan_transfer(request: Transfer, accounts: dict[int, AccountState], now: datetime) -> Draft:
    phase: Phase = "pending" if request.is_pending else "posted"
    entries = tuple(Entry(account_id=leg.account_id, currency=leg.currency, side=leg.side,
                          amount_minor=leg.amount_minor, phase=phase) for leg in request.legs)
    if not request.is_pending:
        return Draft(kind="transfer", status="posted", entries=entries)
    timeout_s = request.timeout_s or limits.PENDING_TIMEOUT_MAX_S
    return Draft(kind="pending", status="pending", entries=entries, expires_at=now + timedelta(seconds=timeout_s))


def _plan_resolution(request: PostPending | VoidPending | ExpirePending, pendings: dict[int, PendingState],
                     now: datetime) -> Draft:
    pending = pendings.get(request.pending_id)
    if pending is None or pending.kind != "pending":
        raise errors.PendingNotFound(f"pending transaction {request.pending_id} does not exist")
    if pending.status == "expired":
        raise errors.PendingExpired(f"pending transaction {pending.id} expired")
    if pending.status != "pending":
        raise errors.PendingAlreadyResolved(f"pending transaction {pending.id} is already {pending.status}")
    is_overdue = pending.expires_at is not None and now >= pending.expires_at
    if isinstance(request, ExpirePending):
        if not is_overdue:
            raise errors.InvalidRequest(f"pending transaction {pending.id} has not expired yet")
    elif is_overdue:
        raise errors.PendingExpired(f"pending transaction {pending.id} expired")
    released = tuple(msgspec.structs.replace(entry, phase="released") for entry in pending.entries)
    if isinstance(request, VoidPending):
        return Draft(kind="void_pending", status="posted", entries=released, pending_id=pending.id,
                     resolved_status="voided")
    if isinstance(request, ExpirePending):
        return Draft(kind="expire_pending", status="posted", entries=released, pending_id=pending.id,
                     resolved_status="expired")
    posted = tuple(msgspec.structs.replace(entry, phase="posted") for entry in pending.entries)
    if request.amount_minor is not None:
        held_minor = pending.entries[0].amount_minor
        if len(pending.entries) != 2:
            raise errors.InvalidRequest("only a two-leg pending can be posted for a smaller amount",
                                        field="amount_minor")
        if request.amount_minor > held_minor:
            raise errors.InvalidAmount(f"amount_minor is over the {held_minor} held", field="amount_minor")
        posted = tuple(msgspec.structs.replace(entry, amount_minor=request.amount_minor) for entry in posted)
    return Draft(kind="post_pending", status="posted", entries=released + posted, pending_id=pending.id,
                 resolved_status="posted")


def _plan_reverse(request: Reverse, originals: dict[int, PendingState]) -> Draft:
    original = originals.get(request.transaction_id)
    if original is None:
        raise errors.TransactionNotFound(f"transaction {request.transaction_id} does not exist")
    if original.kind not in ("transfer", "post_pending", "reverse"):
        raise errors.NotReversible(f"a {original.kind} transaction moves no posted money; void a pending instead")
    if original.is_reversed:
        raise errors.AlreadyReversed(f"transaction {original.id} is already reversed")
    flipped = tuple(msgspec.structs.replace(entry, side="credit" if entry.side == "debit" else "debit")
                    for entry in original.entries if entry.phase == "posted")
    return Draft(kind="reverse", status="posted", entries=flipped, reverses_id=original.id)


def apply(draft: Draft, accounts: dict[int, AccountState], pendings: dict[int, PendingState]) -> None:
    """Add a planned draft to the balances, or refuse it when an account's limit would break.

    All-or-nothing: nothing in `accounts` changes when this raises.
    """
    assert_balanced(draft.entries)
    changed: dict[int, AccountState] = {}
    for entry in draft.entries:
        account = changed.get(entry.account_id) or msgspec.structs.replace(accounts[entry.account_id])
        changed[account.id] = account
        add_entry(account, entry)
    for account in changed.values():
        refusal = limit_refusal(account)
        if refusal is not None:
            raise refusal
    accounts.update(changed)
    if draft.pending_id is not None:
        pendings[draft.pending_id].status = draft.resolved_status or "posted"
    if draft.reverses_id is not None:
        pendings[draft.reverses_id].is_reversed = True


def add_entry(account: AccountState, entry: Entry) -> None:
    amount = entry.amount_minor
    assert isinstance(amount, int) and amount > 0, entry
    if entry.phase == "posted":
        field = f"{entry.side}s_posted_minor"
    else:
        field = f"{entry.side}s_pending_minor"
        amount = amount if entry.phase == "pending" else -amount
    setattr(account, field, getattr(account, field) + amount)
    assert getattr(account, field) >= 0, f"{field} of account {account.id} went negative"


def limit_refusal(account: AccountState) -> errors.CasebookError | None:
    if account.debits_must_not_exceed_credits and (
            account.debits_posted_minor + account.debits_pending_minor
            > account.credits_posted_minor + account.overdraft_minor):
        return errors.InsufficientFunds(f"account {account.code} has insufficient funds")
    if account.credits_must_not_exceed_debits and (
            account.credits_posted_minor + account.credits_pending_minor
            > account.debits_posted_minor + account.overdraft_minor):
        return errors.ExceedsDebits(f"account {account.code} would be credited past its debits")
    return None


def assert_balanced(entries: tuple[Entry, ...]) -> None:
    """Debits equal credits per currency and phase: an invariant, not a refusal."""
    net: dict[tuple[str, str], int] = {}
    for entry in entries:
        assert isinstance(entry.amount_minor, int) and not isinstance(entry.amount_minor, bool), entry
        signed = entry.amount_minor if entry.side == "debit" else -entry.amount_minor
        net[(entry.currency, entry.phase)] = net.get((entry.currency, entry.phase), 0) + signed
    assert not any(net.values()), f"unbalanced transaction: {net}"


def balances_of(account: AccountState) -> Balances:
    """Posted net on the normal side; available also subtracts pending outflows (never pending inflows)."""
    debits, credits = account.debits_posted_minor, account.credits_posted_minor
    if account.normal_side == "debit":
        posted, outflow = debits - credits, account.credits_pending_minor
    else:
        posted, outflow = credits - debits, account.debits_pending_minor
    return Balances(account_id=account.id, currency=account.currency, debits_posted_minor=debits,
                    credits_posted_minor=credits, debits_pending_minor=account.debits_pending_minor,
                    credits_pending_minor=account.credits_pending_minor, posted_minor=posted,
                    available_minor=posted - outflow)
