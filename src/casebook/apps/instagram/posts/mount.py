"""What the platform mounts for posts: API controllers, pages, bus consumers, jobs."""

from casebook.apps.instagram.posts.routes import (
    CommentController,
    EngagementController,
    MediaController,
    PostController,
)
from casebook.apps.instagram.posts.ui import PostPages

api_routes: list = [MediaController, PostController, EngagementController, CommentController]
ui_routes: list = [PostPages]
consumers: list = []
jobs: list = []
