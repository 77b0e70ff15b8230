"""Guestbook: the platform's smallest example app (sign, list with cursors, search, one consumer).

It exists so the platform's tests can exercise an app end to end; delete it once real apps
cover the same paths.
"""

from pathlib import Path

from casebook.apps.guestbook import bench, demo, service
from casebook.apps.guestbook.routes import EntryController
from casebook.apps.guestbook.ui import GuestbookPages
from casebook.platform.appmodule import AppModule
from casebook.platform.bus import Consumer

module = AppModule(
    slug="guestbook",
    title="Guestbook",
    description="The platform's example app: sign the book, page through it, search it.",
    api_routes=[EntryController],
    ui_routes=[GuestbookPages],
    template_dir=Path(__file__).parent / "templates",
    model_modules=["casebook.apps.guestbook.models"],
    demo=demo.load,
    demo_steps=demo.DEMO_STEPS,
    bench=bench.workload,
    consumers=[Consumer(name="guestbook.index", subjects=(service.ENTRY_SIGNED,), handler=service.on_entry_signed)],
)
