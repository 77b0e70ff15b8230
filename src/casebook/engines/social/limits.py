"""Every bound of the social engine, units last (TigerBeetle: a limit on everything)."""

NETWORK_CHARS_MAX = 32  # a product slug chosen by the app, not free text
PAGE_SIZE_MAX = 100  # followers, following and follow-request pages
FOLLOWING_MAX = 7_500  # Instagram's cap on accounts one account may follow
COUNTS_IDS_MAX = 1_000  # accounts per counts() call
BLOCKED_IDS_MAX = 10_000  # blocked_either_way_ids() reads at most this many
FOLLOWER_IDS_PAGE_MAX = 1_000  # follower_ids() page: one fan-out batch
SUGGEST_FOLLOWEES_SAMPLE_MAX = 100  # suggest_accounts() looks through at most this many of my followees
SUGGESTIONS_MAX = 50

TIMELINE_ITEMS_MAX = 800  # Mastodon's home-feed cap
TIMELINE_TTL_S = 7 * 24 * 3600  # an account away for a week gets its timeline rebuilt on return
TOUCH_EVERY_S = 3600  # reads renew a timeline's TTL at most this often (each renewal is two cache writes)
TIMELINE_PAGE_MAX = 100
FANOUT_FOLLOWERS_MAX = 10_000  # inclusive: authors with more followers are pulled at read time
FANOUT_PAGE_MAX = 1_000  # follower ids read and pushed per round
