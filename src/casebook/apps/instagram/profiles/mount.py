"""What the platform mounts for profiles and relations: API controllers, pages."""

from casebook.apps.instagram.profiles.routes import ProfileController, RelationController
from casebook.apps.instagram.profiles.ui import ProfilePages

api_routes: list = [ProfileController, RelationController]
ui_routes: list = [ProfilePages]
consumers: list = []
jobs: list = []
