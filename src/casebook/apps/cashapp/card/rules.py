"""Cash Card input rules: what the card network may send and how its keys are scoped; no I/O."""

from __future__ import annotations

import re

from casebook.apps.cashapp import rules
from casebook.platform.errors import Invalid
from casebook.platform.http.params import SNOWFLAKE_MAX

# $7,000: Cash Card's published spending limit per purchase (and per day); far under the engine's cap.
PURCHASE_AMOUNT_MAX_MINOR = 700_000
NETWORK_KEY_PREFIX = "cashapp:network:"
UI_KEY_PREFIX = "cashapp:card-ui:"
# The engine keeps keys of at most 100 characters; ours carry a prefix.
NETWORK_KEY_CHARS_MAX = 100 - len(NETWORK_KEY_PREFIX)
CVV_MASK = "•••"
RECENT_PURCHASES_MAX = 20
EXPIRY_YEAR_MIN, EXPIRY_YEAR_MAX = 2000, 2099

_CARD_NUMBER = re.compile(r"\d{12,19}")  # ISO/IEC 7812 lengths
_CVV = re.compile(r"\d{3}")
_CARD_ID = re.compile(r"[1-9]\d{0,18}")


class UnsupportedCurrency(Invalid):
    code = "unsupported_currency"
    title = "Unsupported currency"


def network_key(client_key: str | None) -> str:
    """The network's Idempotency-Key (required) as the engine's key: one namespace for the one network."""
    if client_key is None or not client_key.strip():
        raise Invalid("Send an Idempotency-Key header with every network message, so a retry cannot act twice.",
                      field="Idempotency-Key", code="idempotency_key_required")
    key = client_key.strip()
    if len(key) > NETWORK_KEY_CHARS_MAX or not key.isprintable():
        raise Invalid(f"Idempotency-Key must be 1 to {NETWORK_KEY_CHARS_MAX} printable characters.",
                      field="Idempotency-Key", code="invalid_idempotency_key")
    return NETWORK_KEY_PREFIX + key


def parse_purchase_amount(text: object) -> int:
    return rules.parse_amount(text, amount_max_minor=PURCHASE_AMOUNT_MAX_MINOR)


def check_currency(currency: object) -> str:
    """A Cash Card spends the USD wallet only; anything else is refused before the network sees a card."""
    if currency != rules.CURRENCY:
        raise UnsupportedCurrency(f"Cash Card purchases are in {rules.CURRENCY}.", field="currency")
    return rules.CURRENCY


def parse_card_id(text: object) -> int:
    if not isinstance(text, str) or not _CARD_ID.fullmatch(text) or int(text) > SNOWFLAKE_MAX:
        raise Invalid("card_id is a card's id, a string of digits.", field="card_id", code="invalid_card_id")
    return int(text)


def check_card_details(*, card_number: object, expiry_month: object, expiry_year: object,
                       cvv: object) -> tuple[str, int, int, str]:
    """The shape of a card number with its expiry and CVV; whether they match a card is the network's
    answer (a decline), not an input error."""
    if not isinstance(card_number, str) or not _CARD_NUMBER.fullmatch(card_number):
        raise Invalid("card_number is 12 to 19 digits.", field="card_number", code="invalid_card_number")
    if not isinstance(expiry_month, int) or isinstance(expiry_month, bool) or not 1 <= expiry_month <= 12:
        raise Invalid("expiry_month is 1 to 12.", field="expiry_month", code="invalid_expiry")
    if (not isinstance(expiry_year, int) or isinstance(expiry_year, bool)
            or not EXPIRY_YEAR_MIN <= expiry_year <= EXPIRY_YEAR_MAX):
        raise Invalid(f"expiry_year is a four-digit year ({EXPIRY_YEAR_MIN}-{EXPIRY_YEAR_MAX}).",
                      field="expiry_year", code="invalid_expiry")
    if not isinstance(cvv, str) or not _CVV.fullmatch(cvv):
        raise Invalid("cvv is 3 digits.", field="cvv", code="invalid_cvv")
    return card_number, expiry_month, expiry_year, cvv
