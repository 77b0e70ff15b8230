"""What the platform mounts for the home feed and stories: API controllers, pages, the fan-out consumers and
the purge of expired stories."""

from casebook.apps.instagram.feed import fanout, stories
from casebook.apps.instagram.feed import rules as feed_rules
from casebook.apps.instagram.feed.routes import FeedController, StoryController
from casebook.apps.instagram.feed.ui import FeedPages
from casebook.platform.scheduler import Job

api_routes: list = [FeedController, StoryController]
ui_routes: list = [FeedPages]
consumers: list = [*fanout.consumers]
jobs: list = [Job(name="instagram.purge_stories", handler=stories.purge_expired, every_s=feed_rules.STORY_PURGE_EVERY_S)]
