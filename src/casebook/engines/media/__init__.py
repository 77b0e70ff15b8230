"""The media pipeline: uploads validated by content, images rendered in several sizes, short videos transcoded.

Apps write `from casebook.engines import media`, call `media.read_upload(...)` then
`media.accept_upload(uow, namespace=..., owner_id=..., data=..., bytes_max=...)`, add `*media.consumers`
to their AppModule.consumers, and serve `media.rendition_urls(platform.blobs, asset)`.
"""

from casebook.engines.media.consumers import consumers
from casebook.engines.media.errors import (
    AssetNotFound,
    ImageTooLarge,
    ImageUnreadable,
    MediaTypeUnsupported,
    UploadTooLarge,
    VideoTooLarge,
    VideoTooLong,
    VideoUnreadable,
)
from casebook.engines.media.events import MEDIA_PROCESSED, MEDIA_UPLOADED
from casebook.engines.media.model import Kind, MediaAsset, Rendition, State
from casebook.engines.media.render import render_image, render_video
from casebook.engines.media.service import (
    accept_upload,
    delete_asset,
    get_asset,
    get_assets,
    process_asset,
    rendition_urls,
)
from casebook.engines.media.signatures import sniff
from casebook.engines.media.upload import read_upload

__all__ = [
    "MEDIA_PROCESSED", "MEDIA_UPLOADED",
    "AssetNotFound", "ImageTooLarge", "ImageUnreadable", "Kind", "MediaAsset", "MediaTypeUnsupported",
    "Rendition", "State", "UploadTooLarge", "VideoTooLarge", "VideoTooLong", "VideoUnreadable",
    "accept_upload", "consumers", "delete_asset", "get_asset", "get_assets", "process_asset", "read_upload",
    "render_image", "render_video", "rendition_urls", "sniff",
]
