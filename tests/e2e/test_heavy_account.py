"""Issue 20.2: heavy accounts. With about 15,000 past videos the account's list is over
16 MB; the search for a lost answer read it whole before every first request, the client
refused it as too large, and every new job parked as "Something unexpected went wrong".

The sandbox starts with that history (`--history`); the list is counted as the client
reads it, over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from aurora_desktop.api import AuroraClient
from aurora_desktop.hosting.sandbox import SandboxHoster
from aurora_desktop.jobs.engine import Engine, EngineConfig
from aurora_desktop.jobs.model import LocalJob, State
from aurora_desktop.jobs.prepare import prepare
from aurora_desktop.jobs.store import JobStore
from tests.fixtures.loops import run
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE
from tests.fixtures.sandbox import FAST_RETRY, Sandbox

pytestmark = pytest.mark.e2e

HISTORY = 15_000


class CountedStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, counter: ListReads) -> None:
        self.inner, self.counter = inner, counter

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.inner:
            self.counter.bytes += len(chunk)
            yield chunk

    async def aclose(self) -> None:
        await self.inner.aclose()


class ListReads(httpx.AsyncBaseTransport):
    """Real HTTP; counts the bytes the client reads of the whole-account list (not `?ids=`)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.bytes = 0
        self.calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "GET" and request.url.path == "/api/aurora/" and "ids" not in request.url.params:
            self.calls += 1
            response.stream = CountedStream(response.stream, self)  # type: ignore[arg-type]
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def make_one(sb: Sandbox, tmp_path: Path, reads: ListReads) -> LocalJob:
    config = EngineConfig(library_dir=tmp_path / "videos", partial_dir=tmp_path / "partial", poll_min=0.3)

    async def go() -> LocalJob:
        client = AuroraClient(sb.credentials(), sb.url, retry=FAST_RETRY, transport=reads)
        engine = Engine(JobStore(tmp_path / "jobs.sqlite3"), client, SandboxHoster(sb.url, sb.credentials()), config)
        try:
            await engine.start()
            prepared = await prepare(str(SAMPLE_IMAGE), str(SAMPLE_AUDIO), work_dir=tmp_path / "cache")
            job = await engine.add(prepared, name="New one", model="aurora_v1")
            return await engine.wait(job.id)
        finally:
            await engine.close()
            await client.aclose()

    return run(go())


def test_a_heavy_account_still_gets_its_new_video(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox("--history", str(HISTORY))
    whole = len(httpx.get(f"{sb.url}/api/aurora/", headers=sb.headers, timeout=60).content)
    assert whole > 16_000_000  # the history the probe met
    reads = ListReads()
    job = make_one(sb, tmp_path, reads)
    assert job.state is State.SAVED, (job.state, job.error_message, job.error_detail)
    stats = sb.stats()
    assert stats["jobs"] == HISTORY + 1 and stats["requests"]["POST /api/aurora/"] == 1
    assert reads.bytes < 1_000_000, reads.bytes  # read only back to when the job was made


def test_a_lost_answer_is_found_in_a_heavy_account_within_bounded_reads(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox("--history", str(HISTORY))
    sb.fault(kind="drop", method="POST", path="/api/aurora/", process=True)  # made, but the answer is lost
    reads = ListReads()
    job = make_one(sb, tmp_path, reads)
    assert job.state is State.SAVED, (job.state, job.error_message, job.error_detail)
    stats = sb.stats()
    assert stats["jobs"] == HISTORY + 1 and stats["requests"]["POST /api/aurora/"] == 1  # found, never sent again
    assert reads.calls >= 2 and reads.bytes < 2_000_000, (reads.calls, reads.bytes)
