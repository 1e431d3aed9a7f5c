"""Step SUBMITTING -> REMOTE: ask Creatify for the video, never twice.

The intent (one more attempt) is committed before the POST, with a
compare-and-set, so after a crash we know a request may have left, and of two
drivers only one sends. A POST whose outcome is unknown is reconciled (the
remote list is searched for the job's client token, carried in its name)
before anything is sent again. An answer that proves nothing was created takes
the attempt back (`submit_intent`).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from aurora_desktop.api import (
    ApiError,
    AuthError,
    CreateRequest,
    InsufficientCreditsError,
    InvalidResponseError,
    Job,
    NetworkError,
    OutcomeUnknownError,
    RateLimitedError,
    ServerUnavailableError,
    ValidationError,
)
from aurora_desktop.api.catalog import get_model
from aurora_desktop.api.retry import NotSent
from aurora_desktop.jobs.model import LocalJob, State, utcnow
from aurora_desktop.jobs.runtime import Runtime, Wait
from aurora_desktop.jobs.vocabulary import ErrorCode, History

log = logging.getLogger(__name__)

# Answers that prove the POST created nothing: the attempt is taken back, so the
# job may be sent again without a search. Each maps to its history entry.
NOTHING_CREATED: dict[type[Exception], History] = {
    NotSent: History.NOT_SENT,  # never left this machine
    RateLimitedError: History.RATE_LIMITED,  # refused before any work
    AuthError: History.REFUSED,
    InsufficientCreditsError: History.REFUSED,
    ValidationError: History.REFUSED,
}
_NOTHING_CREATED = tuple(NOTHING_CREATED)


@dataclass
class Intent:
    job: LocalJob  # the record as it stands: with the attempt counted, or after it was taken back


@asynccontextmanager
async def submit_intent(rt: Runtime, job: LocalJob) -> AsyncIterator[Intent]:
    """Count one attempt on disk before the request leaves; take it back when the
    answer proves nothing was created. Raises StateConflict if another driver claimed it."""
    intent = Intent(await rt.store.claim_submit_attempt(job.id, job.submit_attempts))
    try:
        yield intent
    except _NOTHING_CREATED as exc:
        event = next(v for k, v in NOTHING_CREATED.items() if isinstance(exc, k))
        intent.job = await rt.store.update(job.id, event, submit_attempts=job.submit_attempts)
        raise


def _inputs_expire_soon(rt: Runtime, job: LocalJob) -> bool:
    now = utcnow()
    return any(i.expires is not None and i.expires - now <= rt.config.rehost_margin for i in job.inputs)


async def submit(rt: Runtime, job: LocalJob) -> None:
    if job.remote_id:
        await rt.move(job, State.REMOTE, History.SUBMITTED)
        return
    # Look for the token first, whatever the attempt count says: a damaged or rolled-back
    # library can forget an attempt, and a job already at Creatify must be adopted, never
    # requested again. After a known attempt, look a few times (its job may appear late).
    # Before a first request the look is a safety net only: one bounded read that never
    # stands in the request's way (a heavy account's list is read only as far as this job's
    # lifetime; a list refused, slow or unreadable is no reason not to ask, and if the
    # service is really out of reach, the request itself says so).
    first = job.submit_attempts == 0
    try:
        found = await reconcile(rt, job, (0.0,) if first else rt.config.reconcile_delays)
    except SearchIncomplete as exc:
        if not first:  # an earlier request may have arrived: asking again could charge twice
            await rt.attention(job, ErrorCode.LOST, LOST_MESSAGE, exc.detail)
            return
        log.info("job %s: the search before its first request was incomplete (%s); asking", job.id, exc.detail)
        found = None
    except (Wait, ApiError) as exc:
        if not first:
            raise
        log.info("job %s: the search before its first request failed (%s); asking anyway", job.id, exc)
        found = None
    if found is not None:
        await adopt(rt, job, found, History.ADOPTED)
        return
    if _inputs_expire_soon(rt, job):
        await rt.move(job, State.HOSTING, History.REHOST, {"why": "hosted links expire soon"})
        return
    if job.submit_attempts >= rt.config.max_submit_attempts:
        await rt.attention(job, ErrorCode.LOST, LOST_MESSAGE)
        return
    spec = get_model(job.model)
    request = CreateRequest(
        image=job.image.url or "",
        audio=job.audio.url or "",
        name=job.remote_name,
        text_prompt=job.text_prompt,
        prompt_guidance_scale=job.guidance,
        model_version=spec.model_version,
        resolution=spec.resolution,
    )
    async with rt.poller.slot():
        try:
            async with submit_intent(rt, job) as intent:
                remote = await rt.client.create(request)
        except NotSent as exc:
            raise Wait(2.0, exc.user_message, offline=True) from None
        except RateLimitedError as exc:
            raise Wait(exc.retry_after or 5.0, exc.user_message) from None
        except (OutcomeUnknownError, ServerUnavailableError, InvalidResponseError, NetworkError) as exc:
            try:
                found = await reconcile(rt, intent.job)
            except SearchIncomplete as incomplete:
                await rt.attention(intent.job, ErrorCode.LOST, LOST_MESSAGE, incomplete.detail)
                return
            if found is not None:
                await adopt(rt, intent.job, found, History.ADOPTED)
                return
            raise Wait(2.0, exc.user_message, offline=isinstance(exc, NetworkError)) from None
        except (AuthError, InsufficientCreditsError) as exc:
            code = ErrorCode.AUTH if isinstance(exc, AuthError) else ErrorCode.CREDITS
            await rt.attention(intent.job, code, exc.user_message, exc.detail)
            return
        except ValidationError as exc:
            await rt.move(
                intent.job,
                State.FAILED,
                History.REFUSED,
                error_message=exc.user_message,
                error_code=str(ErrorCode.INPUT),
                error_detail=exc.detail,
            )
            return
    rt.set_online(True)
    await adopt(rt, intent.job, remote, History.SUBMITTED)


# How far back a lost job is looked for, before the local job was made: clocks differ.
CLOCK_MARGIN = timedelta(days=1)
LOST_MESSAGE = (
    "The app could not confirm that Creatify received this video request. "
    "Check your Creatify account before trying again."
)


class SearchIncomplete(Exception):
    """The account's list could not be searched back to this job's creation (the service did not
    list newest first, so the bounded read may have stopped before the job): whether it exists is
    unknown, and only the user, looking at the account, can tell without risking a second charge."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


# Bounds of one search, whatever the account's history (about 1 kB a job).
SEARCH_MAX_JOBS = 2000
SEARCH_MAX_BYTES = 2_000_000


async def reconcile(rt: Runtime, job: LocalJob, delays: tuple[float, ...] | None = None) -> Job | None:
    """Find a job this client may already have created, by its token.

    The account's list is read newest first and only back to when this job was made
    (less a margin for clocks): a job of ours cannot be older. So a heavy account's
    history (15,000 videos, 16 MB) costs a few jobs' worth of reading, not the whole."""
    since = job.created_at - CLOCK_MARGIN
    listed: list[datetime] = []  # creation times as listed in this look (a retried read starts again)

    def more(remote: Job) -> bool:
        if remote.name and job.token in remote.name:
            return False
        if remote.created_at is None:
            return True
        previous = listed[-1] if listed else None
        listed.append(remote.created_at)
        # Stop at the second job in a row older than this one: two in a row show the order
        # is newest first (the first job of a list in no order may well be the oldest).
        return not (previous is not None and previous < since and remote.created_at <= previous)

    for delay in rt.config.reconcile_delays if delays is None else delays:
        await asyncio.sleep(delay)
        listed.clear()
        try:
            recent = await rt.client.newest(more, max_jobs=SEARCH_MAX_JOBS, max_bytes=SEARCH_MAX_BYTES)
        except (NetworkError, ServerUnavailableError, RateLimitedError) as exc:
            raise Wait(2.0, exc.user_message, offline=isinstance(exc, NetworkError)) from None
        matches = [r for r in recent if r.name and job.token in r.name]
        if matches:
            return matches[0]
        # Judged on the list as finally read, not on what a failed read had seen before a retry.
        times = [r.created_at for r in recent if r.created_at is not None]
        if any(a < b for a, b in itertools.pairwise(times)):
            # Safe rather than sure: on a list in no order, not finding the token in a bounded read
            # proves nothing, and a second request could be a second charge.
            raise SearchIncomplete(
                f"the list was not newest first; {len(recent)} jobs read, none with this job's token"
            )
    return None


async def adopt(rt: Runtime, job: LocalJob, remote: Job, how: History) -> None:
    await rt.move(
        job,
        State.REMOTE,
        how,
        {"remote_id": remote.id},
        remote_id=remote.id,
        remote_status=remote.status.value,
        progress=remote.progress,
        submitted_at=utcnow(),
    )
    rt.poller.wake()
