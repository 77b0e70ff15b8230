"""What the platform mounts for this part of Instagram: API controllers, pages, bus consumers, jobs."""

from casebook.apps.instagram.discover import indexing, trending
from casebook.apps.instagram.discover.routes import DiscoverController
from casebook.apps.instagram.discover.ui import DiscoverPages

api_routes: list = [DiscoverController]
ui_routes: list = [DiscoverPages]
consumers: list = [indexing.consumer, trending.consumer]
jobs: list = []
