"""CashApp's pure product rules: cashtags, amounts, notes, sending limits and velocity; no I/O."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from casebook.engines import ledger
from casebook.platform.errors import Invalid

CURRENCY = "USD"  # one wallet per profile, in dollars (Cash App's US product)
CASHTAG_CHARS_MIN = 3
CASHTAG_CHARS_MAX = 20
CASHTAG_HOLD = timedelta(days=30)  # a released cashtag cannot be taken by someone else for this long
CASHTAG_SUFFIX_ATTEMPTS_MAX = 8  # derived cashtag taken: try this many random-suffixed ones
NOTE_CHARS_MAX = 140
PAYMENT_AMOUNT_MAX_MINOR = 750_000  # $7,500: Cash App's weekly sending limit for verified accounts
BANK_AMOUNT_MAX_MINOR = 2_500_000  # $25,000 per deposit or cash-out
SENDING_LIMIT_UNVERIFIED_MINOR = 25_000  # $250 per rolling 30 days, Cash App's figure for unverified accounts
SENDING_LIMIT_VERIFIED_MINOR = 3_000_000  # $30,000 per rolling 30 days (~$7,500 a week)
SENDING_WINDOW = timedelta(days=30)
VELOCITY_PAYMENTS_MAX = 10  # payments a sender may make per VELOCITY_WINDOW: refuses scripted bursts
VELOCITY_WINDOW = timedelta(minutes=1)
CLIENT_KEY_CHARS_MAX = 64  # room for "cashapp:pay:<sender id>:" inside the ledger's 128-character keys
PEOPLE_RESULTS_MAX = 20
LEGAL_NAME_CHARS_MAX = 100
VERIFICATION_AGE_MIN_YEARS = 18  # Cash App's own accounts are for adults; minors use sponsored accounts
VERIFICATION_BORN_AFTER = date(1900, 1, 1)  # an earlier date of birth is a typing mistake, not a customer
VERIFICATION_FAILURES_MAX = 5  # failed checks per VERIFICATION_FAILURE_WINDOW: stops guessing someone's details
VERIFICATION_FAILURE_WINDOW = timedelta(days=1)
SIMULATED_UNMATCHED_SSN_LAST4 = "0000"  # the simulated identity check finds no record for these digits
BANK_LINK_NAME_CHARS_MAX = 60
STATEMENT_ROWS_MAX = 10_000  # a month of a very busy account; rows past this are left out (newest kept)

_CASHTAG = re.compile(rf"\$[a-z0-9_]{{{CASHTAG_CHARS_MIN},{CASHTAG_CHARS_MAX}}}")
_AMOUNT = re.compile(r"\d{1,12}(\.\d{1,2})?")
_PHONE = re.compile(r"\+[1-9]\d{7,14}")  # E.164
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only, unlike \d
_LAST4 = re.compile(r"[0-9]{4}")
_SNOWFLAKE = re.compile(r"[0-9]{1,19}")


def normalize_cashtag(text: str) -> str:
    """"$Alice" and "alice" both name $alice: cashtags are unique case-insensitively."""
    text = text.strip().lower()
    return text if text.startswith("$") else "$" + text


def check_cashtag(text: str, *, field: str = "cashtag") -> str:
    cashtag = normalize_cashtag(text)
    if not _CASHTAG.fullmatch(cashtag):
        raise Invalid(f"A cashtag is $ and {CASHTAG_CHARS_MIN} to {CASHTAG_CHARS_MAX} letters, digits or "
                      "underscores.", field=field, code="invalid_cashtag")
    return cashtag


def cashtag_from_username(username: str) -> str:
    """The first cashtag to try for a new profile: the username's allowed characters, padded and cut."""
    stem = re.sub(r"[^a-z0-9_]", "", username.lower())[:CASHTAG_CHARS_MAX]
    return "$" + stem.ljust(CASHTAG_CHARS_MIN, "0")


def with_suffix(cashtag: str, suffix: str) -> str:
    return cashtag[:1 + CASHTAG_CHARS_MAX - len(suffix)] + suffix


def parse_amount(text: object, *, amount_max_minor: int = PAYMENT_AMOUNT_MAX_MINOR, field: str = "amount") -> int:
    """A decimal string of dollars ("12.34") as integer cents; anything else is refused with the field."""
    if not isinstance(text, str) or not _AMOUNT.fullmatch(text.strip()):
        raise Invalid('Send the amount as a decimal string of dollars with at most 2 decimals, like "12.34".',
                      field=field, code="invalid_amount")
    try:
        amount_minor = ledger.to_minor(Decimal(text.strip()), CURRENCY)
    except (InvalidOperation, ledger.InvalidAmount) as error:
        raise Invalid("The amount is not a valid number of dollars.", field=field, code="invalid_amount") from error
    if amount_minor <= 0:
        raise Invalid("The amount must be more than zero.", field=field, code="invalid_amount")
    if amount_minor > amount_max_minor:
        raise Invalid(f"The amount must be at most {format_amount(amount_max_minor)}.", field=field,
                      code="invalid_amount")
    return amount_minor


def format_amount(amount_minor: int) -> str:
    return str(ledger.to_major(amount_minor, CURRENCY))


def check_note(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_CHARS_MAX:
        raise Invalid(f"A note has at most {NOTE_CHARS_MAX} characters.", field="note")
    return note


def check_phone(phone: str) -> str:
    phone = re.sub(r"[\s()-]", "", phone)
    if not _PHONE.fullmatch(phone):
        raise Invalid("A phone number is in international format, like +14155550123.", field="phone",
                      code="invalid_phone")
    return phone


def check_client_key(key: str | None, *, is_required: bool) -> str | None:
    if key is None or not key.strip():
        if is_required:
            raise Invalid("Send an Idempotency-Key header with every payment, so a retry cannot pay twice.",
                          field="Idempotency-Key", code="idempotency_key_required")
        return None
    key = key.strip()
    if len(key) > CLIENT_KEY_CHARS_MAX or not key.isprintable():
        raise Invalid(f"Idempotency-Key must be 1 to {CLIENT_KEY_CHARS_MAX} printable characters.",
                      field="Idempotency-Key", code="invalid_idempotency_key")
    return key


def sending_limit_minor(*, is_verified: bool) -> int:
    return SENDING_LIMIT_VERIFIED_MINOR if is_verified else SENDING_LIMIT_UNVERIFIED_MINOR


def parse_month(text: str) -> tuple[int, int]:
    match = _MONTH.fullmatch(text)
    if match is None:
        raise Invalid("A statement month is written yyyy-mm, like 2026-03.", field="month")
    return int(match.group(1)), int(match.group(2))


def check_legal_name(name: object) -> str:
    """As on a government ID: a letter at least, inner runs of spaces folded to one."""
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not 2 <= len(text) <= LEGAL_NAME_CHARS_MAX or not text.isprintable() or not any(c.isalpha() for c in text):
        raise Invalid(f"Write your legal name as on your ID: 2 to {LEGAL_NAME_CHARS_MAX} characters.",
                      field="legal_name", code="invalid_legal_name")
    return text


def check_date_of_birth(text: object, *, today: date) -> date:
    """An ISO date (yyyy-mm-dd) in the past; being under age is a separate refusal (see check_adult)."""
    try:
        if not isinstance(text, str) or not _ISO_DATE.fullmatch(text.strip()):
            raise ValueError(text)
        born = date.fromisoformat(text.strip())
    except ValueError as error:
        raise Invalid("Write the date of birth as yyyy-mm-dd, like 1990-04-21.", field="date_of_birth",
                      code="invalid_date_of_birth") from error
    if not VERIFICATION_BORN_AFTER <= born <= today:
        raise Invalid("This date of birth is not possible.", field="date_of_birth", code="invalid_date_of_birth")
    return born


def age_years(born: date, *, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def check_ssn_last4(text: object) -> str:
    """Only the last four digits of the tax id: the full number is never asked for, kept or shown."""
    if not isinstance(text, str) or not _LAST4.fullmatch(text.strip()):
        raise Invalid("Send only the last 4 digits of your Social Security number.", field="ssn_last4",
                      code="invalid_ssn_last4")
    return text.strip()


def check_bank_link_name(name: object) -> str:
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not 1 <= len(text) <= BANK_LINK_NAME_CHARS_MAX or not text.isprintable():
        raise Invalid(f"Name the bank account in 1 to {BANK_LINK_NAME_CHARS_MAX} characters.", field="name",
                      code="invalid_bank_link_name")
    return text


def check_account_last4(text: object) -> str | None:
    if text is None:
        return None
    if not isinstance(text, str) or not _LAST4.fullmatch(text.strip()):
        raise Invalid("account_last4 is the last 4 digits of the bank account number.", field="account_last4",
                      code="invalid_account_last4")
    return text.strip()


def parse_link_id(text: str | None) -> int | None:
    """A bank link id as the API shows it (a decimal string); None picks the profile's first link."""
    if text is None:
        return None
    if not isinstance(text, str) or not _SNOWFLAKE.fullmatch(text) or int(text) >= 2**63:
        raise Invalid("link_id is a bank link id from GET /api/cashapp/bank/links.", field="link_id",
                      code="invalid_link_id")
    return int(text)
