"""Facts about an image or an audio clip, read from the content, never the name.

Every problem is an InputError with a sentence a non-technical person can act
on. `status` tells the sandbox how the service would end such a job.
"""

from __future__ import annotations

import io
import math
import stat
from array import array
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from aurora_desktop.api.catalog import CATALOG, ModelSpec, audio_too_long, too_long_message
from aurora_desktop.fileio import FileRefused, open_regular
from aurora_desktop.formatting import plain_length

IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
AUDIO_FORMATS = {"wav": "audio/wav", "mp3": "audio/mpeg"}
MIN_SIDE = 256
MAX_ASPECT = 4.0
# Generous bounds on what is read before a file is known to be usable: a phone photo is a few
# MB; five minutes of 96 kHz 24-bit stereo WAV is about 170 MB.
MAX_IMAGE_BYTES = 64 * 1024 * 1024
MAX_AUDIO_BYTES = 1024 * 1024 * 1024
# No model takes more than this; a clip whose header says it is longer is refused undecoded.
LONGEST_AUDIO_SECONDS = max(m.max_audio_seconds for m in CATALOG)
ENVELOPE_RATE = 8000  # Hz: plenty for a loudness envelope and an exact duration
SILENCE_WINDOW = 0.1  # seconds: silence is judged a tenth of a second at a time
SILENCE_PEAK = 328  # about -40 dBFS in s16: quieter than a whisper close to a phone

# Decoding a huge image is a denial of service; no portrait needs more.
Image.MAX_IMAGE_PIXELS = 120_000_000


class InputError(ValueError):
    def __init__(self, message: str, status: str = "rejected") -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class ImageFacts:
    width: int  # as it will be sent (upright, reduced)
    height: int
    format: str  # PNG, JPEG, WEBP; for a photo that is converted, what it was (HEIF, GIF, ...)
    changes: tuple[str, ...] = ()  # what converting it for sending does (media/photo.py); () = sent as it is

    @property
    def mime(self) -> str:
        return "image/jpeg" if self.changes else IMAGE_FORMATS[self.format]

    @property
    def shape(self) -> str:
        """The video keeps the photo's shape: "9:16", "1:1", or "3:4"-like ratios."""
        g = math.gcd(self.width, self.height)
        w, h = self.width // g, self.height // g
        for a, b in ((9, 16), (16, 9), (3, 4), (4, 3), (1, 1), (2, 3), (3, 2), (4, 5), (5, 4)):
            if abs(self.width / self.height - a / b) < 0.02:
                return f"{a}:{b}"
        return f"{w}:{h}" if max(w, h) < 100 else f"{self.width / self.height:.2f}:1"


@dataclass(frozen=True, slots=True)
class AudioFacts:
    format: str  # wav, mp3, or for others their file extension (m4a, ogg...)
    duration: float  # seconds
    samples: array[int] | None = None  # mono s16 at ENVELOPE_RATE when asked for
    silent_seconds: float = 0.0  # how much of it is (nearly) silent

    @property
    def silence_warning(self) -> str:
        """A sentence when the clip is mostly silent (the face would hardly move), else ""."""
        if self.silent_seconds >= self.duration - SILENCE_WINDOW:
            return "This clip is silent: there is no voice for the face to follow."
        if self.silent_seconds >= max(3.0, self.duration / 2):
            return (
                f"This clip is silent for {self.silent_seconds:.0f} of its {self.duration:.0f} seconds; "
                "the face stays still while it is."
            )
        return ""

    @property
    def mime(self) -> str:
        return AUDIO_FORMATS.get(self.format, "application/octet-stream")

    @property
    def supported(self) -> bool:
        return self.format in AUDIO_FORMATS


def inspect_image_bytes(data: bytes) -> ImageFacts:
    if not data:
        raise InputError("The image file is empty.")
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt, (w, h) = img.format or "", img.size
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InputError(
            "The image is not a picture in a supported format (PNG, JPEG or WebP), or the file is damaged."
        ) from None
    if fmt not in IMAGE_FORMATS:
        raise InputError(f"The image is a {fmt} file; only PNG, JPEG and WebP are supported.")
    if min(w, h) < MIN_SIDE:
        raise InputError(f"The image is {w}×{h} pixels; each side must be at least {MIN_SIDE} pixels.")
    if max(w, h) / min(w, h) > MAX_ASPECT:
        raise InputError(f"The image is {w}×{h} pixels, too long and thin; its shape must be between 1:4 and 4:1.")
    return ImageFacts(w, h, fmt)


# First bytes of the picture formats a creator may have (the supported three and the ones
# worth naming in a message); anything else is refused before the rest is read.
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"RIFF", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")


def looks_like_a_picture(head: bytes) -> bool:
    return head.startswith(_IMAGE_MAGIC) or head[4:8] == b"ftyp"  # HEIC/AVIF are ISO media files


def inspect_image(path: Path, *, allow_conversion: bool = False) -> ImageFacts:
    """Facts of a picture file. With allow_conversion (a local file the app can convert before
    sending), phone and camera photos are taken too (HEIC, GIF, CMYK, 16-bit, sideways, huge)
    and the facts describe the photo as it will be sent."""
    head = _read(path, "image", MAX_IMAGE_BYTES, head=16)
    if head and not looks_like_a_picture(head):
        raise InputError(
            "The image is not a picture in a supported format (PNG, JPEG, WebP, HEIC or GIF), or the file is damaged."
        )
    data = _read(path, "image", MAX_IMAGE_BYTES)
    return inspect_photo_bytes(data) if allow_conversion else inspect_image_bytes(data)


def inspect_photo_bytes(data: bytes) -> ImageFacts:
    """Facts of a photo as it will be sent once converted (media/photo.py)."""
    from aurora_desktop.media.photo import _reduced, _upright_size, changes_for, open_photo

    if not data:
        raise InputError("The image file is empty.")
    try:
        with open_photo(data) as img:
            img.verify()  # a damaged file is said now, not when it is converted
        with open_photo(data) as img:
            fmt, changes = img.format or "", tuple(changes_for(img))
            w, h = _reduced(_upright_size(img))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InputError(
            "The image is not a picture in a supported format (PNG, JPEG, WebP, HEIC or GIF), or the file is damaged."
        ) from None
    if min(w, h) < MIN_SIDE:
        raise InputError(f"The image is {w}×{h} pixels; each side must be at least {MIN_SIDE} pixels.")
    if max(w, h) / min(w, h) > MAX_ASPECT:
        raise InputError(f"The image is {w}×{h} pixels, too long and thin; its shape must be between 1:4 and 4:1.")
    return ImageFacts(w, h, fmt, changes)


def sniff_audio(head: bytes) -> str | None:
    """wav or mp3 from the first bytes, or None."""
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:3] == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0):
        return "mp3"
    return None


def inspect_audio(path: Path, *, keep_samples: bool = False, allow_other_formats: bool = False) -> AudioFacts:
    """Decode the whole clip once: its exact duration (and samples, if asked).

    With allow_other_formats, clips that are not MP3/WAV but decodable (m4a,
    ogg, flac, the audio of a video) are inspected too; the caller converts them.
    """
    head = _read(path, "audio", MAX_AUDIO_BYTES, head=16)
    if not head:
        raise InputError("The audio file is empty.")
    kind = sniff_audio(head)
    if kind is None and not allow_other_formats:
        raise InputError("The audio is not an MP3 or WAV file; only those two are supported.")
    from aurora_desktop.media.decode import PCM_RATE, DecodeError, decode_pcm  # Qt Multimedia: on first use

    if kind is None and head.startswith(_IMAGE_MAGIC):  # not looks_like_a_picture(): an M4A is ISO media too
        raise InputError("The audio file has no sound in it (is it a picture or a document?).")
    try:
        pcm = decode_pcm(path, longest=LONGEST_AUDIO_SECONDS * 1.05, every=PCM_RATE // ENVELOPE_RATE)
    except DecodeError as exc:
        if exc.reason == "too-long":
            raise InputError(
                f"The audio is too long: about {exc.seconds / 60:.0f} minutes; the longest any model takes "
                f"is {plain_length(LONGEST_AUDIO_SECONDS)}. Shorten the clip."
            ) from None
        if exc.reason == "no-sound":
            raise InputError("The audio file has no sound in it (is it a picture or a document?).") from None
        raise InputError("The audio file is damaged or in a format that cannot be played.") from None
    samples = array("h")
    samples.frombytes(pcm.data)  # every 6th sample of 48 kHz: plenty for loudness and silence
    if kind is None:  # not MP3/WAV: named by its extension for messages, never as "mp3"/"wav"
        ext = path.suffix.lower().lstrip(".")
        kind = ext if ext and ext not in AUDIO_FORMATS else "audio"
    duration = pcm.duration
    if duration <= 0.05:
        raise InputError("The audio file has no sound in it (zero length).")
    return AudioFacts(kind, duration, samples if keep_samples else None, silent_seconds(samples))


def silent_seconds(samples: array[int]) -> float:
    """Seconds of a mono s16 clip (at ENVELOPE_RATE) whose loudest sample stays under SILENCE_PEAK."""
    step = int(ENVELOPE_RATE * SILENCE_WINDOW)
    quiet = 0
    for start in range(0, len(samples), step):
        window = samples[start : start + step]
        if max(window) < SILENCE_PEAK and -min(window) < SILENCE_PEAK:
            quiet += len(window)
    return quiet / ENVELOPE_RATE


def check_audio_length(duration: float, model: ModelSpec) -> None:
    if audio_too_long(model, duration):
        raise InputError(too_long_message(duration, model))


def _read(path: Path, what: str, limit: int, *, head: int | None = None) -> bytes:
    """The file's bytes (or its first `head` bytes), only if it is an ordinary file of at most
    `limit` bytes. Checked with stat before opening: a pipe or a device is never opened (it
    could block forever or never end), and the open itself cannot block."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"The {what} file {path.name!r} does not exist (was it moved or deleted?).") from None
    except OSError as exc:
        raise InputError(f"The {what} file {path.name!r} cannot be read ({exc.strerror}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path.name!r} is a folder, not an {what} file.")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path.name!r} is not a regular file (it is a device, a pipe or a socket).")
    if info.st_size > limit:
        raise InputError(
            f"The {what} file {path.name!r} is too large ({info.st_size / 1e6:,.0f} MB; at most {limit / 1e6:,.0f} MB)."
        )
    try:
        with open_regular(path) as fh:  # checked again after the open: a swap in between is refused too
            data = fh.read(limit + 1 if head is None else head)
    except FileRefused:
        raise InputError(f"{path.name!r} is not a regular file (it is a device, a pipe or a socket).") from None
    except PermissionError:
        raise InputError(f"The {what} file {path.name!r} cannot be read (no permission).") from None
    except OSError as exc:
        raise InputError(f"The {what} file {path.name!r} cannot be read ({exc.strerror}).") from None
    if len(data) > limit:  # it grew after the check
        raise InputError(f"The {what} file {path.name!r} is too large (at most {limit / 1e6:,.0f} MB).")
    return data
