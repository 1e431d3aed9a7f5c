"""The job engine: host -> submit -> poll -> download -> saved, surviving anything.

Rules that make it safe:
- Every transition is committed to the store before the next step starts.
- The intent to submit is committed before the POST. A POST whose outcome is
  unknown is reconciled (the remote list is searched for the job's client
  token, carried in its name) before anything is sent again: nobody is
  charged twice.
- All active jobs are polled with one request per 100 jobs per tick.
- Videos are downloaded (resumably) before their links expire, soonest first,
  then moved atomically into the library with a JSON sidecar.
- On start, every unfinished job continues from its stored state.

No Qt here: listeners get plain EngineEvents; the GUI adapts them to signals.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from aurora_desktop import __version__
from aurora_desktop.api import (
    ApiError,
    AuroraClient,
    AuthError,
    CreateRequest,
    InsufficientCreditsError,
    InvalidResponseError,
    Job,
    JobStatus,
    NetworkError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    ServerUnavailableError,
    ValidationError,
)
from aurora_desktop.api.catalog import get_model
from aurora_desktop.api.client import is_loopback_host
from aurora_desktop.api.retry import NotSent
from aurora_desktop.hosting import Hoster, HostingError
from aurora_desktop.jobs.download import DownloadError, download
from aurora_desktop.jobs.events import EngineEvent, Listener
from aurora_desktop.jobs.gate import PriorityGate
from aurora_desktop.jobs.library import move_into_place, write_sidecar
from aurora_desktop.jobs.model import FINAL_STATES, LocalJob, State, new_token, utcnow
from aurora_desktop.jobs.naming import DEFAULT_TEMPLATE, clean_text, unique_path, video_stem
from aurora_desktop.jobs.prepare import PreparedInputs, is_link, sha256_file
from aurora_desktop.jobs.store import AsyncStore, JobStore

log = logging.getLogger(__name__)

OUTPUT_LIFETIME = timedelta(days=7)     # documented: outputs stay downloadable at least 7 days


@dataclass
class EngineConfig:
    library_dir: Path
    partial_dir: Path
    filename_template: str = DEFAULT_TEMPLATE
    delete_hosted_inputs: bool = True
    max_uploads: int = 2
    max_active_jobs: int = 20
    max_downloads: int = 2
    poll_min: float = 2.0               # seconds between polls while jobs are young or nearly done
    poll_max: float = 15.0              # ... and for long-running jobs
    offline_max_wait: float = 30.0      # back-off ceiling while the network is down
    rehost_margin: timedelta = timedelta(minutes=30)
    reconcile_delays: tuple[float, ...] = (0.0, 2.0, 5.0)
    max_submit_attempts: int = 5
    missing_polls_before_lookup: int = 3
    download_attempts: int = 8


def _is_loopback_url(url: str) -> bool:
    return is_loopback_host(urlsplit(url).hostname or "")


class _Wait(Exception):
    """A step cannot go on yet (offline, rate limited): try again after `delay`."""

    def __init__(self, delay: float, message: str, *, offline: bool = False) -> None:
        super().__init__(message)
        self.delay = delay
        self.message = message
        self.offline = offline


@dataclass
class _Throttle:
    """At most one progress event per job per interval, plus every phase's last one."""

    interval: float = 0.1
    last: dict[str, float] = field(default_factory=dict)

    def ready(self, key: str, final: bool) -> bool:
        now = time.monotonic()
        if final or now - self.last.get(key, 0.0) >= self.interval:
            self.last[key] = now
            return True
        return False


class Engine:
    def __init__(self, store: JobStore, client: AuroraClient, hoster: Hoster, config: EngineConfig) -> None:
        self.store = AsyncStore(store)
        self.client = client
        self.hoster = hoster
        self.config = config
        self._listeners: list[Listener] = []
        self._drivers: dict[str, asyncio.Task[None]] = {}
        self._rerun: set[str] = set()                    # jobs to drive again when their driver ends
        self._finished: dict[str, asyncio.Event] = {}
        self._watch: dict[str, str] = {}                 # remote id -> local id, jobs at Creatify
        self._left_remote: dict[str, asyncio.Event] = {}  # local id -> set when the poller moves it on
        self._missing: dict[str, int] = {}
        self._poll_wake = asyncio.Event()
        self._poller: asyncio.Task[None] | None = None
        self._uploads = asyncio.Semaphore(max(1, config.max_uploads))
        self._posting = 0                                # POSTs in flight (count towards max_active_jobs)
        self._slot_freed = asyncio.Event()
        self._downloads = PriorityGate(config.max_downloads)
        self._throttle = _Throttle()
        self._http = httpx.AsyncClient(   # for videos: no API headers, ever
            timeout=httpx.Timeout(60.0, connect=15.0), follow_redirects=True, trust_env=False,
            headers={"User-Agent": f"AuroraDesktop/{__version__}"})
        self.offline_since: float | None = None
        self.poll_ticks = 0                              # diagnostics: completed status checks
        self._closed = False

    # ================================================================== public API

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    async def start(self) -> list[LocalJob]:
        """Resume every unfinished job of this service; return them."""
        resumed = []
        for job in await self.store.unfinished():
            if job.api_base and job.api_base != self.client.base_url:
                never_sent = job.state in (State.DRAFT, State.HOSTING) or (
                    job.state is State.SUBMITTING and job.submit_attempts == 0)
                if _is_loopback_url(job.api_base) and never_sent:
                    # Not sent anywhere yet: it goes to this service instead, hosted afresh.
                    job = await self.store.update(
                        job.id, "moved", {"from": job.api_base}, api_base=self.client.base_url, state=State.DRAFT,
                        image_url=None, image_key=None, image_expires=None,
                        audio_url=None, audio_key=None, audio_expires=None)
                elif _is_loopback_url(job.api_base):
                    # An earlier demo session's sandbox, gone with its jobs: say so, do not wait forever.
                    await self._attention(job, "lost", "The demo service that was making this video has "
                                          "stopped. Make it again (demo videos cost nothing).")
                    continue
                else:
                    continue  # made with another API address; it continues when that one is used again
            resumed.append(job)
            self._spawn(job.id)
        for job in await self.store.list([State.NEEDS_ATTENTION]):
            # Stopped by the local disk (full, or the folder unwritable): the user was told
            # "free some space; it continues", so a new start is the moment to try again.
            if job.error_code == "disk" and job.api_base in ("", self.client.base_url):
                resumed.append(await self.retry(job.id))
        for job in await self.store.list([State.SAVED]):
            if await self._saved_file_vanished(job):
                job = await self.store.update(job.id, "file-missing", state=State.DOWNLOADING, output_path=None)
                resumed.append(job)
                self._spawn(job.id)
        self._ensure_poller()
        return resumed

    async def add(self, prepared: PreparedInputs, *, name: str, model: str,
                  text_prompt: str | None = None, guidance: float | None = None) -> LocalJob:
        """Record a new job (nothing spent yet) and start it."""
        spec = get_model(model)
        name = clean_text(name) or "Untitled"
        job = LocalJob(
            id=str(uuid.uuid4()), token=new_token(), name=name, model=spec.key,
            image_source=prepared.image_source, audio_source=prepared.audio_source,
            text_prompt=text_prompt or None, guidance=guidance,
            image_hash=prepared.image_hash, audio_hash=prepared.audio_hash,
            image_mime=prepared.image.mime, audio_mime=prepared.audio.mime,
            audio_seconds=prepared.audio.duration, cost_estimate=float(prepared.cost(spec)),
            api_base=self.client.base_url)
        await self.store.insert(job)
        self._emit(EngineEvent("job", job))
        self._spawn(job.id)
        return job

    async def wait(self, job_id: str) -> LocalJob:
        """Until the job needs nothing more from the engine (saved, failed, or needs the user)."""
        job = await self.store.get(job_id)
        while job is not None and not job.state.is_final:
            event = self._finished.setdefault(job_id, asyncio.Event())
            await event.wait()
            job = await self.store.get(job_id)
        if job is None:
            raise KeyError(job_id)
        return job

    async def retry(self, job_id: str) -> LocalJob:
        """Start a final job again from where it makes sense. A job that failed at
        Creatify is a new request (new token: it will be charged again)."""
        job = await self._get(job_id)
        if not job.state.is_final or job.state is State.SAVED:
            return job
        reset_error: dict[str, Any] = {"error_message": None, "error_detail": None, "error_code": None,
                                       "finished_at": None}
        if job.remote_id and job.state is State.NEEDS_ATTENTION and job.remote_status == JobStatus.DONE.value:
            job = await self.store.update(job_id, "retry", state=State.DOWNLOADING, **reset_error)
        elif job.remote_id and job.state is State.NEEDS_ATTENTION:
            job = await self.store.update(job_id, "retry", state=State.REMOTE, **reset_error)
        elif job.state in (State.FAILED, State.REJECTED) and job.remote_id:
            job = await self.store.update(
                job_id, "retry", state=State.DRAFT, token=new_token(), remote_id=None, remote_status=None,
                progress=0.0, submit_attempts=0, credits_used=None, video_url=None, preview_url=None,
                video_expires=None, submitted_at=None, **reset_error)
        else:
            job = await self.store.update(job_id, "retry", state=State.DRAFT, **reset_error)
        self._emit(EngineEvent("job", job))
        self._spawn(job_id)
        return job

    async def cancel(self, job_id: str) -> LocalJob:
        """Cancel local steps. Once the request may have reached Creatify there is
        nothing to cancel there (the API has no cancel): the job is kept."""
        job = await self._get(job_id)
        if job.state.is_final:
            return job
        if job.remote_id or job.submit_attempts > 0:
            raise ValueError("This video has already been requested from Creatify and cannot be cancelled; "
                             "it will finish and be saved.")
        task = self._drivers.pop(job_id, None)
        if task:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        job = await self.store.update(job_id, "cancelled", state=State.CANCELLED, finished_at=utcnow())
        await self._delete_hosted(job)
        self._emit(EngineEvent("job", job))
        self._notify_final(job_id)
        return job

    async def remove(self, job_id: str, *, delete_file: bool) -> None:
        job = await self._get(job_id)
        if not job.state.is_final:
            raise ValueError("This job is still running; cancel it or wait for it to finish first.")
        if delete_file and job.output_path:
            target = Path(job.output_path)
            await asyncio.to_thread(target.unlink, missing_ok=True)
            await asyncio.to_thread(target.with_suffix(".json").unlink, missing_ok=True)
        await self._delete_hosted(job)
        await self.store.delete(job_id)
        self._emit(EngineEvent("job", job.with_changes(state=State.CANCELLED), message="removed"))

    async def close(self, timeout: float = 5.0) -> None:
        """Stop all work (jobs stay in the store and resume next time)."""
        self._closed = True
        tasks = [*self._drivers.values(), *([self._poller] if self._poller else [])]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
        await self._http.aclose()
        self.store.close()

    @property
    def active_count(self) -> int:
        return len(self._drivers)

    # ================================================================== plumbing

    def _emit(self, event: EngineEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a listener bug must never stop a paid job
                log.exception("engine listener failed")

    def _progress(self, job: LocalJob, phase: str, done: float, total: float) -> None:
        if self._throttle.ready(f"{job.id}:{phase}", final=bool(total) and done >= total):
            self._emit(EngineEvent("progress", job, phase=phase, done=done, total=total))

    def _spawn(self, job_id: str) -> None:
        if self._closed:
            return
        running = self._drivers.get(job_id)
        if running is not None and not running.done():
            self._rerun.add(job_id)
            return
        task = asyncio.get_running_loop().create_task(self._drive(job_id), name=f"job:{job_id}")
        self._drivers[job_id] = task
        task.add_done_callback(lambda t, j=job_id: self._drivers.pop(j, None) if self._drivers.get(j) is t else None)

    def _notify_final(self, job_id: str) -> None:
        event = self._finished.pop(job_id, None)
        if event:
            event.set()

    async def _get(self, job_id: str) -> LocalJob:
        job = await self.store.get(job_id)
        if job is None:
            raise KeyError(job_id)
        return job

    def _set_online(self, online: bool, message: str = "") -> None:
        if online and self.offline_since is not None:
            self.offline_since = None
            self._emit(EngineEvent("online"))
        elif not online and self.offline_since is None:
            self.offline_since = time.monotonic()
            self._emit(EngineEvent("offline", message=message))

    async def _to(self, job: LocalJob, state: State, event: str, data: dict[str, Any] | None = None,
                  **changes: Any) -> LocalJob:
        if state in FINAL_STATES and "finished_at" not in changes:
            changes["finished_at"] = utcnow()
        job = await self.store.update(job.id, event, data, state=state, **changes)
        self._emit(EngineEvent("job", job))
        return job

    async def _attention(self, job: LocalJob, code: str, message: str, detail: str = "") -> LocalJob:
        return await self._to(job, State.NEEDS_ATTENTION, "needs-attention", {"code": code},
                              error_message=message, error_detail=detail or None, error_code=code)

    # ================================================================== a job's life

    async def _drive(self, job_id: str) -> None:
        try:
            while True:
                await self._drive_once(job_id)
                # retry() while this driver was finishing: go round again instead of a second driver.
                if job_id not in self._rerun:
                    break
                self._rerun.discard(job_id)
        finally:
            self._notify_final(job_id)

    async def _drive_once(self, job_id: str) -> None:
        steps: dict[State, Callable[[LocalJob], Awaitable[None]]] = {
            State.DRAFT: self._host, State.HOSTING: self._host, State.SUBMITTING: self._submit,
            State.REMOTE: self._await_remote, State.DOWNLOADING: self._download,
        }
        delay = 0.0
        while True:
            job = await self.store.get(job_id)
            if job is None:
                return
            if job.state.is_final:
                if job.state in (State.SAVED, State.FAILED, State.REJECTED):
                    await self._delete_hosted(job)
                return
            try:
                await steps[job.state](job)
                delay = 0.0
            except _Wait as wait:
                if wait.offline:
                    self._set_online(False, wait.message)
                    delay = min(max(wait.delay, delay * 2 or 1.0), self.config.offline_max_wait)
                else:
                    delay = wait.delay
                log.info("job %s waits %.1fs: %s", job_id, delay, wait.message)
                await asyncio.sleep(delay)
            except Exception as exc:  # an engine bug must not lose a paid job: park it for the user
                log.exception("job %s: unexpected error", job_id)
                await self._attention(job, "bug", "Something unexpected went wrong with this job. It is kept; "
                                      "try again, or copy the details for support.", f"{type(exc).__name__}: {exc}")

    # ------------------------------------------------------------------ hosting

    async def _host(self, job: LocalJob) -> None:
        if job.state is State.DRAFT:
            job = await self._to(job, State.HOSTING, "hosting")
        sizes: dict[str, int] = {}
        sent: dict[str, int] = {}
        for kind in ("image", "audio"):
            source = getattr(job, f"{kind}_source")
            if not is_link(source):
                try:
                    sizes[kind] = Path(source).stat().st_size
                except OSError:
                    sizes[kind] = 0
        total = sum(sizes.values())

        for kind in ("image", "audio"):
            source: str = getattr(job, f"{kind}_source")
            if is_link(source):
                if getattr(job, f"{kind}_url") != source:
                    job = await self.store.update(job.id, "link", {"kind": kind}, **{f"{kind}_url": source})
                continue
            url, expires = getattr(job, f"{kind}_url"), getattr(job, f"{kind}_expires")
            if url and (expires is None or expires - utcnow() > self.config.rehost_margin):
                sent[kind] = sizes.get(kind, 0)
                continue
            path = Path(source)
            expected = getattr(job, f"{kind}_hash")
            try:
                actual = await asyncio.to_thread(sha256_file, path)
            except OSError:
                await self._attention(job, "input", f"The {kind} file {path.name!r} was moved or deleted before the "
                                      "video was requested. Nothing was spent; choose the file again.")
                return
            if expected and actual != expected:
                await self._attention(job, "input", f"The {kind} file {path.name!r} changed after the price was shown. "
                                      "Nothing was spent; check the file and create the video again.")
                return

            def on_bytes(done: int, _total: int, kind: str = kind, job: LocalJob = job) -> None:
                sent[kind] = done
                self._progress(job, "hosting", sum(sent.values()), total)

            try:
                async with self._uploads:
                    hosted = await self.hoster.host(path, key=f"{job.id}/{kind}{path.suffix.lower()}",
                                                    content_type=getattr(job, f"{kind}_mime") or
                                                    "application/octet-stream", progress=on_bytes)
            except HostingError as exc:
                if exc.retryable:
                    raise _Wait(2.0, exc.user_message, offline=True) from None
                await self._attention(job, "storage", exc.user_message, exc.detail)
                return
            self._set_online(True)
            job = await self.store.update(job.id, "hosted", {"kind": kind}, **{
                f"{kind}_url": hosted.url, f"{kind}_key": hosted.key, f"{kind}_expires": hosted.expires_at})
        await self._to(job, State.SUBMITTING, "hosted-all", bytes_done=total, bytes_total=total)

    # ------------------------------------------------------------------ submitting

    def _inputs_expired(self, job: LocalJob) -> bool:
        now = utcnow()
        return any(exp is not None and exp - now <= self.config.rehost_margin
                   for exp in (job.image_expires, job.audio_expires))

    async def _submit(self, job: LocalJob) -> None:
        if job.remote_id:
            await self._to(job, State.REMOTE, "submitted")
            return
        if job.submit_attempts > 0:
            found = await self._reconcile(job)
            if found is not None:
                await self._adopt(job, found, "adopted")
                return
        if self._inputs_expired(job):
            await self._to(job, State.HOSTING, "rehost", {"why": "hosted links expire soon"})
            return
        if job.submit_attempts >= self.config.max_submit_attempts:
            await self._attention(job, "lost", "The app could not confirm that Creatify received this video request. "
                                  "Check your Creatify account before trying again.")
            return
        spec = get_model(job.model)
        request = CreateRequest(image=job.image_url or "", audio=job.audio_url or "", name=job.remote_name,
                                text_prompt=job.text_prompt, prompt_guidance_scale=job.guidance,
                                model_version=spec.model_version, resolution=spec.resolution)
        # The intent is on disk before the request leaves: after a crash we know to reconcile.
        job = await self.store.update(job.id, "submit-intent", submit_attempts=job.submit_attempts + 1)
        async with self._remote_slot():
            try:
                remote = await self.client.create(request)
            except NotSent as exc:       # never left this machine: not an attempt
                await self.store.update(job.id, "not-sent", submit_attempts=job.submit_attempts - 1)
                raise _Wait(2.0, exc.user_message, offline=True) from None
            except RateLimitedError as exc:  # refused before any work: safe to send again later
                await self.store.update(job.id, "rate-limited", submit_attempts=job.submit_attempts - 1)
                raise _Wait(exc.retry_after or 5.0, exc.user_message) from None
            except (OutcomeUnknownError, ServerUnavailableError, InvalidResponseError, NetworkError) as exc:
                found = await self._reconcile(job)
                if found is not None:
                    await self._adopt(job, found, "adopted")
                    return
                raise _Wait(2.0, exc.user_message, offline=isinstance(exc, NetworkError)) from None
            except (AuthError, InsufficientCreditsError) as exc:
                job = await self.store.update(job.id, "refused", submit_attempts=job.submit_attempts - 1)
                await self._attention(job, "auth" if isinstance(exc, AuthError) else "credits",
                                      exc.user_message, exc.detail)
                return
            except ValidationError as exc:
                await self._to(job, State.FAILED, "refused", error_message=exc.user_message, error_code="input",
                               error_detail=exc.detail, submit_attempts=job.submit_attempts - 1)
                return
        self._set_online(True)
        await self._adopt(job, remote, "submitted")

    @asynccontextmanager
    async def _remote_slot(self) -> AsyncIterator[None]:
        """At most max_active_jobs jobs at Creatify (watched or being requested) at once."""
        while len(self._watch) + self._posting >= self.config.max_active_jobs:
            self._slot_freed.clear()
            await self._slot_freed.wait()
        self._posting += 1
        try:
            yield
        finally:
            self._posting -= 1
            self._slot_freed.set()

    async def _reconcile(self, job: LocalJob) -> Job | None:
        """Find a job this client may already have created, by its token."""
        for delay in self.config.reconcile_delays:
            await asyncio.sleep(delay)
            try:
                recent = await self.client.list(ordering="-created_at")
            except (NetworkError, ServerUnavailableError, RateLimitedError) as exc:
                raise _Wait(2.0, exc.user_message, offline=isinstance(exc, NetworkError)) from None
            matches = [r for r in recent if r.name and job.token in r.name]
            if matches:
                return matches[0]
        return None

    async def _adopt(self, job: LocalJob, remote: Job, how: str) -> None:
        await self._to(job, State.REMOTE, how, {"remote_id": remote.id}, remote_id=remote.id,
                       remote_status=remote.status.value, progress=remote.progress, submitted_at=utcnow())
        self._poll_wake.set()

    # ------------------------------------------------------------------ at Creatify

    async def _await_remote(self, job: LocalJob) -> None:
        assert job.remote_id
        left = self._left_remote.setdefault(job.id, asyncio.Event())
        self._watch[job.remote_id] = job.id
        self._ensure_poller()
        self._poll_wake.set()
        try:
            await left.wait()
        finally:
            self._watch.pop(job.remote_id, None)
            self._left_remote.pop(job.id, None)
            self._slot_freed.set()

    def _ensure_poller(self) -> None:
        if self._poller is None or self._poller.done():
            if not self._closed:
                self._poller = asyncio.get_running_loop().create_task(self._poll_loop(), name="poller")

    def _poll_interval(self, jobs: list[LocalJob]) -> float:
        """Quick at first, slower for long jobs, quick again near the end."""
        cfg, now = self.config, utcnow()
        best = cfg.poll_max
        for job in jobs:
            age = (now - (job.submitted_at or job.created_at)).total_seconds()
            if age < 30 or job.progress >= 0.8:
                want = cfg.poll_min
            else:
                want = min(cfg.poll_max, cfg.poll_min * (1 + age / 60))
            best = min(best, want)
        return best

    async def _poll_loop(self) -> None:
        backoff = 0.0
        while not self._closed:
            if not self._watch:
                self._poll_wake.clear()
                await self._poll_wake.wait()
                continue
            watched = dict(self._watch)
            # One read of the store per tick (not one per job): these are the jobs at Creatify.
            local = {j.id: j for j in await self.store.list([State.REMOTE])}
            jobs = [local[i] for i in watched.values() if i in local]
            try:
                remotes = await self.client.list(ids=list(watched))
                self.poll_ticks += 1
                self._set_online(True)
                backoff = 0.0
                for remote in remotes:
                    local_id = watched.get(remote.id)
                    if local_id:
                        self._missing.pop(remote.id, None)
                        await self._apply_remote(local.get(local_id), remote)
                seen = {r.id for r in remotes}
                for remote_id in set(watched) - seen:
                    await self._check_missing(remote_id, watched[remote_id])
                delay = self._poll_interval(jobs)
            except RateLimitedError as exc:
                delay = exc.retry_after if exc.retry_after is not None else max(5.0, backoff * 2)
                backoff = delay
            except (NetworkError, ServerUnavailableError, InvalidResponseError) as exc:
                if isinstance(exc, NetworkError):
                    self._set_online(False, exc.user_message)
                backoff = min(self.config.offline_max_wait, max(self.config.poll_min, backoff * 2))
                delay = backoff
            except ApiError as exc:  # e.g. keys revoked: keep the paid jobs, tell the user, retry slowly
                self._emit(EngineEvent("notice", message=exc.user_message))
                backoff = delay = self.config.offline_max_wait
            self._poll_wake.clear()
            try:
                await asyncio.wait_for(self._poll_wake.wait(), timeout=delay)
            except TimeoutError:
                pass

    async def _apply_remote(self, job: LocalJob | None, remote: Job) -> None:
        if job is None or job.state is not State.REMOTE:
            return
        local_id = job.id
        progress = max(job.progress, remote.progress)
        if remote.status is JobStatus.DONE and remote.video_output:
            expires = (remote.updated_at or utcnow()) + OUTPUT_LIFETIME
            await self._to(job, State.DOWNLOADING, "remote-done", remote_status=remote.status.value,
                           progress=1.0, video_url=remote.video_output, preview_url=remote.preview,
                           video_expires=expires, credits_used=remote.credits_used)
            self._release_remote(local_id)
        elif remote.status in (JobStatus.FAILED, JobStatus.REJECTED):
            reason = remote.failed_reason or "no reason was given"
            verb = "refused" if remote.status is JobStatus.REJECTED else "could not make"
            await self._to(job, State.REJECTED if remote.status is JobStatus.REJECTED else State.FAILED,
                           "remote-" + remote.status.value, {"refunded": True},
                           remote_status=remote.status.value, credits_used=0.0,
                           error_code="remote", error_message=f"Creatify {verb} this video: {reason}. "
                                         "Failed videos are refunded automatically.",
                           error_detail=f"remote job {remote.id}: status {remote.raw_status}")
            self._release_remote(local_id)
        elif remote.status.value != job.remote_status:
            job = await self.store.update(local_id, "remote-status", remote_status=remote.status.value,
                                          progress=progress)
            self._emit(EngineEvent("job", job))          # pending -> in queue -> generating: a new chip
            self._progress(job, "generating", progress, 1.0)
        elif progress > job.progress + 1e-9:
            job = await self.store.update(local_id, progress=progress)
            self._progress(job, "generating", progress, 1.0)

    async def _check_missing(self, remote_id: str, local_id: str) -> None:
        misses = self._missing.get(remote_id, 0) + 1
        self._missing[remote_id] = misses
        if misses < self.config.missing_polls_before_lookup:
            return
        try:
            remote = await self.client.get(remote_id)
        except NotFoundError:
            job = await self.store.get(local_id)
            if job is not None and job.state is State.REMOTE:
                await self._attention(job, "lost", "Creatify no longer knows this video. It may have been removed "
                                      "from your account.")
                self._release_remote(local_id)
            return
        self._missing.pop(remote_id, None)
        await self._apply_remote(await self.store.get(local_id), remote)

    def _release_remote(self, local_id: str) -> None:
        event = self._left_remote.get(local_id)
        if event:
            event.set()

    # ------------------------------------------------------------------ downloading

    async def _saved_file_vanished(self, job: LocalJob) -> bool:
        if not job.output_path or not job.video_url:
            return False
        if job.video_expires and job.video_expires <= utcnow():
            return False
        return not await asyncio.to_thread(Path(job.output_path).exists)

    async def _download(self, job: LocalJob) -> None:
        partial = self.config.partial_dir / f"{job.id}.mp4.part"
        if job.output_path and not partial.exists() and Path(job.output_path).exists():
            # Crashed after the atomic rename, before recording it: it is saved.
            await self._to(job, State.SAVED, "saved", {"recovered": True})
            return
        if not job.video_url:
            await self._to(job, State.REMOTE, "no-video-url")
            return
        priority = job.video_expires.timestamp() if job.video_expires else float("inf")
        async with self._downloads.slot(priority):
            try:
                size = await download(self._http, job.video_url, partial, attempts=self.config.download_attempts,
                                      progress=lambda d, t: self._progress(job, "downloading", d, t))
            except DownloadError as exc:
                if exc.expired:
                    await self._refresh_video_link(job, exc)
                    return
                if exc.retryable:
                    raise _Wait(5.0, exc.user_message, offline=True) from None
                await self._attention(job, "disk", exc.user_message, exc.detail)
                return
        self._set_online(True)
        library = self.config.library_dir
        await asyncio.to_thread(library.mkdir, parents=True, exist_ok=True)
        if job.output_path:
            target = Path(job.output_path)
        else:
            stem = video_stem(self.config.filename_template, name=job.name, model=job.model, job_id=job.id,
                              when=job.created_at)
            target = await asyncio.to_thread(unique_path, library, stem, ".mp4")
            # Reserve the name on disk in the store before the rename (crash between is recoverable).
            job = await self.store.update(job.id, "target", {"path": str(target)}, output_path=str(target))
        saved_at = utcnow()
        try:
            await asyncio.to_thread(write_sidecar, target, job, saved_at.isoformat())
            await asyncio.to_thread(move_into_place, partial, target)
        except OSError as exc:
            await self._attention(job, "disk", "The finished video could not be saved into your library folder "
                                  "(is the disk full, or the folder read-only?). It will be saved when you "
                                  "try again.", f"{type(exc).__name__}: {exc}")
            return
        await self._to(job, State.SAVED, "saved", {"bytes": size}, bytes_done=size, bytes_total=size,
                       finished_at=saved_at)

    async def _refresh_video_link(self, job: LocalJob, exc: DownloadError) -> None:
        """A dead video link: ask Creatify for the job again, it may carry a fresh one."""
        try:
            remote = await self.client.get(job.remote_id or "")
        except (NetworkError, ServerUnavailableError, RateLimitedError) as err:
            raise _Wait(5.0, err.user_message, offline=isinstance(err, NetworkError)) from None
        except ApiError as err:
            await self._attention(job, "lost", exc.user_message, f"{exc.detail}; {err.detail}")
            return
        if remote.video_output and remote.video_output != job.video_url:
            await self.store.update(job.id, "new-video-link", video_url=remote.video_output)
            return
        await self._attention(job, "lost", exc.user_message + " Creatify keeps videos for at least 7 days.", exc.detail)

    # ------------------------------------------------------------------ privacy

    async def _delete_hosted(self, job: LocalJob) -> None:
        if not self.config.delete_hosted_inputs:
            return
        changes: dict[str, Any] = {}
        kinds: list[str] = []
        for kind in ("image", "audio"):
            key = getattr(job, f"{kind}_key")
            if not key:
                continue
            try:
                await self.hoster.remove(key)
            except HostingError as exc:
                log.warning("could not delete hosted %s of job %s: %s", kind, job.id, exc.detail)
                continue
            kinds.append(kind)
            # The link is dead now: a retry must host the file again.
            changes.update({f"{kind}_key": None, f"{kind}_url": None, f"{kind}_expires": None})
        if changes:
            await self.store.update(job.id, "inputs-deleted", {"kinds": kinds}, **changes)
