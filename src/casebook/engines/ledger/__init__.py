"""The double-entry ledger: accounts, atomic multi-leg transactions, two-phase pendings, batched writer.

Apps write `from casebook.engines import ledger` and call `ledger.transfer(platform, ...)`.
"""

from casebook.engines.ledger.errors import (
    AccountClosed,
    AccountCodeTaken,
    AccountNotEmpty,
    AccountNotFound,
    AlreadyReversed,
    CurrencyMismatch,
    ExceedsDebits,
    IdempotencyMismatch,
    InsufficientFunds,
    InvalidAmount,
    InvalidRequest,
    NotReversible,
    PendingAlreadyResolved,
    PendingExpired,
    PendingNotFound,
    TransactionNotFound,
    UnbalancedTransaction,
    UnknownCurrency,
)
from casebook.engines.ledger.events import (
    PENDING_CREATED,
    PENDING_EXPIRED,
    PENDING_POSTED,
    PENDING_VOIDED,
    TRANSACTION_POSTED,
    TRANSACTION_REVERSED,
)
from casebook.engines.ledger.jobs import jobs
from casebook.engines.ledger.model import (
    Account,
    Balances,
    Entry,
    ExpirePending,
    Leg,
    Posting,
    PostingPage,
    PostPending,
    Request,
    Reverse,
    Transaction,
    Transfer,
    TransferResult,
    VoidPending,
    to_major,
    to_minor,
)
from casebook.engines.ledger.service import (
    balance_as_of,
    balances,
    close_account,
    commit,
    expire_pending,
    find_account_by_code,
    find_accounts_by_owner,
    get_account,
    get_transaction,
    list_postings,
    open_account,
    post_pending,
    reverse,
    submit,
    transact,
    transfer,
    void_pending,
)
from casebook.engines.ledger.verify import VerifyReport, verify
from casebook.engines.ledger.writer import stop_writers

__all__ = [
    "PENDING_CREATED", "PENDING_EXPIRED", "PENDING_POSTED", "PENDING_VOIDED", "TRANSACTION_POSTED",
    "TRANSACTION_REVERSED",
    "Account", "AccountClosed", "AccountCodeTaken", "AccountNotEmpty", "AccountNotFound", "AlreadyReversed",
    "Balances", "CurrencyMismatch", "Entry", "ExceedsDebits", "ExpirePending", "IdempotencyMismatch",
    "InsufficientFunds", "InvalidAmount", "InvalidRequest", "Leg", "NotReversible", "PendingAlreadyResolved",
    "PendingExpired", "PendingNotFound", "PostPending", "Posting", "PostingPage", "Request", "Reverse",
    "Transaction", "TransactionNotFound", "Transfer", "TransferResult", "UnbalancedTransaction",
    "UnknownCurrency", "VerifyReport", "VoidPending",
    "balance_as_of", "balances", "close_account", "commit", "expire_pending", "find_account_by_code",
    "find_accounts_by_owner", "get_account", "get_transaction", "jobs", "list_postings", "open_account",
    "post_pending", "reverse", "stop_writers", "submit", "to_major", "to_minor", "transact", "transfer",
    "verify", "void_pending",
]
