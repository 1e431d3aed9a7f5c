"""The demo behaves like the service it stands in for: a demo job still running when the app
closes carries on at the next start, charged once (the stand-in keeps its state and its
address under the profile)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from aurora_desktop import paths
from aurora_desktop.jobs.events import JobChanged
from aurora_desktop.jobs.model import State
from aurora_desktop.jobs.prepare import prepare
from aurora_desktop.services import open_services
from aurora_desktop.settings import Settings
from tests.fixtures.loops import run
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE

pytestmark = pytest.mark.e2e


def test_a_demo_job_carries_on_after_the_app_restarts(tmp_path: Path) -> None:
    paths.use_profile(tmp_path / "profile")
    settings = Settings(output_dir=str(tmp_path / "videos"))

    async def first_session() -> tuple[str, str]:
        services = await open_services(sandbox=True, sandbox_args=["--job-seconds", "6"], settings=settings)
        try:
            at_service = asyncio.Event()
            services.engine.subscribe(
                lambda e: at_service.set() if isinstance(e, JobChanged) and e.job.state is State.REMOTE else None
            )
            await services.engine.start()
            prepared = await prepare(str(SAMPLE_IMAGE), str(SAMPLE_AUDIO), work_dir=tmp_path / "cache")
            job = await services.engine.add(prepared, name="Across restarts", model="aurora_v1")
            await asyncio.wait_for(at_service.wait(), 30)
            return job.id, services.client.base_url
        finally:
            await services.close()  # the app closes mid-job; the stand-in stops with it

    async def second_session(job_id: str) -> tuple[object, str, dict]:
        services = await open_services(sandbox=True, sandbox_args=["--job-seconds", "6"], settings=settings)
        try:
            resumed = await services.engine.start()
            assert [j.id for j in resumed] == [job_id]
            job = await asyncio.wait_for(services.engine.wait(job_id), 60)
            async with httpx.AsyncClient() as http:
                stats = (await http.get(services.client.base_url + "/sandbox/stats")).json()
            return job, services.client.base_url, stats
        finally:
            await services.close()

    try:
        job_id, first_base = run(first_session())
        job, second_base, stats = run(second_session(job_id))
    finally:
        paths.use_profile(None)
    assert second_base == first_base  # the same address: the job is the same service's
    assert job.state is State.SAVED, job.error_message
    assert Path(job.output_path).stat().st_size > 10_000
    assert stats["jobs"] == 1 and stats["remaining_credits"] == 1000 - 8  # one job, charged once
