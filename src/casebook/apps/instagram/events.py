"""The events Instagram publishes (subjects `casebook.instagram.<event>`), with their payloads.

Each is published in the transaction of the change it describes. The consumers that react to them
(fan-out, notifications, search indexing, explore counters) live beside the feature they serve.
Follows, follow requests and blocks are the social engine's events (`casebook.social.*`, network
"instagram"); media processing is the media engine's (`casebook.media.*`).
"""

from __future__ import annotations

PREFIX = "casebook.instagram."

PROFILE_CREATED = PREFIX + "profile_created"  # account_id, username
PROFILE_UPDATED = PREFIX + "profile_updated"  # account_id, username, was_private, is_private
# post_id, author_id, visibility, created_at (ISO), hashtags [str], mention_ids [int], tagged_ids [int],
# place_id (int | None)
POST_PUBLISHED = PREFIX + "post_published"
# post_id, author_id, hashtags, added_mention_ids, visibility, previous_visibility
POST_UPDATED = PREFIX + "post_updated"
POST_DELETED = PREFIX + "post_deleted"  # post_id, author_id, hashtags, place_id
POST_LIKED = PREFIX + "post_liked"  # post_id, author_id, liker_id
POST_UNLIKED = PREFIX + "post_unliked"  # post_id, author_id, liker_id
POST_SAVED = PREFIX + "post_saved"  # post_id, author_id, saver_id
POST_UNSAVED = PREFIX + "post_unsaved"  # post_id, author_id, saver_id
# comment_id, post_id, post_author_id, author_id, parent_id, parent_author_id, excerpt, mention_ids
COMMENT_ADDED = PREFIX + "comment_added"
COMMENT_DELETED = PREFIX + "comment_deleted"  # comment_id, post_id, post_author_id, author_id
CLOSE_FRIEND_CHANGED = PREFIX + "close_friend_changed"  # owner_id, friend_id, is_close_friend
STORY_PUBLISHED = PREFIX + "story_published"  # story_id, author_id, audience, expires_at (ISO)
