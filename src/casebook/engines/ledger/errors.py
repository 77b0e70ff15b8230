"""The ledger's refusals: each a platform error with a stable code, rebuilt by code on idempotent replay."""

from __future__ import annotations

from casebook.platform.errors import CasebookError, Conflict, Invalid, NotFound


class InsufficientFunds(Conflict):
    """A `debits_must_not_exceed_credits` account would go below zero (less its overdraft)."""

    code = "insufficient_funds"
    title = "Insufficient funds"


class ExceedsDebits(Conflict):
    """A `credits_must_not_exceed_debits` account would be credited past its debits (plus overdraft)."""

    code = "exceeds_debits"
    title = "Credits would exceed debits"


class AccountNotFound(NotFound):
    code = "account_not_found"
    title = "Account not found"


class AccountClosed(Conflict):
    code = "account_closed"
    title = "Account closed"


class AccountNotEmpty(Conflict):
    code = "account_not_empty"
    title = "Account has a balance or pending amounts"


class AccountCodeTaken(Conflict):
    code = "account_code_taken"
    title = "Account code already used with other settings"


class CurrencyMismatch(Invalid):
    code = "currency_mismatch"
    title = "Currency does not match the account"


class UnknownCurrency(Invalid):
    code = "unknown_currency"
    title = "Unknown currency"


class InvalidAmount(Invalid):
    code = "invalid_amount"
    title = "Invalid amount"


class UnbalancedTransaction(Invalid):
    code = "unbalanced_transaction"
    title = "Debits and credits differ"


class InvalidRequest(Invalid):
    code = "invalid_ledger_request"
    title = "Invalid ledger request"


class IdempotencyMismatch(Invalid):
    code = "idempotency_key_mismatch"
    title = "Idempotency key reused with a different request"


class PendingNotFound(NotFound):
    code = "pending_not_found"
    title = "Pending transaction not found"


class PendingExpired(Conflict):
    code = "pending_expired"
    title = "Pending transaction expired"


class PendingAlreadyResolved(Conflict):
    code = "pending_already_resolved"
    title = "Pending transaction already posted or voided"


class TransactionNotFound(NotFound):
    code = "transaction_not_found"
    title = "Transaction not found"


class NotReversible(Conflict):
    code = "not_reversible"
    title = "Transaction cannot be reversed"


class AlreadyReversed(Conflict):
    code = "already_reversed"
    title = "Transaction already reversed"


REFUSALS: dict[str, type[CasebookError]] = {
    cls.code: cls
    for cls in (InsufficientFunds, ExceedsDebits, AccountNotFound, AccountClosed, CurrencyMismatch, UnknownCurrency,
                InvalidAmount, UnbalancedTransaction, InvalidRequest, IdempotencyMismatch, PendingNotFound,
                PendingExpired, PendingAlreadyResolved, TransactionNotFound, NotReversible, AlreadyReversed)
}


def refusal_from(code: str, detail: str) -> CasebookError:
    """The error a stored refusal stands for, so a retry raises what the first attempt raised."""
    return REFUSALS.get(code, Conflict)(detail, code=code)
