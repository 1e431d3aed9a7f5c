"""Framing a portrait for where the video is published (issue 25): a crop of a chosen shape.

Aurora keeps the photo's shape, so the photo decides the video's: a 9:16 crop makes a vertical
video for TikTok, Reels and Shorts. Qt-free: the command line's `--crop` uses it now, the
window's framing editor will. The original file is never changed; the framed copy is written
into a folder of the app's (named by the source's bytes and the crop, so the same framing is
made once) and is what is checked, priced, hosted and stored with the job.

A shape's frame is the largest of that shape inside the upright photo, centred on the face
when one is found (media/faces.py), else on the upper middle, where a portrait's face usually is.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from aurora_desktop.fileio import write_atomic
from aurora_desktop.media.inspect import MAX_IMAGE_BYTES, MIN_SIDE, InputError, _read
from aurora_desktop.media.photo import DEFAULT_BACKGROUND, normalized, open_photo

# The presets people publish to, by the name they know them by (the window shows these words).
PRESETS: dict[str, str] = {
    "9:16": "TikTok / Reels / Shorts",
    "1:1": "Square (feeds)",
    "4:5": "Portrait (feeds)",
    "16:9": "YouTube / widescreen",
    "3:4": "Classic portrait",
}
# Without a face, the frame's centre sits this far down the photo: a portrait's face is in its
# upper part, and a 9:16 frame cut from a landscape photo should not cut the head off.
UPPER_MIDDLE = 0.4
FRAMING_VERSION = "v1"  # raise when the framed copy's bytes change for the same crop

_SHAPE = re.compile(r"^\s*(\d{1,3})\s*:\s*(\d{1,3})\s*$")
_BOX = re.compile(r"^\s*(\d{1,6})\s*,\s*(\d{1,6})\s*,\s*(\d{1,6})\s*,\s*(\d{1,6})\s*$")


@dataclass(frozen=True)
class Box:
    """A crop in pixels of the upright photo (as the app sends it): left, top, width, height."""

    x: int
    y: int
    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.x},{self.y},{self.width},{self.height}"


def parse_crop(text: str) -> Fraction | Box:
    """`--crop`'s value: a shape "W:H" (e.g. 9:16) or a box "X,Y,W,H" in pixels. ValueError
    with a plain sentence otherwise."""
    if m := _SHAPE.match(text):
        w, h = int(m[1]), int(m[2])
        if w and h and Fraction(1, 4) <= Fraction(w, h) <= 4:
            return Fraction(w, h)
        raise ValueError(f"{text!r} is not a shape a video can have: use one between 1:4 and 4:1, e.g. 9:16.")
    if m := _BOX.match(text):
        return Box(*(int(v) for v in m.groups()))
    raise ValueError(f"{text!r} is neither a shape (like 9:16) nor a box in pixels (X,Y,W,H).")


def frame_for(width: int, height: int, shape: Fraction, centre: tuple[float, float] | None = None) -> Box:
    """The largest box of `shape` (width / height) inside a width x height photo, centred on
    `centre` (shares 0-1 of the photo, e.g. a face's centre) as far as the photo allows;
    without a centre, on the upper middle."""
    if Fraction(width, height) > shape:  # the photo is wider than the shape: full height
        w, h = min(width, round(height * shape)), height
    else:
        w, h = width, min(height, round(width / shape))
    cx, cy = centre if centre is not None else (0.5, UPPER_MIDDLE)
    x = min(max(0, round(cx * width - w / 2)), width - w)
    y = min(max(0, round(cy * height - h / 2)), height - h)
    return Box(x, y, w, h)


def check_box(box: Box, width: int, height: int) -> None:
    """Refuse a box the service would refuse, or that leaves the photo, with a plain sentence."""
    if box.x + box.width > width or box.y + box.height > height or box.width <= 0 or box.height <= 0:
        raise InputError(
            f"The crop {box} does not fit inside the photo, which is {width} × {height} pixels (as sent, upright)."
        )
    if min(box.width, box.height) < MIN_SIDE:
        raise InputError(
            f"The crop is {box.width} × {box.height} pixels; each side must be at least {MIN_SIDE} pixels. "
            "Choose a larger part of the photo."
        )
    if not Fraction(1, 4) <= Fraction(box.width, box.height) <= 4:
        raise InputError(f"The crop is {box.width} × {box.height} pixels, too long and thin (1:4 to 4:1).")


def frame_photo(
    source: Path,
    crop: Fraction | Box,
    folder: Path,
    *,
    centre: tuple[float, float] | None = None,
    background: str = DEFAULT_BACKGROUND,
) -> tuple[Path, Box]:
    """Write the framed copy of `source` (upright, flattened, as the app sends photos) as a PNG
    into `folder`, and return it with the box cut. A shape is placed by frame_for; a box is
    checked as given. Raises InputError (plain sentences) for a photo that cannot be read or a
    box the service would refuse."""
    data = _read(source, "image", MAX_IMAGE_BYTES)
    try:
        with open_photo(data) as img:
            upright = normalized(img, background)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InputError(
            "The image is not a picture in a supported format (PNG, JPEG, WebP, HEIC or GIF), or the file is damaged."
        ) from None
    width, height = upright.size
    box = frame_for(width, height, crop, centre) if isinstance(crop, Fraction) else crop
    check_box(box, width, height)
    digest = hashlib.sha256(data + f"{box}|{background}".encode()).hexdigest()[:24]
    target = folder / f"framed-{FRAMING_VERSION}-{digest}.png"
    if not target.exists():
        # PNG: a crop must not add a second round of JPEG loss to a photo that is sent once more.
        framed = upright.crop((box.x, box.y, box.x + box.width, box.y + box.height))
        buffer = io.BytesIO()
        framed.save(buffer, "PNG", optimize=False)
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(target, buffer.getvalue())
    return target, box
