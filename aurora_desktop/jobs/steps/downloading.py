"""Step DOWNLOADING -> SAVED: fetch the finished video before its link dies, and file it.

Downloads resume (HTTP Range) and the soonest-expiring link goes first. The
video lands in a partial file, then is moved atomically into the library
folder beside a JSON sidecar. A dead link is refreshed by asking Creatify for
the job again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from filelock import FileLock, Timeout

from aurora_desktop.api import ApiError, NetworkError, RateLimitedError, ServerUnavailableError
from aurora_desktop.api.catalog import get_model
from aurora_desktop.jobs.download import DownloadError, download
from aurora_desktop.jobs.model import LocalJob, State, utcnow
from aurora_desktop.jobs.naming import reserve_unique_path, video_stem
from aurora_desktop.jobs.runtime import Runtime, Wait
from aurora_desktop.jobs.saving import move_into_place, write_sidecar
from aurora_desktop.jobs.vocabulary import ErrorCode, History, Phase


@contextlib.asynccontextmanager
async def _own(partial: Path) -> AsyncIterator[None]:
    """The partial file belongs to one download at a time, across processes too: two writers
    would append one video's bytes to the other's. The lock dies with its process."""
    await asyncio.to_thread(partial.parent.mkdir, parents=True, exist_ok=True)
    path = partial.with_name(partial.name + ".lock")
    lock = FileLock(path, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise Wait(5.0, "Another download of this video is under way.") from None
    try:
        yield
    finally:
        lock.release()
        if not partial.exists():  # the video is filed: nothing left to guard (a late rival re-reads the job)
            path.unlink(missing_ok=True)


def _max_bytes(job: LocalJob) -> int:
    spec = get_model(job.model)
    return spec.max_video_bytes(job.audio_seconds or spec.max_audio_seconds)


def _has_video(path: Path) -> bool:
    """More than the empty file that reserved the name."""
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def partial_path(rt: Runtime, job: LocalJob) -> Path:
    return rt.config.partial_dir / f"{job.id}.mp4.part"


async def fetch_video(rt: Runtime, job: LocalJob) -> None:
    partial = partial_path(rt, job)
    if job.output_path and not partial.exists() and await asyncio.to_thread(_has_video, Path(job.output_path)):
        # Crashed after the atomic rename, before recording it: it is saved.
        await rt.move(job, State.SAVED, History.SAVED, {"recovered": True})
        return
    if not job.video_url:
        await rt.move(job, State.REMOTE, History.NO_VIDEO_URL)
        return
    priority = job.video_expires.timestamp() if job.video_expires else float("inf")
    async with rt.downloads.slot(priority), _own(partial):
        current = await rt.store.get(job.id)
        if current is None or current.state is not State.DOWNLOADING or current.updated_at != job.updated_at:
            return  # moved on while this step waited for the file: the driver reads it again
        try:
            size = await download(
                rt.video_http,
                job.video_url,
                partial,
                attempts=rt.config.download_attempts,
                progress=lambda d, t: rt.progress(job, Phase.DOWNLOADING, d, t),
                max_bytes=_max_bytes(job),
            )
        except DownloadError as exc:
            if exc.expired:
                await _refresh_video_link(rt, job, exc)
                return
            if exc.retryable:
                raise Wait(5.0, exc.user_message, offline=True) from None
            if not exc.local:  # the server's answer was no video: what arrived is of no use
                await asyncio.to_thread(partial.unlink, missing_ok=True)
            code = ErrorCode.DISK if exc.local else ErrorCode.DOWNLOAD
            await rt.attention(job, code, exc.user_message, exc.detail)
            return
        rt.set_online(True)
        await _file_into_library(rt, job, partial, size)


async def _file_into_library(rt: Runtime, job: LocalJob, partial: Path, size: int) -> None:
    saved_at = utcnow()
    try:
        if job.output_path:
            target = Path(job.output_path)
        else:
            target = await asyncio.to_thread(_reserve_in_library, rt, job)
            # Record the reserved name before the rename (a crash between is recoverable).
            job = await rt.store.update(job.id, History.TARGET, {"path": str(target)}, output_path=str(target))
        await asyncio.to_thread(write_sidecar, target, job, saved_at.isoformat())
        await asyncio.to_thread(move_into_place, partial, target)
    except OSError as exc:
        await rt.attention(
            job,
            ErrorCode.DISK,
            "The finished video could not be saved into your library folder "
            "(is the disk full, or the folder read-only?). It will be saved when you try again.",
            f"{type(exc).__name__}: {exc}",
        )
        return
    await rt.move(
        job, State.SAVED, History.SAVED, {"bytes": size}, bytes_done=size, bytes_total=size, finished_at=saved_at
    )
    rt.poller.video_saved()  # one more video to learn the render pace from


def _reserve_in_library(rt: Runtime, job: LocalJob) -> Path:
    library = rt.config.library_dir
    library.mkdir(parents=True, exist_ok=True)
    stem = video_stem(rt.config.filename_template, name=job.name, model=job.model, job_id=job.id, when=job.created_at)
    return reserve_unique_path(library, stem, ".mp4")


async def _refresh_video_link(rt: Runtime, job: LocalJob, exc: DownloadError) -> None:
    """A dead video link: ask Creatify for the job again, it may carry a fresh one."""
    try:
        remote = await rt.client.get(job.remote_id or "")
    except (NetworkError, ServerUnavailableError, RateLimitedError) as err:
        raise Wait(5.0, err.user_message, offline=isinstance(err, NetworkError)) from None
    except ApiError as err:
        await rt.attention(job, ErrorCode.LOST, exc.user_message, f"{exc.detail}; {err.detail}")
        return
    if remote.video_output and remote.video_output != job.video_url:
        await rt.store.update(job.id, History.NEW_VIDEO_LINK, video_url=remote.video_output)
        return
    await rt.attention(
        job, ErrorCode.LOST, exc.user_message + " Creatify keeps videos for at least 7 days.", exc.detail
    )


async def saved_file_vanished(job: LocalJob) -> bool:
    """A saved video whose file is gone while its link still works (it can be fetched again)."""
    if not job.output_path or not job.video_url:
        return False
    if job.video_expires and job.video_expires <= utcnow():
        return False
    return not await asyncio.to_thread(Path(job.output_path).exists)
