"""What the platform mounts for the home feed and stories: API controllers, pages, the fan-out consumers, the
purge of expired stories and the commit listener that keeps kept first pages honest."""

from casebook.apps.instagram.feed import fanout, first_page, stories
from casebook.apps.instagram.feed import rules as feed_rules
from casebook.apps.instagram.feed.routes import FeedController, StoryController
from casebook.apps.instagram.feed.ui import FeedPages
from casebook.platform.scheduler import Job

api_routes: list = [FeedController, StoryController]
ui_routes: list = [FeedPages]
consumers: list = [*fanout.consumers]
jobs: list = [Job(name="instagram.purge_stories", handler=stories.purge_expired, every_s=feed_rules.STORY_PURGE_EVERY_S)]
commit_listeners: list = [first_page.on_commit]
