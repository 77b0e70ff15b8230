"""Every bound of the payments engine, units last (TigerBeetle: a limit on everything)."""

KEY_CHARS_MAX = 100  # leaves room for the "payments:...:" prefix inside the ledger's 128-character keys
OWNER_REF_CHARS_MAX = 120  # the ledger's owner_ref bound
NAME_CHARS_MAX = 100  # a bank link's or a merchant's display name
MERCHANT_CATEGORY_CHARS_MAX = 40
BANK_LINKS_PER_OWNER_MAX = 5

# Amounts in minor units of any currency: 10,000,000 is $100,000.00, far above a consumer transfer.
DEPOSIT_AMOUNT_MAX_MINOR = 10_000_000
WITHDRAWAL_AMOUNT_MAX_MINOR = 10_000_000
AUTHORIZATION_AMOUNT_MAX_MINOR = 10_000_000

# The simulated bank answers after a few seconds, not the real 1-3 business days, so a demo shows both states.
DEPOSIT_SETTLE_AFTER_S = 3
WITHDRAWAL_SETTLE_AFTER_S = 3
SETTLE_AFTER_MAX_S = 7 * 24 * 3600
# The ledger hold outlives the settlement job by far; it only lapses when the job never ran (scheduler down).
BANK_HOLD_TIMEOUT_S = 14 * 24 * 3600

# Instant cash-out fee: 1.5%, at least $0.25 (Cash App's published range is 0.5%-1.75%, min $0.25).
INSTANT_FEE_BASIS_POINTS = 150
INSTANT_FEE_MIN_MINOR = 25

# Cards: a fixed test BIN (Visa's 4000 00 test range), 16 digits, valid for 4 years like most debit cards.
CARD_BIN = "400000"
CARD_NUMBER_DIGITS = 16
CARD_VALID_YEARS = 4
CARD_ISSUE_ATTEMPTS_MAX = 5  # a fresh random number collides with an issued one at most this often

# Authorizations lapse after 7 days unless captured (networks use 7-30 days); the ledger caps holds at 30.
AUTHORIZATION_EXPIRES_IN_S = 7 * 24 * 3600
AUTHORIZATION_EXPIRES_IN_MAX_S = 30 * 24 * 3600
EXPIRE_EVERY_S = 5  # the expiry job's period: a lapsed hold shows as expired within ~5 s
EXPIRE_BATCH_MAX = 100  # authorizations marked expired per job run
AUTHORIZATIONS_PAGE_MAX = 100
