"""What the platform mounts for notifications and direct messages: API controllers, pages, the notify
consumer and the notifications engine's retention purge."""

from casebook.apps.instagram.inbox import notify
from casebook.apps.instagram.inbox.pages import InboxPages
from casebook.apps.instagram.inbox.routes import ConversationController, NotificationController
from casebook.engines import notifications

api_routes: list = [NotificationController, ConversationController]
ui_routes: list = [InboxPages]
consumers: list = [*notify.consumers]
jobs: list = [*notifications.jobs]
