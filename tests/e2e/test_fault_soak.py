"""20 jobs through the real engine against a sandbox injecting 10% faults of every kind."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import av
import pytest

from aurora_desktop.api import AuroraClient
from aurora_desktop.api.retry import RetryPolicy
from aurora_desktop.hosting.sandbox import SandboxHoster
from aurora_desktop.jobs.engine import Engine, EngineConfig
from aurora_desktop.jobs.model import State
from aurora_desktop.jobs.prepare import prepare
from aurora_desktop.jobs.store import JobStore
from tests.fixtures.loops import run
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE
from tests.fixtures.sandbox import Sandbox

pytestmark = pytest.mark.e2e

JOBS = 20


def test_twenty_jobs_with_ten_percent_faults(make_sandbox, tmp_path: Path) -> None:
    # 10% each: 5xx answers, 429s, dropped connections (half after the request took
    # effect), truncated video downloads; plus 50 ms latency on every API call.
    sb: Sandbox = make_sandbox(
        "--faults",
        "0.1",
        "--latency",
        "0.05",
        "--retry-after",
        "1",
        "--seed",
        "7",
        "--render-workers",
        "2",
        "--job-seconds",
        "2",
        "--credits",
        "100000",
    )
    # Random shares of 20 downloads can miss; two scripted cuts make sure resuming is exercised.
    sb.fault(kind="truncate", method="GET", path="/sandbox/outputs/", times=2)
    config = EngineConfig(
        library_dir=tmp_path / "videos",
        partial_dir=tmp_path / "partial",
        poll_min=0.3,
        poll_max=1.0,
        offline_max_wait=2.0,
        reconcile_delays=(0.0, 0.5),
        max_uploads=4,
        max_downloads=3,
    )
    retry = RetryPolicy(attempts=6, total_seconds=30, initial_wait=0.05, max_wait=2.0, jitter=0.1)

    async def scenario() -> list:
        store = JobStore(tmp_path / "jobs.sqlite3")
        client = AuroraClient(sb.credentials(), sb.url, retry=retry)
        engine = Engine(store, client, SandboxHoster(sb.url, sb.credentials()), config)
        try:
            await engine.start()
            prepared = await prepare(str(SAMPLE_IMAGE), str(SAMPLE_AUDIO), work_dir=tmp_path / "cache")
            jobs = [await engine.add(prepared, name=f"Soak {i:02d}", model="aurora_v1") for i in range(JOBS)]
            async with asyncio.timeout(240):
                return await asyncio.gather(*(engine.wait(j.id) for j in jobs))
        finally:
            await engine.close()
            await client.aclose()

    finals = run(scenario())
    problems = [(j.name, j.state.value, j.error_message) for j in finals if j.state is not State.SAVED]
    assert not problems, problems

    stats = sb.stats()
    # The sandbox really injected every kind of fault (else this test proves nothing).
    injected = stats["faults"]
    assert injected.get("429", 0) > 0 and injected.get("drop", 0) > 0 and injected.get("truncate", 0) > 0
    assert sum(injected.get(code, 0) for code in ("500", "502", "503", "504")) > 0
    # Zero duplicate remote jobs: each local token appears in exactly one remote job.
    tokens = Counter(name.rsplit("[", 1)[1].rstrip("]") for name in stats["names"])
    assert stats["jobs"] == JOBS and set(tokens) == {j.token for j in finals} and set(tokens.values()) == {1}
    assert stats["remaining_credits"] == 100000 - JOBS * 8

    # Zero lost or corrupt files: twenty distinct files, each a whole, playable video.
    paths = {Path(j.output_path) for j in finals if j.output_path}
    assert len(paths) == JOBS
    for path in paths:
        with av.open(str(path)) as container:
            assert abs(container.duration / 1e6 - 7.62) < 0.5
            frames = sum(1 for _ in container.decode(video=0))
            assert frames >= 7.5 * 25
    assert not list((tmp_path / "partial").glob("*"))
