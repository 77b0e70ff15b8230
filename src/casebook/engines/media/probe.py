"""Validate an upload synchronously, before it is accepted: a bounded decode of images, a probe of videos."""

from __future__ import annotations

import functools
import io
import warnings

from PIL import Image

from casebook.engines.media import limits
from casebook.engines.media.errors import (
    ImageTooLarge,
    ImageUnreadable,
    VideoTooLarge,
    VideoTooLong,
    VideoUnreadable,
)
from casebook.engines.media.model import Probe

# PyAV demuxer per sniffed container: forcing it keeps FFmpeg from probing its way into another format.
VIDEO_FORMATS = {"video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm"}
_VALIDATE_DRAFT_PX = 256  # JPEG: decode at 1/8 scale; every byte of entropy data is still read


@functools.cache
def register_heif() -> bool:
    """Teach Pillow HEIC/HEIF when pillow-heif is installed (once per process)."""
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


def open_image(data: bytes) -> Image.Image:
    """Open (header only) and check the pixel count before anything is decoded."""
    register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageTooLarge(f"an image has at most {limits.IMAGE_PIXELS_MAX} pixels") from error
    except Exception as error:  # Pillow raises UnidentifiedImageError, SyntaxError, struct.error...
        raise ImageUnreadable("the image cannot be read") from error
    width, height = image.size
    if width * height > limits.IMAGE_PIXELS_MAX or max(width, height) > limits.IMAGE_SIDE_PX_MAX:
        raise ImageTooLarge(f"an image has at most {limits.IMAGE_PIXELS_MAX} pixels",
                            width=width, height=height)
    if width < 1 or height < 1:
        raise ImageUnreadable("the image has no pixels")
    return image


def probe_image(data: bytes, content_type: str) -> Probe:
    """Decode the whole image once (bounded by IMAGE_PIXELS_MAX): truncated or corrupt files are refused."""
    image = open_image(data)
    width, height = image.size
    if image.format == "JPEG":
        image.draft("RGB", (_VALIDATE_DRAFT_PX, _VALIDATE_DRAFT_PX))
    try:
        image.load()
    except Exception as error:  # OSError "image file is truncated", decoder errors, ValueError...
        raise ImageUnreadable("the image is truncated or corrupt") from error
    finally:
        image.close()
    return Probe(kind="image", content_type=content_type, width=width, height=height)


def probe_video(data: bytes, content_type: str) -> Probe:
    """A video stream, a known duration within VIDEO_DURATION_S_MAX, and a first frame that decodes."""
    import av

    try:
        container = av.open(io.BytesIO(data), format=VIDEO_FORMATS[content_type])
    except Exception as error:  # av.error.* (InvalidDataError, ...)
        raise VideoUnreadable("the video cannot be read") from error
    with container:
        if not container.streams.video:
            raise VideoUnreadable("the file has no video stream")
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
        if max(width, height) > limits.VIDEO_SIDE_PX_MAX:
            raise VideoTooLarge(f"a video frame has at most {limits.VIDEO_SIDE_PX_MAX} px a side")
        duration_ms = _duration_ms(container, stream)
        if duration_ms is None:
            raise VideoUnreadable("the video has no duration")
        if duration_ms > limits.VIDEO_DURATION_S_MAX * 1000:
            raise VideoTooLong(f"a video lasts at most {limits.VIDEO_DURATION_S_MAX} s", duration_ms=duration_ms)
        try:
            frame = next(container.decode(stream), None)
        except Exception as error:
            raise VideoUnreadable("the video cannot be decoded") from error
        if frame is None or width < 1 or height < 1:
            raise VideoUnreadable("the video has no frames")
    return Probe(kind="video", content_type=content_type, width=width, height=height, duration_ms=duration_ms)


def _duration_ms(container, stream) -> int | None:
    if stream.duration is not None and stream.time_base is not None:
        return int(stream.duration * stream.time_base * 1000)
    if container.duration is not None:  # in AV_TIME_BASE units (microseconds)
        return container.duration // 1000
    return None
