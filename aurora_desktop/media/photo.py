"""Photos as phones and cameras make them, turned into what Creatify is sent (Qt-free).

A phone photo is often stored sideways with a rotation note (EXIF orientation)
that a service may ignore; iPhones save HEIC; a GIF may move; print shops send
CMYK; scanners make 16-bit files; logos have transparent backgrounds; cameras
make 8000-pixel images. Creatify takes PNG, JPEG or WebP and, like the sandbox,
is assumed to use the stored pixels as they are. So a local photo that needs
any of this is converted once, here, into an upright 8-bit RGB JPEG, and that
file is both what the preview shows and what is uploaded. `changes` says, in
a few words each, what was done, for the one line the window shows.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageColor, ImageOps

from aurora_desktop.fileio import write_atomic

SENDABLE = {"PNG", "JPEG", "WEBP"}
MAX_SEND_SIDE = 4096  # px: plenty for a 1080p or 2K video; an 8000 px photo is reduced to this
DEFAULT_BACKGROUND = "#ffffff"
JPEG_QUALITY = 92
_ORIENTATION = 0x0112  # the EXIF tag phones use for "rotate this when showing it"
# EXIF tags that say nothing about the person, the place or the device: orientation, resolution.
_PLAIN_EXIF = frozenset({_ORIENTATION, 0x011A, 0x011B, 0x0128, 0x0213})
# Other places a file keeps details: XMP, JPEG comments, Photoshop/IPTC blocks; PNG text chunks
# show up as text values in `info` (a "Software" line alone says nothing about anyone).
_DETAIL_INFO = ("xmp", "XML:com.adobe.xmp", "comment", "photoshop", "iptc")
HIDDEN_DETAILS = "cleared of its hidden details (location, camera, names)"
_heif_ready = False


def _register_heif() -> None:
    """HEIC/HEIF (iPhones' default) for Pillow, registered on first use, not at start-up."""
    global _heif_ready
    if not _heif_ready:
        import pi_heif  # type: ignore[import-untyped]

        pi_heif.register_heif_opener()
        _heif_ready = True


@contextmanager
def open_photo(data: bytes) -> Iterator[Image.Image]:
    _register_heif()
    with Image.open(io.BytesIO(data)) as img:
        yield img


def _sixteen_bit(img: Image.Image) -> bool:
    if img.mode.startswith("I") or img.mode == "F":
        return True
    return any(";16" in str(tile.args) for tile in getattr(img, "tile", []) or [])


def _has_transparency(img: Image.Image) -> bool:
    if img.mode in ("RGBA", "LA", "PA"):
        low, _high = img.getchannel("A").getextrema()  # one band: (min, max)
        return isinstance(low, int | float) and low < 255
    return img.mode in ("P", "L", "RGB") and "transparency" in img.info


def _upright_size(img: Image.Image) -> tuple[int, int]:
    w, h = img.size
    return (h, w) if img.getexif().get(_ORIENTATION, 1) in (5, 6, 7, 8) else (w, h)


def _reduced(size: tuple[int, int]) -> tuple[int, int]:
    w, h = size
    scale = min(1.0, MAX_SEND_SIDE / max(w, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


def has_hidden_details(img: Image.Image) -> bool:
    """Whether the file carries details beyond its pixels (a GPS position, the owner's name, the
    phone's model, an editing history). Such a file is never sent as it is: the copy sent to a
    (public) host is re-encoded without them, so they cannot reach anyone."""
    if set(img.getexif()) - _PLAIN_EXIF:
        return True
    if any(key in img.info for key in _DETAIL_INFO):
        return True
    return img.format == "PNG" and any(isinstance(value, str) and key != "Software" for key, value in img.info.items())


def changes_for(img: Image.Image) -> list[str]:
    """What converting `img` would do, in a few plain words each; [] when it is sent as it is."""
    changes: list[str] = []
    fmt = img.format or ""
    if img.getexif().get(_ORIENTATION, 1) not in (1, 0):
        changes.append("turned upright as the camera meant it")
    if fmt in ("HEIF", "HEIC", "AVIF"):
        changes.append("converted from HEIC")
    elif fmt == "GIF":
        changes.append("the first frame of the GIF" if getattr(img, "n_frames", 1) > 1 else "converted from GIF")
    elif fmt not in SENDABLE:
        changes.append(f"converted from {fmt or 'an unusual format'}")
    if img.mode == "CMYK":
        changes.append("print (CMYK) colours made screen colours")
    if _sixteen_bit(img):
        changes.append("16-bit colour reduced to 8-bit")
    if _has_transparency(img):
        changes.append("transparent background filled")
    size = _upright_size(img)
    if _reduced(size) != size:
        w, h = _reduced(size)
        changes.append(f"reduced from {size[0]} × {size[1]} to {w} × {h} px")
    if has_hidden_details(img):
        changes.append(HIDDEN_DETAILS)
    return changes


def normalized(img: Image.Image, background: str = DEFAULT_BACKGROUND) -> Image.Image:
    """The photo as it will be sent: first frame, upright, flattened, 8-bit RGB, at most MAX_SEND_SIDE."""
    img.seek(0)
    upright = ImageOps.exif_transpose(img) or img.copy()
    if _sixteen_bit(upright) and upright.mode not in ("RGB", "RGBA"):
        upright = upright.convert("I").point(lambda v: v / 256).convert("L")
    if _has_transparency(upright):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, ImageColor.getrgb(background))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    elif upright.mode != "RGB":
        upright = upright.convert("RGB")
    size = _reduced(upright.size)
    if size != upright.size:
        upright = upright.resize(size, Image.Resampling.LANCZOS)
    return upright


CONVERSION_VERSION = "v2"  # raise when the converted photo's bytes change


def convert_photo(data: bytes, folder: Path, background: str = DEFAULT_BACKGROUND) -> tuple[Path, list[str]] | None:
    """Write the sendable JPEG of a photo that needs converting into `folder` (named by content,
    so the same photo is converted once); None when it can be sent as it is."""
    with open_photo(data) as img:
        changes = changes_for(img)
        if not changes:
            return None
        out = normalized(img, background)
        # Only the pixels go on: Pillow would otherwise write the original's EXIF (GPS, names,
        # phone), XMP and comment into the JPEG. The colour profile stays when it still
        # describes these pixels (an RGB photo's); it holds nothing about the person.
        icc = img.info.get("icc_profile") if img.mode == "RGB" else None
    out.info = {}
    digest = hashlib.sha256(data + background.encode()).hexdigest()[:24]
    # The version names what this code writes: a copy left by an older version (which kept
    # the original's JPEG comment) is never reused.
    target = folder / f"photo-{CONVERSION_VERSION}-{digest}.jpg"
    if not target.exists():
        buffer = io.BytesIO()
        out.save(buffer, "JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=True, exif=b"", icc_profile=icc)
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(target, buffer.getvalue())
    return target, changes


def preview(data: bytes, box: int, background: str = DEFAULT_BACKGROUND) -> Image.Image:
    """A thumbnail of exactly what will be sent (at most `box` px a side), in RGB."""
    with open_photo(data) as img:
        img.draft("RGB", (box * 2, box * 2))  # JPEG: decode at a fraction of the size, much faster
        out = normalized(img, background)
    out.thumbnail((box, box), Image.Resampling.LANCZOS)
    return out
