"""What the platform mounts for posts: API controllers, pages, bus consumers, jobs."""

from casebook.apps.instagram.posts.routes import MediaController, PostController

api_routes: list = [MediaController, PostController]
ui_routes: list = []
consumers: list = []
jobs: list = []
