"""Quick links when no file-sharing service can be reached (issue 23, item 1): real processes
and real HTTP on loopback. The Creatify stand-in (the sandbox) answers; the Quick-link hosts
are a closed loopback port or a loopback server that takes the upload and never answers."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Iterator
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
from aurora_desktop.jobs.vocabulary import ErrorCode, History, Remedy, rule_for
from tests.e2e.helpers.hostile_http import Answer, HostileServer
from tests.fixtures.loops import run
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE
from tests.fixtures.sandbox import FAST_RETRY, Sandbox

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


@pytest.fixture(params=["refused", "silent"])
def unreachable_hosts(request: pytest.FixtureRequest) -> Iterator[QuickLinkHoster]:
    """Every Quick-link host at a closed loopback port, or at a server that never answers."""
    if request.param == "refused":
        yield all_hosts_at(closed_port())
        return
    with HostileServer(silent(max_seconds=10)) as host:
        yield all_hosts_at(host.url, answer_seconds=1.0)


def test_hosts_out_of_reach_stop_the_job_while_creatify_answers_and_is_never_called_offline(
    make_sandbox, tmp_path: Path, unreachable_hosts: QuickLinkHoster
) -> None:
    sb = make_sandbox()
    rig = Rig(sb, tmp_path, unreachable_hosts, hosting_patience=3.0)

    async def scenario() -> tuple[LocalJob, LocalJob, float | None]:
        async with rig.engine() as engine:
            local = await rig.add(engine, "Local files")
            pasted = await rig.add(engine, "Pasted links", links=True)  # needs no file-sharing service
            finals = await asyncio.wait_for(asyncio.gather(engine.wait(local.id), engine.wait(pasted.id)), 60)
            return finals[0], finals[1], engine.offline_since

    local, pasted, offline_since = run(scenario())
    assert local.state is State.NEEDS_ATTENTION and local.error_code == ErrorCode.SHARING
    assert local.error_message and "file-sharing services could not be reached" in local.error_message
    assert rule_for(local.error_code).remedies == (Remedy.OWN_STORAGE, Remedy.PASTE_LINKS, Remedy.TRY_AGAIN)
    assert pasted.state is State.SAVED, pasted.error_message
    assert rig.offline_said() == [] and offline_since is None  # Creatify answered all along
    stats = sb.stats()
    assert stats["jobs"] == 1  # only the pasted links' video: the stopped job cost nothing


def test_the_patience_counts_on_across_a_restart(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    patience = 4.0
    rig = Rig(sb, tmp_path, all_hosts_at(closed_port()), hosting_patience=patience)

    async def first_start() -> str:
        async with rig.engine() as engine:
            job = await rig.add(engine)
            deadline = time.monotonic() + 20
            while await engine.store.last_event_at(job.id, History.SHARING_UNREACHABLE) is None:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.05)
            return job.id

    async def second_start(job_id: str) -> tuple[LocalJob, float]:
        async with rig.engine() as engine:
            started = time.monotonic()
            job = await asyncio.wait_for(engine.wait(job_id), 30)
            return job, time.monotonic() - started

    job_id = run(first_start())
    time.sleep(patience + 0.5)  # the app is closed longer than the patience
    job, took = run(second_start(job_id))
    assert job.state is State.NEEDS_ATTENTION and job.error_code == ErrorCode.SHARING
    assert took < patience  # stopped on this start's first try, not after a fresh patience
    assert sb.stats()["jobs"] == 0


def test_command_line_run_says_the_sharing_services_not_creatify(make_sandbox, tmp_path: Path) -> None:
    """`run --hosting quick` with the hosts out of reach: the job's plain sentence and exit 1
    after AURORA_HOSTING_PATIENCE, never "Creatify could not be reached" (exit 4)."""
    from aurora_desktop.hosting.quick import HOSTS_ENV
    from aurora_desktop.jobs.runtime import HOSTING_PATIENCE_ENV
    from tests.fixtures.cli import cli_args, cli_env, run_cli

    sb = make_sandbox()
    closed = closed_port()
    args = cli_args(sb, tmp_path / "profile", "run", "--image", str(SAMPLE_IMAGE), "--audio", str(SAMPLE_AUDIO))
    args[args.index("--hosting") + 1] = "quick"
    args += ["--patience", "3"]
    hosts = f"0x0={closed},litterbox={closed},tmpfiles={closed}"
    result = run_cli(args, cli_env(sb, **{HOSTS_ENV: hosts, HOSTING_PATIENCE_ENV: "4"}), timeout=90)
    assert result.returncode == 1, result.stderr
    assert "file-sharing services could not be reached" in result.stderr
    assert "Creatify could not be reached" not in result.stderr
    assert sb.stats()["jobs"] == 0
