"""Fetching and checking a job's inputs, the way the real service must.

The service downloads `image` and `audio` from their URLs, then checks them by
content (not by file name). Every problem becomes an InputProblem whose reason
a person can read; it ends the job as failed (could not fetch) or rejected
(fetched, but not acceptable).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import av
import httpx
from PIL import Image, UnidentifiedImageError

from aurora_desktop.api.catalog import ModelSpec
from aurora_desktop.sandbox.render import AudioInfo, analyse_audio

IMAGE_FORMATS = {"PNG", "JPEG", "WEBP"}
MIN_SIDE = 256
MAX_ASPECT = 4.0


class InputProblem(Exception):
    def __init__(self, reason: str, status: str = "rejected") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


async def fetch(client: httpx.AsyncClient, url: str, what: str, max_bytes: int) -> bytes:
    try:
        async with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise InputProblem(f"The {what} link could not be downloaded (the server answered "
                                   f"HTTP {response.status_code}). Check that the link works and has not expired.",
                                   "failed")
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise InputProblem(f"The {what} file is larger than {max_bytes // (1024 * 1024)} MB.")
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.TimeoutException:
        raise InputProblem(f"The {what} link took too long to download.", "failed") from None
    except httpx.HTTPError as exc:
        raise InputProblem(f"The {what} link could not be reached ({type(exc).__name__}).", "failed") from None


@dataclass(frozen=True, slots=True)
class ImageInfo:
    width: int
    height: int
    format: str


def check_image(data: bytes) -> ImageInfo:
    if not data:
        raise InputProblem("The image file is empty.")
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt, (w, h) = img.format or "", img.size
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InputProblem("The image is not a picture in a supported format (PNG, JPEG or WebP), "
                           "or the file is damaged.") from None
    if fmt not in IMAGE_FORMATS:
        raise InputProblem(f"The image is a {fmt} file; only PNG, JPEG and WebP are supported.")
    if min(w, h) < MIN_SIDE:
        raise InputProblem(f"The image is {w}×{h} pixels; each side must be at least {MIN_SIDE} pixels.")
    if max(w, h) / min(w, h) > MAX_ASPECT:
        raise InputProblem(f"The image is {w}×{h} pixels, too long and thin; the shape must be "
                           "between 1:4 and 4:1.")
    return ImageInfo(w, h, fmt)


def sniff_audio(data: bytes) -> str | None:
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:3] == b"ID3" or (len(data) >= 2 and data[0] == 0xFF and (data[1] & 0xE0) == 0xE0):
        return "mp3"
    return None


def check_audio(data: bytes, workdir: Path, model: ModelSpec) -> tuple[Path, AudioInfo]:
    if not data:
        raise InputProblem("The audio file is empty.")
    kind = sniff_audio(data)
    if kind is None:
        raise InputProblem("The audio is not an MP3 or WAV file; only those two are supported.")
    path = workdir / f"audio.{kind}"
    path.write_bytes(data)
    try:
        info = analyse_audio(path)
    except (av.FFmpegError, IndexError, ValueError):
        raise InputProblem("The audio file is damaged and could not be played.") from None
    if info.duration <= 0.05:
        raise InputProblem("The audio file has no sound in it (zero length).")
    if info.duration > model.max_audio_seconds + 1e-6:
        raise InputProblem(f"The audio is {info.duration:.1f} seconds long; {model.label} accepts at most "
                           f"{model.max_audio_seconds:g} seconds.")
    return path, info
