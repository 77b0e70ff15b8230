"""Every bound of the ledger engine, units last (TigerBeetle: a limit on everything)."""

AMOUNT_MAX_MINOR = 2**62  # far above any real amount, and sums of a few still fit a signed BIGINT
LEGS_MAX = 32  # a purchase split (hold, merchant, fee, boost) needs a handful, never dozens
KEY_CHARS_MAX = 128
CODE_CHARS_MAX = 120
OWNER_REF_CHARS_MAX = 120
METADATA_BYTES_MAX = 8_192  # the app keeps its record (note, counterparty, reference) here, not a blob
EVENTS_PER_REQUEST_MAX = 8
PENDING_TIMEOUT_MAX_S = 30 * 24 * 3600  # card authorisations lapse after ~7-30 days
OVERDRAFT_MAX_MINOR = 2**62
REQUESTS_PER_SUBMIT_MAX = 8_190  # TigerBeetle's batch size limit per request

BATCH_REQUESTS_MAX = 512  # one DB transaction carries at most this many requests
BATCH_LINGER_S = 0.002  # 2 ms: how long the writer waits to fill a batch after the first request
WRITER_QUEUE_MAX = 16_384  # back-pressure: submitters wait when the writer is this far behind
WRITER_PARTITIONS = 1  # writer tasks per process; SQLite has one write connection anyway

EXPIRE_BATCH_MAX = 500  # pendings expired per scheduler run
EXPIRE_EVERY_S = 5
EXPIRY_GRACE_S = 60  # verify() tolerates an open pending this long past its expiry (job lag)
POSTINGS_PAGE_MAX = 100
ACCOUNTS_PER_OWNER_MAX = 100
VIOLATIONS_MAX = 100  # verify() stops listing after this many
