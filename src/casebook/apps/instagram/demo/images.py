"""Generated demo photos: a gradient sky, a few translucent shapes and a caption word, as JPEG bytes.

Pure Pillow, deterministic by seed, so every demo run uploads the same pictures and they still look
different from each other in a grid.
"""

from __future__ import annotations

import functools
import io
import random

from PIL import Image, ImageDraw, ImageFont

# Pairs of (top, bottom) colours: sunsets, seas, forests, neon, pastel
PALETTES = (
    ((255, 94, 77), (255, 195, 113)), ((30, 60, 114), (42, 82, 152)), ((17, 153, 142), (56, 239, 125)),
    ((142, 45, 226), (74, 0, 224)), ((252, 70, 107), (63, 94, 251)), ((255, 216, 155), (25, 84, 123)),
    ((238, 156, 167), (255, 221, 225)), ((0, 0, 70), (28, 181, 224)), ((247, 151, 30), (255, 210, 0)),
    ((86, 171, 47), (168, 224, 99)), ((218, 68, 83), (137, 33, 107)), ((19, 78, 94), (113, 178, 128)),
)
JPEG_QUALITY = 88  # a phone camera's JPEG: the pipeline re-encodes it at its own quality
SHAPES_MAX = 7
_TURNS = (Image.Transpose.FLIP_LEFT_RIGHT, Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180,
          Image.Transpose.ROTATE_270)


def photo_jpeg(seed: int, *, label: str, width: int = 1080, height: int = 1080) -> bytes:
    """One photo-like JPEG for `seed` with `label` written on it."""
    chance = random.Random(seed)
    top, bottom = chance.choice(PALETTES)
    # Pillow's 256x256 gradient, stretched and turned: no per-pixel work in Python
    mask = Image.linear_gradient("L").transpose(chance.choice(_TURNS)).resize((width, height))
    image = Image.composite(Image.new("RGB", (width, height), bottom), Image.new("RGB", (width, height), top), mask)
    draw = ImageDraw.Draw(image, "RGBA")  # RGBA fills blend onto the RGB photo
    for _ in range(chance.randint(2, SHAPES_MAX)):
        color = (chance.randint(0, 255), chance.randint(0, 255), chance.randint(0, 255), chance.randint(60, 150))
        x, y = chance.randint(0, width), chance.randint(0, height)
        radius = chance.randint(width // 12, width // 3)
        kind = chance.random()
        if kind < 0.5:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=color)
        elif kind < 0.8:
            draw.rectangle((x - radius, y - radius // 2, x + radius, y + radius // 2), fill=color)
        else:
            draw.polygon([(x, y - radius), (x + radius, y + radius), (x - radius, y + radius)], fill=color)
    font = _font(max(24, width // 14))
    draw.text((width // 18 + 3, height - height // 6 + 3), label, font=font, fill=(0, 0, 0))
    draw.text((width // 18, height - height // 6), label, font=font, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


@functools.lru_cache(maxsize=4)
def _font(size_px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size_px)
