"""What every step of a job shares: the store, the services, the limits, and how news goes out.

Steps (jobs/steps/) are plain functions of (Runtime, LocalJob). A step that
cannot go on yet raises Wait; the driver (jobs/driver.py) sleeps and runs the
step again. Anything the user must act on becomes a move to NEEDS_ATTENTION
through `attention()`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from aurora_desktop import __version__
from aurora_desktop.addresses import is_loopback_host, public_only
from aurora_desktop.api import AuroraClient
from aurora_desktop.errors import UserError
from aurora_desktop.hosting import Hoster
from aurora_desktop.jobs import transitions
from aurora_desktop.jobs.async_store import AsyncStore
from aurora_desktop.jobs.download import refused
from aurora_desktop.jobs.events import Connectivity, EngineEvent, EngineStopped, JobChanged, Listener, Progress
from aurora_desktop.jobs.gate import PriorityGate
from aurora_desktop.jobs.model import LocalJob, State
from aurora_desktop.jobs.naming import DEFAULT_TEMPLATE
from aurora_desktop.jobs.poller import Poller
from aurora_desktop.jobs.vocabulary import ErrorCode, History, Phase

log = logging.getLogger(__name__)

# For tests and developers (as AURORA_SPEECH_PATIENCE): how long, in seconds, local files are
# tried on file-sharing services that cannot be reached before the job stops and says so.
HOSTING_PATIENCE_ENV = "AURORA_HOSTING_PATIENCE"
HOSTING_PATIENCE = 300.0


def seconds_from_env(name: str, default: float) -> float:
    """A positive number of seconds from the environment variable `name`, else `default`."""
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if 0 < value < 1e9 else default


def _hosting_patience() -> float:
    return seconds_from_env(HOSTING_PATIENCE_ENV, HOSTING_PATIENCE)


@dataclass
class EngineConfig:
    library_dir: Path
    partial_dir: Path
    filename_template: str = DEFAULT_TEMPLATE
    delete_hosted_inputs: bool = True
    max_uploads: int = 2
    max_active_jobs: int = 20
    max_downloads: int = 2
    unknown_status_patience: float = 600.0  # seconds of a status this app does not know before saying so
    speech_patience: float = 600.0  # seconds a voice may take at Creatify before the job says so
    # Seconds of hosts that cannot be reached, from an upload's first failed try, before the job stops.
    hosting_patience: float = field(default_factory=_hosting_patience)
    poll_min: float = 2.0  # seconds between polls while jobs are young or nearly done
    poll_max: float = 15.0  # ... and for long-running jobs
    offline_max_wait: float = 30.0  # back-off ceiling while the network is down
    rehost_margin: timedelta = timedelta(minutes=30)
    reconcile_delays: tuple[float, ...] = (0.0, 2.0, 5.0)
    max_submit_attempts: int = 5
    missing_polls_before_lookup: int = 3
    download_attempts: int = 8


class Wait(Exception):
    """A step cannot go on yet (offline, rate limited): run it again after `delay` seconds.

    `offline`: Creatify itself cannot be reached (the engine says "offline", and the waits grow).
    `backoff`: the waits grow as well, but Creatify is not in question (e.g. file-sharing
    services that cannot be reached, while Creatify answers)."""

    def __init__(self, delay: float, message: str, *, offline: bool = False, backoff: bool = False) -> None:
        super().__init__(message)
        self.delay = delay
        self.message = message
        self.offline = offline
        self.backoff = backoff or offline


@dataclass
class _Throttle:
    """At most one progress event per job and phase per interval, plus each phase's last one."""

    interval: float = 0.1
    last: dict[str, float] = field(default_factory=dict)

    def ready(self, key: str, final: bool) -> bool:
        now = time.monotonic()
        if final or now - self.last.get(key, 0.0) >= self.interval:
            self.last[key] = now
            return True
        return False


class Runtime:
    def __init__(
        self,
        store: AsyncStore,
        client: AuroraClient,
        hoster: Hoster,
        config: EngineConfig,
        *,
        video_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.hoster = hoster
        self.config = config
        self.listeners: list[Listener] = []
        self.uploads = asyncio.Semaphore(max(1, config.max_uploads))
        self.downloads = PriorityGate(config.max_downloads)
        # Videos at this computer's own addresses only come from the local stand-in (or a test).
        self.allow_loopback_videos = is_loopback_host(urlsplit(client.base_url).hostname or "")
        # For videos: a client that never carries API headers, and goes only to public addresses.
        self.video_http = httpx.AsyncClient(
            timeout=httpx.Timeout(60.0, connect=15.0),
            follow_redirects=True,
            trust_env=False,
            transport=video_transport,
            headers={"User-Agent": f"AuroraDesktop/{__version__}"},
            event_hooks={"request": [public_only(lambda: self.allow_loopback_videos, refused)]},
        )
        self.offline_since: float | None = None
        # job id -> when (time.time()) this engine first saw a speech step without a recorded start
        self.speaking_since: dict[str, float] = {}
        self.failure: UserError | None = None  # set once: the engine has stopped (see fail())
        self.stopped = asyncio.Event()
        self._settled: dict[str, asyncio.Event] = {}  # job id -> set when the job may have settled
        self._throttle = _Throttle()
        self.poller = Poller(self)  # watches the jobs at Creatify; the steps share it

    # ------------------------------------------------------------------ news

    def emit(self, event: EngineEvent) -> None:
        for listener in list(self.listeners):
            try:
                listener(event)
            except Exception:  # a listener bug must never stop a paid job
                log.exception("engine listener failed")

    def progress(self, job: LocalJob, phase: Phase, done: float, total: float) -> None:
        if self._throttle.ready(f"{job.id}:{phase}", final=bool(total) and done >= total):
            self.emit(Progress(job, phase, done, total))

    def set_online(self, online: bool, message: str = "") -> None:
        if online and self.offline_since is not None:
            self.offline_since = None
            self.emit(Connectivity(True))
        elif not online and self.offline_since is None:
            self.offline_since = time.monotonic()
            self.emit(Connectivity(False, message))

    def settled_event(self, job_id: str) -> asyncio.Event:
        return self._settled.setdefault(job_id, asyncio.Event())

    def may_have_settled(self, job_id: str) -> None:
        """Wake whoever waits for this job (Engine.wait) to read it again."""
        event = self._settled.pop(job_id, None)
        if event:
            event.set()

    def fail(self, error: UserError) -> None:
        """Stop for good: something every step needs (the job library) is broken. Jobs keep
        their last recorded state; the front end says why and the next start goes on."""
        if self.failure is None:
            log.error("engine stopped: %s", error.detail or error.user_message)
            self.failure = error
            self.stopped.set()
            self.emit(EngineStopped(error.user_message, error.detail))

    # ------------------------------------------------------------------ moves

    async def move(
        self, job: LocalJob, state: State, event: History, data: dict[str, Any] | None = None, **changes: Any
    ) -> LocalJob:
        job = await transitions.move(self.store, job, state, event, data, **changes)
        self.emit(JobChanged(job))
        return job

    async def attention(self, job: LocalJob, code: ErrorCode, message: str, detail: str = "") -> LocalJob:
        return await self.move(
            job,
            State.NEEDS_ATTENTION,
            History.NEEDS_ATTENTION,
            {"code": str(code)},
            error_message=message,
            error_detail=detail or None,
            error_code=str(code),
        )

    async def aclose(self) -> None:
        await self.video_http.aclose()
