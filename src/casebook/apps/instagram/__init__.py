"""Instagram: photo sharing with a hybrid fan-out feed, stories, explore, search, notifications and DMs."""

from pathlib import Path

from casebook.apps.instagram import bench, demo
from casebook.apps.instagram.discover import mount as discover
from casebook.apps.instagram.feed import mount as feed
from casebook.apps.instagram.inbox import mount as inbox
from casebook.apps.instagram.posts import mount as posts
from casebook.apps.instagram.profiles import mount as profiles
from casebook.engines import media
from casebook.platform.appmodule import AppModule

_PARTS = (profiles, posts, feed, discover, inbox)

module = AppModule(
    slug="instagram",
    title="Instagram",
    description="Share photos and short videos, follow people, and read a feed, stories, explore and DMs.",
    api_routes=[route for part in _PARTS for route in part.api_routes],
    ui_routes=[route for part in _PARTS for route in part.ui_routes],
    template_dir=Path(__file__).parent / "templates",
    static_dir=Path(__file__).parent / "static",
    model_modules=["casebook.apps.instagram.models"],
    consumers=[*media.consumers, *(consumer for part in _PARTS for consumer in part.consumers)],
    jobs=[job for part in _PARTS for job in part.jobs],
    commit_listeners=[*feed.commit_listeners],
    demo=demo.load,
    demo_steps=demo.DEMO_STEPS,
    bench=bench.workload,
)
