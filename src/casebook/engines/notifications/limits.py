"""Every bound of the notifications engine, units last (TigerBeetle: a limit on everything)."""

NETWORK_CHARS_MAX = 40  # a product's slug: "instagram"
KIND_CHARS_MAX = 40  # an app's word for what happened: "like", "comment", "follow"
GROUP_KEY_CHARS_MAX = 200  # "like:post:<snowflake>" and the like, with room to spare
DATA_BYTES_MAX = 1_024  # the app's payload as JSON: a comment excerpt, never a document

# 3: "alice, bob and 12 others" needs two names and a face pile of three.
GROUP_ACTORS_KEPT = 3
# A group found taken by a concurrent writer and then gone (read or withdrawn) is retried this often.
GROUP_CLAIM_ATTEMPTS_MAX = 5

PAGE_SIZE_DEFAULT = 20
PAGE_SIZE_MAX = 100
MARK_READ_IDS_MAX = 100  # one page's worth

# Counting stops here: a badge shows "99+" (Instagram's cap), and a bounded count stays one short index scan.
UNREAD_COUNTED_MAX = 100

# 90 days of history: the activity feeds of large networks keep about that much, then drop it.
RETENTION_S = 90 * 24 * 3600
PURGE_EVERY_S = 60
PURGE_BATCH_MAX = 1_000  # notifications deleted per run: 1.4 M a day, in short transactions
# Lines taken back at once about one deleted subject or one blocked actor; any beyond stay hidden by the app.
REMOVED_PER_CALL_MAX = 1_000
