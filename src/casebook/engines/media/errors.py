"""Refusals of the media engine, each with a stable code."""

from __future__ import annotations

from casebook.platform.errors import Invalid, NotFound, PayloadTooLarge, UnsupportedMediaType


class UploadTooLarge(PayloadTooLarge):
    code = "upload_too_large"
    title = "The upload is too large"


class MediaTypeUnsupported(UnsupportedMediaType):
    """The bytes are not a JPEG, PNG, WebP, HEIC/HEIF, MP4/MOV or WebM file, whatever the name says."""

    code = "media_type_unsupported"
    title = "Unsupported media type"


class ImageTooLarge(Invalid):
    """More pixels than IMAGE_PIXELS_MAX (decompression bombs included)."""

    code = "image_too_large"
    title = "The image has too many pixels"


class ImageUnreadable(Invalid):
    code = "image_unreadable"
    title = "The image is truncated or corrupt"


class VideoUnreadable(Invalid):
    code = "video_unreadable"
    title = "The video cannot be read"


class VideoTooLong(Invalid):
    code = "video_too_long"
    title = "The video is too long"


class VideoTooLarge(Invalid):
    code = "video_too_large"
    title = "The video frame is too large"


class AssetNotFound(NotFound):
    code = "media_asset_not_found"
    title = "Media not found"
