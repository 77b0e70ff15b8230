"""Caps of explore, search, hashtag and place pages: how much each read may look at and return."""

SEARCH_RESULTS_MAX = 50  # one type-ahead or search answer
SEARCH_RESULTS_DEFAULT = 20
SEARCH_QUERY_CHARS_MAX = 100  # longer input is cut: nobody types more into a search box
# Post hits fetched before the audience filter drops what the searcher may not see: 100 is the search
# port's page cap, so one query bounds the work however many hits are private.
SEARCH_POST_CANDIDATES_MAX = 100
SEARCH_HASHTAG_CANDIDATES_MAX = 100  # prefix hits re-ranked by post count

# A hashtag or place page scans at most this many rows per request to fill a page with visible posts;
# the cursor then resumes after the last row scanned, so hidden posts are skipped, never repeated.
LISTING_SCAN_ROWS_MAX = 400
LISTING_SCAN_BATCH_ROWS = 100

TREND_WINDOW_HOURS = 24
TREND_BUCKET_TTL_S = 25 * 3600  # a bucket outlives the window by an hour, then the cache drops it
TREND_BUCKET_MEMBERS_MAX = 1_000  # top members kept per hourly bucket (approximate top-k, like Space-Saving)
TREND_READ_PER_BUCKET_MAX = 200  # members read from each bucket when explore sums the window
EXPLORE_POST_CANDIDATES_MAX = 200  # summed candidates explore loads before the audience filter
EXPLORE_POSTS_MAX = 30
EXPLORE_HASHTAGS_MAX = 10
EXPLORE_SUGGESTIONS_MAX = 10
# Without counters in the cache (a fresh cache), explore ranks the newest posts of the window from the
# database instead: at most this many, newest first.
TREND_FALLBACK_POSTS_MAX = 1_000
TREND_ID_CLOCK_SLACK_HOURS = 24
TREND_SUMMARY_TTL_S = 60  # explore's summed window is reused this long (the buckets move by the hour)
REINDEX_OPENED_POSTS_MAX = 200  # posts whose hashtags and places are indexed when an account turns public
