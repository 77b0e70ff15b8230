"""What the platform mounts for this part of Instagram: API controllers, pages, bus consumers, jobs."""

api_routes: list = []
ui_routes: list = []
consumers: list = []
jobs: list = []
