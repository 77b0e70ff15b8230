"""Pure types of the media engine: an asset and its renditions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

Kind = Literal["image", "video"]
State = Literal["processing", "ready", "failed"]


class Rendition(msgspec.Struct, frozen=True, kw_only=True):
    """One served file of an asset. `key` is set once stored; `data` only while rendering in memory."""

    name: str  # large | medium | small for images and posters; mp4 for a video
    width: int
    height: int
    content_type: str
    size_bytes: int
    key: str = ""
    data: bytes = b""

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "key": self.key, "width": self.width, "height": self.height,
                "content_type": self.content_type, "size_bytes": self.size_bytes}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Rendition:
        return cls(name=value["name"], key=value["key"], width=value["width"], height=value["height"],
                   content_type=value["content_type"], size_bytes=value["size_bytes"])


class MediaAsset(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    namespace: str
    owner_id: int
    kind: Kind
    state: State
    content_type: str
    size_bytes: int
    width: int
    height: int
    duration_ms: int | None
    original_key: str
    renditions: tuple[Rendition, ...]
    poster: tuple[Rendition, ...]
    error: str | None
    created_at: datetime
    processed_at: datetime | None

    @property
    def is_ready(self) -> bool:
        return self.state == "ready"


class Probe(msgspec.Struct, frozen=True, kw_only=True):
    """What validating an upload learned about it."""

    kind: Kind
    content_type: str
    width: int
    height: int
    duration_ms: int | None = None
