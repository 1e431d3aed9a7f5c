"""Engine actions on real jobs: cancel, retry, remove, re-hosting expired links, resume."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from aurora_desktop.api import AuroraClient
from aurora_desktop.hosting.sandbox import SandboxHoster
from aurora_desktop.jobs.engine import Engine, EngineConfig
from aurora_desktop.jobs.model import State, utcnow
from aurora_desktop.jobs.prepare import prepare
from aurora_desktop.jobs.store import JobStore
from tests.fixtures.loops import run
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE
from tests.fixtures.sandbox import FAST_RETRY, Sandbox

pytestmark = pytest.mark.e2e


async def until_state(engine: Engine, job_id: str, state: State) -> None:
    while (await engine.store.get(job_id)).state is not state:
        await asyncio.sleep(0.01)


class Harness:
    def __init__(self, sb: Sandbox, folder: Path) -> None:
        self.sb, self.folder = sb, folder
        self.config = EngineConfig(
            library_dir=folder / "videos", partial_dir=folder / "partial", poll_min=0.3, reconcile_delays=(0.0,)
        )

    async def __aenter__(self) -> Engine:
        self.client = AuroraClient(self.sb.credentials(), self.sb.url, retry=FAST_RETRY)
        self.engine = Engine(
            JobStore(self.folder / "jobs.sqlite3"),
            self.client,
            SandboxHoster(self.sb.url, self.sb.credentials()),
            self.config,
        )
        await self.engine.start()
        return self.engine

    async def __aexit__(self, *exc: object) -> None:
        await self.engine.close()
        await self.client.aclose()

    async def prepared(self):
        return await prepare(str(SAMPLE_IMAGE), str(SAMPLE_AUDIO), work_dir=self.folder / "cache")


def test_cancel_while_hosting_spends_nothing(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    sb.fault(kind="delay", seconds=5, method="PUT", path="/sandbox/files/")
    h = Harness(sb, tmp_path)

    async def scenario():
        async with h as engine:
            job = await engine.add(await h.prepared(), name="Never mind", model="aurora_v1")
            await until_state(engine, job.id, State.HOSTING)
            return await engine.cancel(job.id)

    job = run(scenario())
    assert job.state is State.CANCELLED
    assert sb.stats()["jobs"] == 0 and sb.stats()["remaining_credits"] == 1000


def test_cannot_cancel_once_requested(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox("--job-seconds", "3")
    h = Harness(sb, tmp_path)

    async def scenario():
        async with h as engine:
            job = await engine.add(await h.prepared(), name="Keep", model="aurora_v1")
            await until_state(engine, job.id, State.REMOTE)
            with pytest.raises(ValueError, match="cannot be cancelled"):
                await engine.cancel(job.id)
            return await engine.wait(job.id)

    assert run(scenario()).state is State.SAVED


def test_retry_after_a_remote_failure_is_a_new_request(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    # The service's first fetch of an input fails (the first thing it fetches is the image).
    sb.fault(kind="status", status=404, body={"detail": "gone"}, method="GET", path="/sandbox/files/", times=1)
    h = Harness(sb, tmp_path)

    async def scenario():
        async with h as engine:
            job = await engine.add(await h.prepared(), name="Second time lucky", model="aurora_v1")
            failed = await engine.wait(job.id)
            await engine.retry(job.id)
            return failed, await engine.wait(job.id)

    failed, saved = run(scenario())
    assert failed.state is State.FAILED and failed.error_code == "remote" and "refunded" in failed.error_message
    assert saved.state is State.SAVED and saved.token != failed.token and saved.remote_id != failed.remote_id
    stats = sb.stats()
    assert stats["jobs"] == 2 and stats["by_status"] == {"failed": 1, "done": 1}
    assert stats["remaining_credits"] == 1000 - 8  # the failed one was refunded


def test_remove_keeps_or_deletes_the_file(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    h = Harness(sb, tmp_path)

    async def scenario():
        async with h as engine:
            prepared = await h.prepared()
            keep = await engine.wait((await engine.add(prepared, name="Keep me", model="aurora_v1")).id)
            drop = await engine.wait((await engine.add(prepared, name="Drop me", model="aurora_v1")).id)
            await engine.remove(keep.id, delete_file=False)
            await engine.remove(drop.id, delete_file=True)
            return keep, drop, await engine.store.list()

    keep, drop, left = run(scenario())
    assert left == []
    assert Path(keep.output_path).exists() and Path(keep.output_path).with_suffix(".json").exists()
    assert not Path(drop.output_path).exists() and not Path(drop.output_path).with_suffix(".json").exists()


def test_expired_hosted_links_are_hosted_again_before_submitting(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    h = Harness(sb, tmp_path)

    async def first_run():
        async with h as engine:
            job = await engine.add(await h.prepared(), name="Stale links", model="aurora_v1")
            await until_state(engine, job.id, State.SUBMITTING)
            return job.id

    # Hold it at submitting; a POST that leaves anyway is dropped unprocessed (the premise: never sent).
    sb.fault(kind="drop", method="POST", path="/api/aurora/")
    h.config.reconcile_delays = (0.0,)
    job_id = run(first_run())
    # The app was closed long enough for the hosted links to be near expiry (and the POST never sent).
    store = JobStore(tmp_path / "jobs.sqlite3")
    expired = utcnow() + timedelta(minutes=5)
    store.update(job_id, "test", image_expires=expired, audio_expires=expired, submit_attempts=0)
    store.close()
    puts_before = sum(v for k, v in sb.stats()["requests"].items() if k.startswith("PUT"))

    async def second_run():
        async with h as engine:
            return await engine.wait(job_id)

    job = run(second_run())
    assert job.state is State.SAVED
    assert sum(v for k, v in sb.stats()["requests"].items() if k.startswith("PUT")) == puts_before + 2


def test_jobs_of_a_stopped_demo_service_are_not_left_waiting(make_sandbox, tmp_path: Path) -> None:
    """Demo mode starts a new sandbox each session: an old session's job that was already
    at its sandbox says what happened; one never sent goes to the new service."""
    from dataclasses import replace

    from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, new_token

    sb = make_sandbox()
    h = Harness(sb, tmp_path)

    async def scenario():
        prepared = await h.prepared()
        store = JobStore(tmp_path / "jobs.sqlite3")
        image = InputFile(InputKind.IMAGE, prepared.image_source, prepared.image_hash, "image/png")
        audio = InputFile(InputKind.AUDIO, prepared.audio_source, prepared.audio_hash, "audio/wav")
        common = dict(model="aurora_v1", audio=audio, api_base="http://127.0.0.1:9")
        store.insert(
            LocalJob(
                id="was-at-old-sandbox",
                token=new_token(),
                name="Old",
                state=State.REMOTE,
                remote_id="r-old",
                image=image,
                **common,
            )
        )
        hosted = replace(image, url="http://127.0.0.1:9/sandbox/files/x/portrait.png")
        store.insert(
            LocalJob(id="never-sent", token=new_token(), name="Fresh", state=State.HOSTING, image=hosted, **common)
        )
        store.close()
        async with h as engine:
            return await engine.wait("was-at-old-sandbox"), await engine.wait("never-sent")

    lost, moved = run(scenario())
    assert lost.state is State.NEEDS_ATTENTION and "demo service" in lost.error_message
    assert moved.state is State.SAVED and moved.api_base == sb.url
