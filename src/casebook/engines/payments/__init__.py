"""Simulations of the outside money world: a bank (links, add cash, cash out) and a card network
(virtual debit cards, authorize, capture, reverse), moving money through the ledger.

Apps write `from casebook.engines import payments`, call `payments.start_deposit(platform, ...)`, and add
`*ledger.jobs, *payments.jobs` to their AppModule.jobs.
"""

from casebook.engines.payments.bank import (
    get_bank_link,
    get_deposit,
    get_withdrawal,
    link_bank,
    list_bank_links,
    set_failing_next,
    settle_bank_transfer,
    start_deposit,
    start_withdrawal,
)
from casebook.engines.payments.books import bank_settlement_code, fee_revenue_code, merchant_settlement_code
from casebook.engines.payments.cards import (
    close_card,
    find_card_for_wallet,
    freeze_card,
    get_card,
    issue_card,
    reveal_card,
    reveal_masked,
    unfreeze_card,
)
from casebook.engines.payments.errors import (
    AlreadyCaptured,
    AuthorizationExpired,
    AuthorizationNotFound,
    BankLinkNotFound,
    BankLinksExceeded,
    BankTransferNotFound,
    CardAlreadyIssued,
    CardClosed,
    CardNotFound,
    IdempotencyMismatch,
    InsufficientFunds,
    InvalidAmount,
    InvalidPaymentRequest,
    NotCapturable,
    NotReversible,
)
from casebook.engines.payments.events import (
    AUTHORIZATION_EXPIRED,
    CARD_AUTHORIZED,
    CARD_CAPTURED,
    CARD_DECLINED,
    CARD_REVERSED,
    DEPOSIT_FAILED,
    DEPOSIT_SETTLED,
    DEPOSIT_STARTED,
    WITHDRAWAL_FAILED,
    WITHDRAWAL_SETTLED,
    WITHDRAWAL_STARTED,
)
from casebook.engines.payments.jobs import jobs
from casebook.engines.payments.model import (
    Authorization,
    AuthorizationPage,
    BankLink,
    BankTransfer,
    Card,
    CardSecrets,
    DeclineReason,
    Deposit,
    Speed,
    Withdrawal,
    instant_fee_minor,
    is_luhn_valid,
)
from casebook.engines.payments.network import (
    authorize,
    capture,
    expire_authorizations,
    get_authorization,
    list_authorizations,
    reverse,
)

__all__ = [
    "AUTHORIZATION_EXPIRED", "CARD_AUTHORIZED", "CARD_CAPTURED", "CARD_DECLINED", "CARD_REVERSED",
    "DEPOSIT_FAILED", "DEPOSIT_SETTLED", "DEPOSIT_STARTED", "WITHDRAWAL_FAILED", "WITHDRAWAL_SETTLED",
    "WITHDRAWAL_STARTED",
    "AlreadyCaptured", "Authorization", "AuthorizationExpired", "AuthorizationNotFound", "AuthorizationPage",
    "BankLink", "BankLinkNotFound", "BankLinksExceeded", "BankTransfer", "BankTransferNotFound", "Card",
    "CardAlreadyIssued", "CardClosed", "CardNotFound", "CardSecrets", "DeclineReason", "Deposit",
    "IdempotencyMismatch", "InsufficientFunds", "InvalidAmount", "InvalidPaymentRequest", "NotCapturable",
    "NotReversible", "Speed", "Withdrawal",
    "authorize", "bank_settlement_code", "capture", "close_card", "expire_authorizations", "fee_revenue_code",
    "find_card_for_wallet", "freeze_card", "get_authorization", "get_bank_link", "get_card", "get_deposit",
    "get_withdrawal", "instant_fee_minor", "is_luhn_valid", "issue_card", "jobs", "link_bank",
    "list_authorizations", "list_bank_links", "merchant_settlement_code", "reveal_card", "reveal_masked",
    "reverse", "set_failing_next", "settle_bank_transfer", "start_deposit", "start_withdrawal",
    "unfreeze_card",
]
