"""Image and video rendering, pure and in memory."""

from __future__ import annotations

import io

import av
import pytest
from PIL import Image

from casebook.engines import media
from casebook.engines.media import probe
from tests.engines.media import factories


def decoded(rendition: media.Rendition) -> Image.Image:
    image = Image.open(io.BytesIO(rendition.data))
    image.load()
    return image


def is_close(pixel: tuple[int, ...], color: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 40 for a, b in zip(pixel, color))


def test_applies_exif_orientation_and_strips_every_metadata() -> None:
    # Stored 1200 x 800, top red and bottom blue; orientation 6 shows it turned a quarter clockwise.
    data = factories.jpeg_with_exif(1200, 800, orientation=6)
    assert all(trace in data for trace in (b"Exif", b"CameraMaker", b"Amsterdam", b"Home sweet", b"ICC_PROFILE"))

    renditions = media.render_image(data)

    assert [(item.name, item.width, item.height) for item in renditions] == [
        ("large", 800, 1200), ("medium", 640, 960), ("small", 320, 480)]
    for rendition in renditions:
        image = decoded(rendition)
        assert image.format == "JPEG" and image.mode == "RGB"
        assert image.size == (rendition.width, rendition.height)
        assert rendition.size_bytes == len(rendition.data)
        assert rendition.content_type == "image/jpeg"
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info and "xmp" not in image.info and "icc_profile" not in image.info
        assert "comment" not in image.info
        for trace in (b"Exif", b"CameraMaker", b"xmpmeta", b"Amsterdam", b"Home sweet", b"ICC_PROFILE"):
            assert trace not in rendition.data
        width, height = image.size
        assert is_close(image.getpixel((width * 3 // 4, height // 2)), factories.RED)  # red turned to the right
        assert is_close(image.getpixel((width // 4, height // 2)), factories.BLUE)
        assert image.info.get("progressive") == 1


def test_renders_three_widths_keeping_the_aspect() -> None:
    renditions = media.render_image(factories.jpeg(4000, 3000))

    assert [(item.name, item.width, item.height) for item in renditions] == [
        ("large", 1080, 810), ("medium", 640, 480), ("small", 320, 240)]
    assert [decoded(item).size for item in renditions] == [(1080, 810), (640, 480), (320, 240)]


def test_never_upscales_a_small_image() -> None:
    renditions = media.render_image(factories.jpeg(500, 250))

    assert [(item.name, item.width, item.height) for item in renditions] == [
        ("large", 500, 250), ("medium", 500, 250), ("small", 320, 160)]


def test_flattens_png_alpha_onto_white() -> None:
    renditions = media.render_image(factories.png_with_alpha(400, 300))

    image = decoded(renditions[0])
    assert image.mode == "RGB" and image.size == (400, 300)
    assert is_close(image.getpixel((50, 150)), (255, 255, 255))
    assert is_close(image.getpixel((350, 150)), (0, 160, 0))


@pytest.mark.parametrize("image_format", ["WEBP", "HEIF"])
def test_renders_webp_and_heic(image_format: str) -> None:
    probe.register_heif()
    data = factories.encoded(factories.two_tone(1600, 1200), image_format)

    renditions = media.render_image(data)

    assert [(item.width, item.height) for item in renditions] == [(1080, 810), (640, 480), (320, 240)]
    image = decoded(renditions[1])
    assert is_close(image.getpixel((320, 60)), factories.RED)
    assert is_close(image.getpixel((320, 420)), factories.BLUE)


def test_render_refuses_a_bomb_even_without_validation() -> None:
    with pytest.raises(media.ImageTooLarge):
        media.render_image(factories.png_claiming(30_000, 30_000))


def test_transcodes_a_video_to_streamable_h264_aac_with_a_poster() -> None:
    video, poster = media.render_video(factories.video(width=1280, height=720, seconds=1.0), "video/mp4")

    assert (video.name, video.width, video.height, video.content_type) == ("mp4", 720, 404, "video/mp4")
    assert video.size_bytes == len(video.data)
    # faststart: the index (moov) comes before the media data (mdat), so playback starts at once
    assert 0 < video.data.find(b"moov") < video.data.find(b"mdat")
    with av.open(io.BytesIO(video.data)) as container:
        assert [stream.codec_context.name for stream in container.streams] == ["h264", "aac"]
        assert (container.streams.video[0].width, container.streams.video[0].height) == (720, 404)
        assert 900_000 <= container.duration <= 1_100_000  # microseconds
        assert sum(1 for _ in container.decode(video=0)) == 24
    assert [(item.name, item.width, item.height) for item in poster] == [
        ("large", 1080, 608), ("medium", 640, 360), ("small", 320, 180)]
    assert decoded(poster[2]).size == (320, 180)


def test_transcodes_a_silent_webm_to_mp4_without_audio() -> None:
    video, poster = media.render_video(
        factories.video(width=320, height=240, seconds=0.5, audio=False, container="webm"), "video/webm")

    with av.open(io.BytesIO(video.data)) as container:
        assert [stream.codec_context.name for stream in container.streams] == ["h264"]
    assert (video.width, video.height) == (320, 240)
    assert [(item.width, item.height) for item in poster] == [(320, 240), (320, 240), (320, 240)]
