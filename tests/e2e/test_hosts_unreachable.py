"""Quick links when no file-sharing service can be reached (issue 23, item 1): real processes
and real HTTP on loopback. The Creatify stand-in (the sandbox) answers; the Quick-link hosts
are a closed loopback port or a loopback server that takes the upload and never answers."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import httpx
import pytest

from aurora_desktop.api import AuroraClient
from aurora_desktop.hosting.quick import QuickLinkHoster, configured_hosts
from aurora_desktop.jobs.engine import Engine, EngineConfig
from aurora_desktop.jobs.events import Connectivity, EngineEvent
from aurora_desktop.jobs.model import LocalJob, State
from aurora_desktop.jobs.prepare import prepare
from aurora_desktop.jobs.store import JobStore
from aurora_desktop.jobs.vocabulary import History
from tests.conftest import FAST_RETRY, SAMPLE_AUDIO, SAMPLE_IMAGE, Sandbox, run
from tests.e2e.helpers.hostile_http import Answer, HostileServer

pytestmark = pytest.mark.e2e


def silent(max_seconds: float = 30.0) -> Answer:
    """Takes the upload and never answers (until the bound, then hangs up without a word)."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        time.sleep(max_seconds)

    return answer


def closed_port() -> str:
    """A loopback address nothing listens on: every connection is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def all_hosts_at(url: str, answer_seconds: float = 60.0) -> QuickLinkHoster:
    hoster = QuickLinkHoster(
        configured_hosts(f"0x0={url},litterbox={url},tmpfiles={url}"), timeout=httpx.Timeout(60.0, connect=5.0)
    )
    hoster.answer_seconds = answer_seconds
    return hoster


class Rig:
    """An engine on the sandbox with the given hoster, and what it told its listeners."""

    def __init__(self, sb: Sandbox, folder: Path, hoster: QuickLinkHoster, **config: Any) -> None:
        self.sb, self.folder, self.hoster = sb, folder, hoster
        self.config = EngineConfig(
            library_dir=folder / "videos", partial_dir=folder / "partial", poll_min=0.3, **config
        )
        self.events: list[EngineEvent] = []

    @asynccontextmanager
    async def engine(self) -> AsyncIterator[Engine]:
        client = AuroraClient(self.sb.credentials(), self.sb.url, retry=FAST_RETRY)
        engine = Engine(JobStore(self.folder / "jobs.sqlite3"), client, self.hoster, self.config)
        engine.subscribe(self.events.append)
        try:
            await engine.start()
            yield engine
        finally:
            await engine.close()
            await client.aclose()

    async def add(self, engine: Engine, name: str = "Quick", *, links: bool = False) -> LocalJob:
        if links:
            image, audio = self.sb.host(SAMPLE_IMAGE), self.sb.host(SAMPLE_AUDIO)
        else:
            image, audio = str(SAMPLE_IMAGE), str(SAMPLE_AUDIO)
        prepared = await prepare(image, audio, work_dir=self.folder / "cache")
        return await engine.add(prepared, name=name, model="aurora_v1")

    def offline_said(self) -> list[Connectivity]:
        return [e for e in self.events if isinstance(e, Connectivity) and not e.online]


async def until_uploading(engine: Engine, job_id: str, host: HostileServer, limit: float = 20.0) -> None:
    """Until the job's upload has reached the host (its intent recorded first)."""
    deadline = time.monotonic() + limit
    while await engine.store.last_event_at(job_id, History.UPLOAD_INTENT) is None or not host.requests:
        assert time.monotonic() < deadline, "the upload never started"
        await asyncio.sleep(0.02)


def test_cancel_while_uploading_to_a_host_that_never_answers_ends_at_once(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    with HostileServer(silent()) as host:
        rig = Rig(sb, tmp_path, all_hosts_at(host.url))

        async def scenario() -> tuple[LocalJob, float, list[LocalJob]]:
            async with rig.engine() as engine:
                job = await rig.add(engine)
                await until_uploading(engine, job.id, host)
                started = time.monotonic()
                cancelled = await engine.cancel(job.id)
                took = time.monotonic() - started
                await engine.remove(job.id, delete_file=False)
                return cancelled, took, await engine.library()

        cancelled, took, left = run(scenario())
    assert cancelled.state is State.CANCELLED and took < 2.0
    assert left == []
    stats = sb.stats()
    assert stats["jobs"] == 0 and stats["remaining_credits"] == 1000  # Creatify was never asked: nothing charged
