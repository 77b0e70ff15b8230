"""Post insights: impressions and reach from views recorded in batches, off the request's path."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform


async def record_views(platform: Platform, viewer_id: int | None, post_ids: Iterable[int]) -> None:
    """Placeholder until the batched writer lands."""
