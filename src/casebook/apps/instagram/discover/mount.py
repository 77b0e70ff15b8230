"""What the platform mounts for this part of Instagram: API controllers, pages, bus consumers, jobs."""

from casebook.apps.instagram.discover import indexing, trending
from casebook.apps.instagram.discover.routes import DiscoverController

api_routes: list = [DiscoverController]
ui_routes: list = []
consumers: list = [indexing.consumer, trending.consumer]
jobs: list = []
