"""The poller: one watcher of every job at Creatify, shared by the steps (jobs/steps/).

It polls with one request per 100 jobs per tick, quick at first, slower for long
jobs, quick again near the end, and moves each job on (DOWNLOADING, FAILED,
REJECTED) when Creatify is done with it. It also keeps the count of jobs at
Creatify (watched, or being requested) within `max_active_jobs`: `slot()` is
what a submit waits on.

The runtime (jobs/runtime.py) makes one and keeps it as `rt.poller`. The poller
knows the runtime only through `PollerHost`, the few things it uses, so this
module does not import the runtime (no import cycle: tests/unit/test_import_cycles.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any, Protocol

from aurora_desktop.api import (
    ApiError,
    AuroraClient,
    InvalidResponseError,
    Job,
    JobStatus,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerUnavailableError,
)
from aurora_desktop.api.errors import excerpt
from aurora_desktop.errors import UserError
from aurora_desktop.jobs.async_store import AsyncStore
from aurora_desktop.jobs.eta import HISTORY, Observed, RenderPace, poll_delay
from aurora_desktop.jobs.events import EngineEvent, JobChanged, Notice
from aurora_desktop.jobs.model import LocalJob, State, utcnow
from aurora_desktop.jobs.store_health import StateConflict, StoreWriteFailed
from aurora_desktop.jobs.vocabulary import OUTPUT_LIFETIME, STOPPED_MESSAGE, ErrorCode, History, Phase

log = logging.getLogger(__name__)

REASON_SHOWN = 300  # characters of Creatify's failure reason in the message a person reads
REASON_KEPT = 20_000  # ... and kept for "Copy details"


class PollConfig(Protocol):
    """The settings the poller reads (runtime.EngineConfig has them)."""

    @property
    def max_active_jobs(self) -> int: ...
    @property
    def poll_min(self) -> float: ...
    @property
    def poll_max(self) -> float: ...
    @property
    def offline_max_wait(self) -> float: ...
    @property
    def unknown_status_patience(self) -> float: ...
    @property
    def missing_polls_before_lookup(self) -> int: ...


class PollerHost(Protocol):
    """What the poller needs from the runtime that owns it (runtime.Runtime)."""

    @property
    def config(self) -> PollConfig: ...
    @property
    def store(self) -> AsyncStore: ...
    @property
    def client(self) -> AuroraClient: ...
    @property
    def failure(self) -> UserError | None: ...

    def emit(self, event: EngineEvent) -> None: ...
    def progress(self, job: LocalJob, phase: Phase, done: float, total: float) -> None: ...
    def set_online(self, online: bool, message: str = "") -> None: ...
    def may_have_settled(self, job_id: str) -> None: ...
    def fail(self, error: UserError) -> None: ...
    async def move(
        self, job: LocalJob, state: State, event: History, data: dict[str, Any] | None = None, **changes: Any
    ) -> LocalJob: ...
    async def attention(self, job: LocalJob, code: ErrorCode, message: str, detail: str = "") -> LocalJob: ...


class Poller:
    """Watches every job at Creatify for the runtime that made it (and counts the jobs there)."""

    def __init__(self, rt: PollerHost) -> None:
        self.rt = rt
        self._watch: dict[str, str] = {}  # remote id -> local id, jobs at Creatify
        self._left: dict[str, asyncio.Event] = {}  # local id -> set when the poller moves it on
        self._missing: dict[str, int] = {}
        self._unknown_since: dict[str, float] = {}  # remote id -> when its unknown status was first seen
        self._wake = asyncio.Event()
        self._poller: asyncio.Task[None] | None = None
        self._posting = 0  # POSTs in flight (they count towards max_active_jobs)
        self._slot_freed = asyncio.Event()
        self._closed = False
        self.ticks = 0  # diagnostics: completed status checks
        self._pace: RenderPace | None = None
        self._moving_since: dict[str, tuple[float, float]] = {}  # local id -> (monotonic, progress) first seen > 0
        self._pace_learnt = -1e9
        self._pace_stale = True

    # ------------------------------------------------------------------ for the other steps

    def wake(self) -> None:
        self._wake.set()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """At most max_active_jobs jobs at Creatify (watched or being requested) at once."""
        while len(self._watch) + self._posting >= self.rt.config.max_active_jobs:
            self._slot_freed.clear()
            await self._slot_freed.wait()
        self._posting += 1
        try:
            yield
        finally:
            self._posting -= 1
            self._slot_freed.set()

    async def wait_until_moved_on(self, job: LocalJob) -> None:
        """The REMOTE step: watch the job until the poller moves it to another state."""
        assert job.remote_id
        left = self._left.setdefault(job.id, asyncio.Event())
        self._watch[job.remote_id] = job.id
        self.ensure_running()
        self._wake.set()
        try:
            await left.wait()
        finally:
            self._watch.pop(job.remote_id, None)
            self._left.pop(job.id, None)
            self._slot_freed.set()

    def ensure_running(self) -> None:
        if (self._poller is None or self._poller.done()) and not self._closed:
            self._poller = asyncio.get_running_loop().create_task(self._poll_loop(), name="poller")

    async def close(self, timeout: float) -> None:
        self._closed = True
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.wait([self._poller], timeout=timeout)

    # ------------------------------------------------------------------ the poll loop

    def _interval(self, jobs: list[LocalJob]) -> float:
        """Quick at first, slow while every job's end is far away, quick whenever one is likely
        to finish (jobs/eta.py: its progress and this user's history)."""
        cfg, now, mono = self.rt.config, utcnow(), time.monotonic()
        return min(
            (
                poll_delay(
                    job, self._pace, quick=cfg.poll_min, slow=cfg.poll_max, now=now, observed=self._observed(job, mono)
                )
                for job in jobs
            ),
            default=cfg.poll_max,
        )

    def _observed(self, job: LocalJob, now: float) -> Observed | None:
        first = self._moving_since.get(job.id)
        if first is None:
            if job.progress <= 0:
                return None
            first = self._moving_since[job.id] = (now, job.progress)  # first seen moving (after any queue)
        return Observed(now - first[0], first[1])

    async def _learn_pace(self) -> None:
        """How long this user's videos take per second of audio, from their latest saved ones;
        learnt again when a video was saved since (at most once a minute)."""
        if time.monotonic() - self._pace_learnt < 60 and not self._pace_stale:
            return
        self._pace_stale = False
        self._pace_learnt = time.monotonic()
        self._pace = RenderPace.learn(await self.rt.store.recent_saved(HISTORY))

    def video_saved(self) -> None:
        self._pace_stale = True

    async def _poll_loop(self) -> None:
        try:
            await self._poll_forever()
        except StoreWriteFailed as exc:
            self.rt.fail(exc)
        except Exception as exc:
            log.exception("the poller failed")
            self.rt.fail(UserError(STOPPED_MESSAGE, detail=f"poller: {type(exc).__name__}: {exc}"))

    async def _poll_forever(self) -> None:
        rt, backoff = self.rt, 0.0
        while not self._closed and rt.failure is None:
            if not self._watch:
                self._wake.clear()
                await self._wake.wait()
                continue
            await self._learn_pace()
            watched = dict(self._watch)
            # One read of the store per tick (not one per job): these are the jobs at Creatify.
            local = {j.id: j for j in await rt.store.list([State.REMOTE])}
            jobs = [local[i] for i in watched.values() if i in local]
            for gone in set(watched.values()) - set(local):
                self._release(gone)  # moved on by someone else (another engine, a retry): its driver reads it again
            try:
                remotes = await rt.client.list(ids=list(watched))
                self.ticks += 1
                rt.set_online(True)
                backoff = 0.0
                for remote in remotes:
                    local_id = watched.get(remote.id)
                    if local_id:
                        self._missing.pop(remote.id, None)
                        try:
                            await self._apply(local.get(local_id), remote)
                        except StateConflict:  # another engine moved it first: its driver reads it again
                            self._release(local_id)
                seen = {r.id for r in remotes}
                for remote_id in set(watched) - seen:
                    await self._check_missing(remote_id, watched[remote_id])
                delay = self._interval(jobs)
            except RateLimitedError as exc:
                delay = exc.retry_after if exc.retry_after is not None else max(5.0, backoff * 2)
                backoff = delay
            except (NetworkError, ServerUnavailableError, InvalidResponseError) as exc:
                if isinstance(exc, NetworkError):
                    rt.set_online(False, exc.user_message)
                backoff = min(rt.config.offline_max_wait, max(rt.config.poll_min, backoff * 2))
                delay = backoff
            except ApiError as exc:  # e.g. keys revoked: keep the paid jobs, tell the user, retry slowly
                rt.emit(Notice(exc.user_message))
                backoff = delay = rt.config.offline_max_wait
            except StoreWriteFailed:
                raise
            except Exception as exc:
                log.exception("a poll tick failed")
                rt.emit(Notice(f"Checking on your videos failed ({type(exc).__name__}); trying again."))
                backoff = delay = rt.config.offline_max_wait
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def _apply(self, job: LocalJob | None, remote: Job) -> None:
        if job is None or job.state is not State.REMOTE:
            return
        rt = self.rt
        progress = max(job.progress, remote.progress)
        if remote.status is JobStatus.UNKNOWN:
            await self._unknown_status(job, remote)
        elif job.error_code == ErrorCode.STATE:  # known again: the note goes, the job goes on
            self._unknown_since.pop(remote.id, None)
            job = await rt.store.update(job.id, error_code=None, error_message=None, error_detail=None)
            rt.emit(JobChanged(job))
        if remote.status is JobStatus.DONE and remote.video_output:
            expires = (remote.updated_at or utcnow()) + OUTPUT_LIFETIME
            await rt.move(
                job,
                State.DOWNLOADING,
                History.REMOTE_DONE,
                remote_status=remote.status.value,
                progress=1.0,
                video_url=remote.video_output,
                preview_url=remote.preview,
                video_expires=expires,
                credits_used=remote.credits_used,
            )
            self._release(job.id)
        elif remote.status in (JobStatus.FAILED, JobStatus.REJECTED):
            rejected = remote.status is JobStatus.REJECTED
            reason = (remote.failed_reason or "").strip().rstrip(".") or "no reason was given"
            verb = "refused" if rejected else "could not make"
            await rt.move(
                job,
                State.REJECTED if rejected else State.FAILED,
                History.REMOTE_REJECTED if rejected else History.REMOTE_FAILED,
                {"refunded": True},
                remote_status=remote.status.value,
                credits_used=Decimal(0),
                error_code=str(ErrorCode.REMOTE),
                # The row and the dialog show a sentence; "Copy details" has (much) more of the reason.
                error_message=f"Creatify {verb} this video: {excerpt(reason, REASON_SHOWN)}. "
                "Failed videos are refunded automatically.",
                error_detail=f"remote job {remote.id}: status {remote.raw_status}: {excerpt(reason, REASON_KEPT)}",
            )
            self._release(job.id)
        elif remote.status.value != job.remote_status:
            job = await rt.store.update(
                job.id, History.REMOTE_STATUS, remote_status=remote.status.value, progress=progress
            )
            rt.emit(JobChanged(job))  # pending -> in queue -> generating: a new chip
            rt.progress(job, Phase.GENERATING, progress, 1.0)
        elif progress > job.progress + 1e-9:
            job = await rt.store.update(job.id, progress=progress)
            rt.progress(job, Phase.GENERATING, progress, 1.0)

    async def _unknown_status(self, job: LocalJob, remote: Job) -> None:
        """Keep watching, but after a while say so: a command waiting for the job ends (exit 1)
        and the window's row tells the user, instead of "generating" forever."""
        first = self._unknown_since.setdefault(remote.id, time.monotonic())
        if job.error_code == ErrorCode.STATE or time.monotonic() - first < self.rt.config.unknown_status_patience:
            return
        job = await self.rt.store.update(
            job.id,
            History.REMOTE_STATUS,
            {"unknown": remote.raw_status},
            error_code=str(ErrorCode.STATE),
            error_message=f"Creatify reports a state this app does not know ({excerpt(remote.raw_status, 40)}). "
            "The app keeps checking; check the video in your Creatify account, or update the app.",
            error_detail=f"remote job {remote.id}: status {excerpt(remote.raw_status, 500)}",
        )
        self.rt.emit(JobChanged(job))
        self.rt.may_have_settled(job.id)

    async def _check_missing(self, remote_id: str, local_id: str) -> None:
        misses = self._missing.get(remote_id, 0) + 1
        self._missing[remote_id] = misses
        if misses < self.rt.config.missing_polls_before_lookup:
            return
        try:
            remote = await self.rt.client.get(remote_id)
        except NotFoundError:
            job = await self.rt.store.get(local_id)
            if job is not None and job.state is State.REMOTE:
                await self.rt.attention(
                    job,
                    ErrorCode.LOST,
                    "Creatify no longer knows this video. It may have been removed from your account.",
                )
                self._release(local_id)
            return
        self._missing.pop(remote_id, None)
        await self._apply(await self.rt.store.get(local_id), remote)

    def _release(self, local_id: str) -> None:
        self._moving_since.pop(local_id, None)
        event = self._left.get(local_id)
        if event:
            event.set()
