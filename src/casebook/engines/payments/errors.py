"""The payments engine's refusals: each a platform error with a stable code."""

from __future__ import annotations

from casebook.engines.ledger import IdempotencyMismatch, InsufficientFunds, InvalidAmount
from casebook.platform.errors import Conflict, Invalid, NotFound

__all__ = [
    "AlreadyCaptured", "AuthorizationExpired", "AuthorizationNotFound", "BankLinkNotFound",
    "BankLinksExceeded", "BankTransferNotFound", "CardAlreadyIssued", "CardClosed", "CardNotFound",
    "IdempotencyMismatch", "InsufficientFunds", "InvalidAmount", "InvalidPaymentRequest", "NotCapturable",
    "NotReversible",
]


class InvalidPaymentRequest(Invalid):
    code = "invalid_payment_request"
    title = "Invalid payment request"


class BankLinkNotFound(NotFound):
    code = "bank_link_not_found"
    title = "Bank link not found"


class BankLinksExceeded(Conflict):
    code = "bank_links_exceeded"
    title = "Too many bank links"


class BankTransferNotFound(NotFound):
    code = "bank_transfer_not_found"
    title = "Deposit or withdrawal not found"


class CardNotFound(NotFound):
    code = "card_not_found"
    title = "Card not found"


class CardAlreadyIssued(Conflict):
    """One open card per wallet: close the old one (lost, stolen) before issuing another."""

    code = "card_already_issued"
    title = "The wallet already has an open card"


class CardClosed(Conflict):
    code = "card_closed"
    title = "Card closed"


class AuthorizationNotFound(NotFound):
    code = "authorization_not_found"
    title = "Authorization not found"


class NotCapturable(Conflict):
    code = "authorization_not_capturable"
    title = "Authorization cannot be captured"


class AlreadyCaptured(Conflict):
    code = "authorization_already_captured"
    title = "Authorization already captured"


class AuthorizationExpired(Conflict):
    code = "authorization_expired"
    title = "Authorization expired"


class NotReversible(Conflict):
    code = "authorization_not_reversible"
    title = "Authorization cannot be reversed"
