"""Real media made in the test: photos with EXIF and GPS, PNG with alpha, crafted bombs, short clips."""

from __future__ import annotations

import io
import struct
import zlib
from fractions import Fraction

import av
import numpy as np
from PIL import Image, ImageCms

RED = (220, 20, 20)
BLUE = (20, 20, 220)
GPS_IFD = 0x8825
ORIENTATION_TAG = 0x0112
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description photoshop:City="Amsterdam"/></x:xmpmeta>'


def two_tone(width: int, height: int) -> Image.Image:
    """Top half red, bottom half blue: shows which way an image was turned."""
    image = Image.new("RGB", (width, height), RED)
    image.paste(BLUE, (0, height // 2, width, height))
    return image


def jpeg_with_exif(width: int = 1200, height: int = 800, *, orientation: int = 6) -> bytes:
    """A JPEG whose EXIF says "turn me a quarter clockwise" and where it was taken."""
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = orientation
    exif[0x010F] = "CameraMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (52.0, 22.0, 12.5), 3: "E", 4: (4.0, 53.0, 41.0)})
    buffer = io.BytesIO()
    two_tone(width, height).save(buffer, "JPEG", quality=90, exif=exif.tobytes(), xmp=XMP, comment=b"Home sweet home",
                                 icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    return buffer.getvalue()


def jpeg(width: int, height: int, *, seed: int = 1) -> bytes:
    """A noisy JPEG (noise makes every byte of entropy data matter to the decoder)."""
    pixels = np.random.default_rng(seed).integers(0, 255, (height, width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def png_with_alpha(width: int = 400, height: int = 300) -> bytes:
    """Left half transparent, right half opaque green."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    image.paste((0, 160, 0, 255), (width // 2, 0, width, height))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def encoded(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A valid tiny PNG whose header claims `width` x `height` (a decompression bomb's signature)."""
    real = encoded(Image.new("RGB", (1, 1), RED), "PNG")
    ihdr_at = 8  # after the signature: length (4), b"IHDR" (4), data (13), CRC (4)
    data = struct.pack(">II", width, height) + real[ihdr_at + 16:ihdr_at + 21]
    chunk = b"IHDR" + data
    return real[:ihdr_at + 4] + chunk + struct.pack(">I", zlib.crc32(chunk)) + real[ihdr_at + 25:]


def video(*, width: int = 1280, height: int = 720, seconds: float = 1.0, fps: int = 24,
          audio: bool = True, container: str = "mp4") -> bytes:
    """A clip of a moving gradient (H.264 + AAC in MP4, or VP8 + Opus in WebM)."""
    buffer = io.BytesIO()
    video_codec, audio_codec = ("libx264", "aac") if container == "mp4" else ("libvpx", "libopus")
    with av.open(buffer, "w", format=container) as output:
        stream = output.add_stream(video_codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        audio_stream = output.add_stream(audio_codec, rate=48_000) if audio else None
        frames = int(seconds * fps)
        base = np.linspace(0, 255, width, dtype=np.float32)[None, :, None]
        for index in range(frames):
            shade = ((base + index * 8) % 256).astype(np.uint8)
            pixels = np.broadcast_to(shade, (height, width, 3)).copy()
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts = index
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))
        if audio_stream is not None:
            samples_total = int(seconds * 48_000)
            tone = (0.2 * np.sin(2 * np.pi * 440 * np.arange(samples_total) / 48_000)).astype(np.float32)
            step = 960
            for start in range(0, samples_total - step + 1, step):
                frame = av.AudioFrame.from_ndarray(tone[None, start:start + step], format="fltp", layout="mono")
                frame.sample_rate, frame.pts, frame.time_base = 48_000, start, Fraction(1, 48_000)
                output.mux(audio_stream.encode(frame))
            output.mux(audio_stream.encode(None))
    return buffer.getvalue()
