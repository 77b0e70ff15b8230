"""What the platform mounts for posts: API controllers, pages, bus consumers, jobs."""

from casebook.apps.instagram.posts.routes import (
    CommentController,
    EngagementController,
    MediaController,
    PostController,
)

api_routes: list = [MediaController, PostController, EngagementController, CommentController]
ui_routes: list = []
consumers: list = []
jobs: list = []
