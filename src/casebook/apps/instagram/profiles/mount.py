"""What the platform mounts for profiles and relations: API controllers, pages."""

from casebook.apps.instagram.profiles.routes import ProfileController, RelationController

api_routes: list = [ProfileController, RelationController]
ui_routes: list = []
consumers: list = []
jobs: list = []
