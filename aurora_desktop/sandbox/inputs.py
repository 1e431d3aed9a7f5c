"""Fetching a job's inputs and checking them, the way the real service must.

The service downloads `image` and `audio` from their URLs, then checks them by
content with the same rules the client applies (aurora_desktop.media). Every
problem becomes an InputError whose message a person can read; it ends the job
as failed (could not fetch) or rejected (fetched, but not acceptable).
"""

from __future__ import annotations

from pathlib import Path

import httpx

from aurora_desktop.api.catalog import ModelSpec
from aurora_desktop.http_body import read_bounded
from aurora_desktop.media.inspect import InputError, check_audio_length, inspect_image_bytes, sniff_audio
from aurora_desktop.sandbox.render import AudioInfo, analyse_audio


async def fetch(client: httpx.AsyncClient, url: str, what: str, max_bytes: int) -> bytes:
    try:
        async with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise InputError(
                    f"The {what} link could not be downloaded (the server answered "
                    f"HTTP {response.status_code}). Check that the link works and has not expired.",
                    "failed",
                )
            body = await read_bounded(response, max_bytes)
            if body is None:
                raise InputError(f"The {what} file is larger than {max_bytes // (1024 * 1024)} MB.")
            return body
    except httpx.TimeoutException:
        raise InputError(f"The {what} link took too long to download.", "failed") from None
    except httpx.HTTPError as exc:
        raise InputError(f"The {what} link could not be reached ({type(exc).__name__}).", "failed") from None


def check_image(data: bytes) -> None:
    inspect_image_bytes(data)


def check_audio(data: bytes, workdir: Path, model: ModelSpec) -> tuple[Path, AudioInfo]:
    if not data:
        raise InputError("The audio file is empty.")
    kind = sniff_audio(data[:16])
    if kind is None:
        raise InputError("The audio is not an MP3 or WAV file; only those two are supported.")
    path = workdir / f"audio.{kind}"
    path.write_bytes(data)
    info = analyse_audio(path)
    check_audio_length(info.duration, model)
    return path, info
