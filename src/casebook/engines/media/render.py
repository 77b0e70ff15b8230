"""CPU work, pure and in memory: image renditions, video posters and the streamable MP4.

Renditions are progressive JPEG, not WebP: every browser, app webview, e-mail client and link-preview
crawler decodes JPEG, and Pillow encodes it several times faster than libwebp (this runs once per
upload on the workers' 2 cores); WebP would save ~25% of bytes at the same quality.
"""

from __future__ import annotations

import functools
import io
import math
import os
import tempfile
from fractions import Fraction

from PIL import Image, ImageCms, ImageOps

from casebook.engines.media import limits, probe
from casebook.engines.media.model import Rendition

# EXIF orientations 5-8 turn the image a quarter: the stored height becomes the shown width.
_QUARTER_TURNS = {5, 6, 7, 8}
_EXIF_ORIENTATION_TAG = 0x0112
_TIME_BASE = Fraction(1, 1000)  # output timestamps in milliseconds


def render_image(data: bytes) -> list[Rendition]:
    """Renditions (large, medium, small) of an image: EXIF orientation applied, all metadata gone, RGB.

    Never upscales: an image narrower than a size gets its own width there. Bounded by
    IMAGE_PIXELS_MAX (checked again here, so a caller cannot skip validation).
    """
    image = probe.open_image(data)
    with image:
        return _renditions_of(_upright_rgb(image), "")


def render_poster(image: Image.Image) -> list[Rendition]:
    """The image sizes of a video's poster frame."""
    return _renditions_of(image.convert("RGB"), "")


def _upright_rgb(image: Image.Image) -> Image.Image:
    orientation = image.getexif().get(_EXIF_ORIENTATION_TAG, 1)
    shown_width = image.height if orientation in _QUARTER_TURNS else image.width
    if image.format == "JPEG" and shown_width > limits.RENDITION_WIDTHS_PX[0][1]:
        # libjpeg decodes at 1/2, 1/4 or 1/8 scale for free: a 12 MP photo decodes as 3 MP.
        scale = limits.RENDITION_WIDTHS_PX[0][1] / shown_width
        image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    image = ImageOps.exif_transpose(image)  # also drops the orientation tag
    icc_profile = image.info.get("icc_profile")
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))  # JPEG has no alpha: transparent shows white
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    if icc_profile:
        image = _to_srgb(image, icc_profile)
    # Nothing of the original's metadata goes out: the encoder only writes what `info` and the save
    # arguments carry (EXIF with GPS, XMP, ICC, comments), and we pass none of it.
    image.info = {}
    return image


def _to_srgb(image: Image.Image, icc_profile: bytes) -> Image.Image:
    """Phones shoot in Display P3: convert to sRGB, since the renditions carry no profile."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(image, source, _srgb_profile(), outputMode="RGB") or image
    except (ImageCms.PyCMSError, OSError, ValueError):  # a broken profile: keep the pixels as they are
        return image


@functools.cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _renditions_of(image: Image.Image, prefix: str) -> list[Rendition]:
    renditions = []
    source = image
    for name, width_px in limits.RENDITION_WIDTHS_PX:
        width = min(width_px, image.width)
        height = max(1, round(image.height * width / image.width))
        if (width, height) != source.size:
            # Each size from the previous one: cheaper, and LANCZOS keeps it sharp.
            source = source.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        buffer = io.BytesIO()
        source.save(buffer, "JPEG", quality=limits.JPEG_QUALITY, progressive=True, optimize=True)
        data = buffer.getvalue()
        renditions.append(Rendition(name=prefix + name, width=width, height=height, content_type="image/jpeg",
                                    size_bytes=len(data), data=data))
    return renditions


def render_video(data: bytes, content_type: str) -> tuple[Rendition, list[Rendition]]:
    """(H.264 + AAC MP4 with faststart at most VIDEO_WIDTH_PX_MAX wide, poster renditions of its first frame).

    FFmpeg's faststart rewrites the finished file to move the index first, so both ends go through
    temporary files rather than memory buffers.
    """
    import av

    with tempfile.TemporaryDirectory(prefix="casebook-media-") as directory:
        output_path = os.path.join(directory, "out.mp4")
        with av.open(io.BytesIO(data), format=probe.VIDEO_FORMATS[content_type]) as source:
            video_in = source.streams.video[0]
            audio_in = source.streams.audio[0] if source.streams.audio else None
            width, height = _scaled_size(video_in.codec_context.width, video_in.codec_context.height)
            with av.open(output_path, "w", format="mp4", options={"movflags": "+faststart"}) as target:
                video_out = target.add_stream("libx264", rate=_frame_rate(video_in))
                video_out.width, video_out.height, video_out.pix_fmt = width, height, "yuv420p"
                video_out.codec_context.time_base = _TIME_BASE
                video_out.options = {"crf": str(limits.VIDEO_CRF), "preset": "veryfast"}
                audio_out = None
                if audio_in is not None:
                    audio_out = target.add_stream("aac", rate=48_000)
                    audio_out.bit_rate = limits.VIDEO_AUDIO_BIT_RATE
                poster: list[Rendition] = []
                last_pts = -1
                frames = 0
                streams = [video_in] + ([audio_in] if audio_in is not None else [])
                for packet in source.demux(*streams):
                    for frame in packet.decode():
                        if packet.stream is audio_in:
                            frame.pts = None  # the AAC encoder times audio by its sample count
                            target.mux(audio_out.encode(frame))
                            continue
                        frames += 1
                        assert frames <= limits.VIDEO_FRAMES_MAX, "more frames than a validated clip can hold"
                        if not poster:
                            poster = render_poster(frame.to_image())
                        pts = round(frame.time * 1000) if frame.time is not None else last_pts + 1
                        if pts <= last_pts:
                            continue  # a duplicate timestamp would make the muxer refuse the stream
                        scaled = frame.reformat(width=width, height=height, format="yuv420p")
                        scaled.pts, scaled.time_base, last_pts = pts, _TIME_BASE, pts
                        target.mux(video_out.encode(scaled))
                target.mux(video_out.encode(None))
                if audio_out is not None:
                    target.mux(audio_out.encode(None))
        with open(output_path, "rb") as output:
            mp4 = output.read()
    video = Rendition(name="mp4", width=width, height=height, content_type="video/mp4", size_bytes=len(mp4),
                      data=mp4)
    return video, poster


def _scaled_size(width: int, height: int) -> tuple[int, int]:
    """At most VIDEO_WIDTH_PX_MAX wide, aspect kept, both sides even (4:2:0 chroma needs it)."""
    if width > limits.VIDEO_WIDTH_PX_MAX:
        height = round(height * limits.VIDEO_WIDTH_PX_MAX / width)
        width = limits.VIDEO_WIDTH_PX_MAX
    return max(2, width - width % 2), max(2, height - height % 2)


def _frame_rate(stream) -> Fraction:
    rate = stream.average_rate or stream.guessed_rate
    return Fraction(rate) if rate else Fraction(30)
