"""Where a job continues from: the rules for a new start and for the user's "Try again".

All of them in one place, so "what resumes, and from where" is read here and
nowhere else. Each function moves jobs in the store; the engine then drives
what they return.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aurora_desktop.addresses import is_loopback_host
from aurora_desktop.api import JobStatus
from aurora_desktop.jobs.model import LocalJob, State, new_token
from aurora_desktop.jobs.runtime import Runtime
from aurora_desktop.jobs.steps.downloading import saved_file_vanished
from aurora_desktop.jobs.vocabulary import ErrorCode, History, rule_for

DEMO_SERVICE_GONE = "The demo service that was making this video has stopped. Make it again (demo videos cost nothing)."


def _is_loopback_url(url: str) -> bool:
    return is_loopback_host(urlsplit(url).hostname or "")


def _never_sent(job: LocalJob) -> bool:
    return job.state in (State.DRAFT, State.HOSTING) or (job.state is State.SUBMITTING and job.submit_attempts == 0)


async def jobs_to_resume(rt: Runtime) -> list[LocalJob]:
    """On start: every job that continues by itself, moved to where it continues from."""
    base = rt.client.base_url
    resumed: list[LocalJob] = []
    for job in await rt.store.unfinished():
        if job.error_code == ErrorCode.STATE:  # "not ready yet" was said last time: this start watches afresh
            job = await rt.store.update(job.id, error_code=None, error_message=None, error_detail=None)
        if job.api_base and job.api_base != base:
            if not _is_loopback_url(job.api_base):
                continue  # made with another API address; it continues when that one is used again
            if not _never_sent(job):
                # An earlier demo session's sandbox, gone with its jobs: say so, do not wait forever.
                await rt.attention(job, ErrorCode.LOST, DEMO_SERVICE_GONE)
                continue
            job = await _to_this_service(rt, job)
        resumed.append(job)
    for job in await rt.store.list([State.NEEDS_ATTENTION]):
        if rule_for(job.error_code).resumes_on_start and job.api_base in ("", base):
            resumed.append(await retry(rt, job))
    for job in await rt.store.list([State.SAVED]):
        if await saved_file_vanished(job):
            # Fetched again into the same name, so its sidecar (still there) belongs to it again.
            resumed.append(await rt.move(job, State.DOWNLOADING, History.FILE_MISSING))
    return resumed


async def _to_this_service(rt: Runtime, job: LocalJob) -> LocalJob:
    """A job of an earlier demo session that was never sent goes to this session's service, hosted afresh."""
    changes: dict[str, Any] = {"api_base": rt.client.base_url}
    for item in job.inputs:
        changes |= job.input_change(item.unhosted())
    data = {"from": job.api_base}
    if job.state is State.DRAFT:
        return await rt.store.update(job.id, History.MOVED, data, **changes)
    return await rt.move(job, State.DRAFT, History.MOVED, data, **changes)


async def retarget(rt: Runtime, folder: Path) -> int:
    """Unfinished jobs (and those stopped by the disk) whose video has not been saved yet go to
    `folder` instead of the one chosen before; return how many."""
    moved = 0
    for job in await rt.store.list():
        waiting = not job.state.is_final or rule_for(job.error_code).resumes_on_start
        if not (waiting and job.output_path) or Path(job.output_path).parent == folder:
            continue
        if await asyncio.to_thread(_has_video, Path(job.output_path)):
            continue  # already there (saved just before a crash): the next start records it
        await rt.store.update(job.id, History.TARGET, {"path": None, "folder": str(folder)}, output_path=None)
        moved += 1
    return moved


def _has_video(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


_CLEARED_ERROR: dict[str, Any] = {"error_message": None, "error_detail": None, "error_code": None, "finished_at": None}


async def retry(rt: Runtime, job: LocalJob) -> LocalJob:
    """Start a final job again from where it makes sense. A job that failed at
    Creatify is a new request (new token: it will be charged again)."""
    if not job.state.is_final or job.state in (State.SAVED, State.VOICE_READY):
        return job
    asked = job.script and not job.speech_made and (job.speech_id or job.speech_attempts)
    if asked and (job.state is State.FAILED or job.error_code == ErrorCode.LOST):
        # The speech failed (not charged) or could not be confirmed, and the user asks again:
        # a new request under a new token (the message said it may charge again).
        job = await rt.store.update(
            job.id, History.RETRY, {"speech": "new"}, token=new_token(), speech_id=None, speech_attempts=0
        )
    paid = job.remote_id is not None
    if paid and job.state is State.NEEDS_ATTENTION:
        # Creatify has (or is making) the video: continue from there, nothing is sent again.
        target = State.DOWNLOADING if job.remote_status == JobStatus.DONE.value else State.REMOTE
        return await rt.move(job, target, History.RETRY, **_CLEARED_ERROR)
    if paid:  # failed or rejected at Creatify (refunded): a new request
        return await rt.move(
            job,
            State.DRAFT,
            History.RETRY,
            token=new_token(),
            remote_id=None,
            remote_status=None,
            progress=0.0,
            submit_attempts=0,
            credits_used=None,
            video_url=None,
            preview_url=None,
            video_expires=None,
            submitted_at=None,
            **_CLEARED_ERROR,
        )
    return await rt.move(job, State.DRAFT, History.RETRY, **_CLEARED_ERROR)
