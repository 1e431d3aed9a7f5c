"""Streaming, resumable download of a finished video.

Bytes go to a partial file as they arrive (memory stays at one chunk); after a
drop the next attempt asks for the rest with an HTTP Range; the length is
checked against what the server announced; the result must look like an MP4.
The client used here carries no API headers: the video host never sees keys.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import httpx
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from aurora_desktop.addresses import AddressRefused, check_link
from aurora_desktop.errors import UserError
from aurora_desktop.http_body import body_chunks

CHUNK = 1024 * 1024
FLUSH_SECONDS = 0.25
SYNC_BYTES = 64 * 1024 * 1024
Progress = Callable[[int, int], None]


class DownloadError(UserError):
    def __init__(
        self,
        user_message: str,
        *,
        detail: str = "",
        retryable: bool = False,
        expired: bool = False,
        local: bool = False,
    ) -> None:
        self.retryable = retryable
        self.expired = expired
        self.local = local  # this computer's fault (disk full, folder unwritable), not the server's
        super().__init__(user_message, detail=detail)


_datasync = getattr(os, "fdatasync", os.fsync)  # fdatasync is POSIX-only


class _Writer:
    """Writes blocks on a worker thread while the next block arrives (disk and
    network overlap). Every SYNC_BYTES a data sync starts on another thread, so
    dirty pages never pile up (the final fsync stays short) and the flush to disk
    overlaps with the download instead of stalling it."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.unsynced = 0
        self.busy: asyncio.Future[None] | None = None
        self.syncing: asyncio.Future[None] | None = None

    def _write(self, data: bytes) -> None:
        self.fh.write(data)
        self.fh.flush()  # in the OS's hands: survives the app being killed

    async def write(self, data: bytes) -> None:
        if self.busy is not None:
            await self.busy  # at most one block in flight: memory stays flat
        self.busy = None
        if self.unsynced >= SYNC_BYTES and (self.syncing is None or self.syncing.done()):
            if self.syncing is not None:
                await self.syncing  # surfaces a failed sync
            # One sync at a time; if the disk is slower than the network, writes
            # carry on into the page cache and the next sync takes a bigger bite.
            self.syncing = asyncio.ensure_future(asyncio.to_thread(_datasync, self.fh.fileno()))
            self.unsynced = 0
        if data:
            self.unsynced += len(data)
            self.busy = asyncio.ensure_future(asyncio.to_thread(self._write, data))

    async def finish(self) -> None:
        await self._settle(raise_errors=True)
        await asyncio.to_thread(os.fsync, self.fh.fileno())  # durable before it is renamed into place

    async def abandon(self) -> None:
        """An error mid-way: let writes and syncs in flight end before the file is closed."""
        await self._settle(raise_errors=False)

    async def _settle(self, *, raise_errors: bool) -> None:
        pending = [f for f in (self.busy, self.syncing) if f is not None]
        self.busy = self.syncing = None
        for result in await asyncio.gather(*pending, return_exceptions=True):
            if raise_errors and isinstance(result, BaseException):
                raise result


NOT_PUBLIC = "The link to the finished video is not a public web address, so the app did not follow it."


def refused(exc: AddressRefused) -> DownloadError:
    """A video link the app will not follow (see aurora_desktop/addresses.py), as a download error."""
    return DownloadError(NOT_PUBLIC, detail=exc.detail)


def _content_range_start(value: str | None) -> int | None:
    # "bytes 100-199/1000"
    if not value or not value.startswith("bytes "):
        return None
    try:
        return int(value[6:].split("-", 1)[0])
    except ValueError:
        return None


FREE_SPACE_MARGIN = 50_000_000  # what the disk keeps besides the video: the OS and others need room too


def _too_large(announced: int, limit: int) -> DownloadError:
    return DownloadError(
        "The finished video is far larger than a video of this length can be, so the app stopped downloading "
        "it. Try again later, or tell Creatify's support.",
        detail=f"{announced} bytes, at most {limit} expected",
    )


def _check_room(partial: Path, needed: int) -> None:
    free = shutil.disk_usage(partial.parent).free
    if needed + FREE_SPACE_MARGIN > free:
        raise DownloadError(
            f"There is not enough free disk space for the video ({needed / 1e6:,.0f} MB needed, "
            f"{free / 1e6:,.0f} MB free). Free some space; the download resumes where it stopped.",
            detail=f"{needed} bytes needed, {free} free in {partial.parent}",
            local=True,
        )


WEB_PAGE = (
    "The link to the finished video gave a web page, not the video (the video host may have shown "
    "an error or sign-in page). The video is kept at Creatify: try again later, or download it "
    "from your Creatify account."
)
NOT_A_VIDEO = (
    "The link to the finished video gave a file that is not a video. The video is kept at Creatify: "
    "try again later, or download it from your Creatify account."
)


async def _attempt(
    http: httpx.AsyncClient, url: str, partial: Path, progress: Progress | None, max_bytes: int | None
) -> int:
    offset = partial.stat().st_size if partial.exists() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    try:
        async with http.stream("GET", url, headers=headers) as response:
            status = response.status_code
            if status == 416 and offset:  # we already have every byte
                return offset
            if status in (401, 403, 404, 410):
                raise DownloadError(
                    "The link to the finished video no longer works (it may have expired).",
                    detail=f"HTTP {status}",
                    expired=True,
                )
            if status == 429 or status >= 500:
                raise DownloadError("The video server is busy; retrying.", detail=f"HTTP {status}", retryable=True)
            if status not in (200, 206):
                raise DownloadError("The video could not be downloaded.", detail=f"HTTP {status}")
            kind = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if kind.startswith("text/") or kind in ("application/xhtml+xml", "application/json"):
                raise DownloadError(WEB_PAGE, detail=f"HTTP {status}, Content-Type {kind}")
            if status == 206 and _content_range_start(response.headers.get("content-range")) == offset:
                mode, done = "ab", offset
            else:  # the server ignored Range: start over
                mode, done = "wb", 0
            length = response.headers.get("content-length")
            total = done + int(length) if length and length.isdigit() else 0
            if max_bytes is not None and total > max_bytes:
                raise _too_large(total, max_bytes)
            await asyncio.to_thread(_check_room, partial, (total or max_bytes or 0) - done)
            # Opened here, not on a thread: a cancelled await would leak the handle.
            with open(partial, mode) as fh:
                writer = _Writer(fh)
                try:
                    pending: list[bytes] = []
                    pending_size, last_flush = 0, 0.0
                    async with body_chunks(response) as chunks:
                        async for chunk in chunks:
                            pending.append(chunk)
                            pending_size += len(chunk)
                            done += len(chunk)
                            if max_bytes is not None and done > max_bytes:  # no length said, and it does not end
                                raise _too_large(done, max_bytes)
                            # Big blocks for speed, but at least every FLUSH_SECONDS, so a slow
                            # link keeps what it got if the app dies.
                            if pending_size >= CHUNK or time.monotonic() - last_flush >= FLUSH_SECONDS:
                                await writer.write(b"".join(pending))
                                pending.clear()
                                pending_size, last_flush = 0, time.monotonic()
                            if progress:
                                progress(done, total)
                    await writer.write(b"".join(pending))
                    await writer.finish()
                finally:
                    await writer.abandon()
    except httpx.HTTPError as exc:
        raise DownloadError(
            "The download was interrupted; resuming.", detail=f"{type(exc).__name__}: {exc}", retryable=True
        ) from None
    except OSError as exc:
        raise DownloadError(
            "The video could not be written to disk (is the disk full?). "
            "Free some space; the download resumes where it stopped.",
            detail=f"{type(exc).__name__}: {exc}",
            local=True,
        ) from None
    if total and done != total:
        raise DownloadError("The download stopped early; resuming.", detail=f"{done} of {total} bytes", retryable=True)
    return done


async def download(
    http: httpx.AsyncClient,
    url: str,
    partial: Path,
    *,
    progress: Progress | None = None,
    max_bytes: int | None = None,
    attempts: int = 8,
    max_wait: float = 30.0,
) -> int:
    """Download url into partial (resuming what is there); return its size."""
    try:
        check_link(url)  # an unreadable one (0177.0.0.1) is refused plainly, not a crash
    except AddressRefused as exc:
        raise refused(exc) from None
    partial.parent.mkdir(parents=True, exist_ok=True)
    retrying = AsyncRetrying(
        retry=retry_if_exception(lambda e: isinstance(e, DownloadError) and e.retryable),
        wait=wait_exponential_jitter(multiplier=0.5, max=max_wait, jitter=0.5),
        stop=stop_after_attempt(attempts),
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            size = await _attempt(http, url, partial, progress, max_bytes)
    with open(partial, "rb") as fh:
        head = fh.read(12)
    if head[4:8] != b"ftyp":
        partial.unlink(missing_ok=True)
        # Not a lost connection (fetching it again gives the same): say what came, never "offline".
        web_page = head.lstrip().startswith(b"<")
        raise DownloadError(WEB_PAGE if web_page else NOT_A_VIDEO, detail=f"starts with {head!r}")
    return size
