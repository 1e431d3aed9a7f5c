"""File-sharing services that cannot be reached: tried again for a bounded time, counted from a
stored moment (so across restarts), then the job stops with its own code, its remedies and
nothing spent; and never does the engine call that "offline" (issue 23, item 1). The store is
a real SQLite file; the API an httpx.MockTransport that must never be asked."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from aurora_desktop.hosting import HostingError
from aurora_desktop.jobs.events import Connectivity
from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State
from aurora_desktop.jobs.runtime import HOSTING_PATIENCE_ENV, EngineConfig, Wait
from aurora_desktop.jobs.steps.hosting import host
from aurora_desktop.jobs.vocabulary import ERROR_RULES, Blame, ErrorCode, Remedy, rule_for
from tests.fixtures.loops import run
from tests.fixtures.media_files import SAMPLE_IMAGE
from tests.unit.test_engine_steps import FakeHoster, Rig

UNREACHABLE = HostingError(
    "None of the quick-link services could be reached; the app will try again.",
    detail="0x0: could not be reached (ConnectError)",
    retryable=True,
)


class QuickHosts(FakeHoster):
    name = "quick"  # as QuickLinkHoster calls itself


def _never_asked(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"Creatify was asked: {request.method} {request.url}")


def _local_job(rig: Rig) -> LocalJob:
    image = InputFile(InputKind.IMAGE, str(SAMPLE_IMAGE), mime="image/png")
    return rig.insert(state=State.HOSTING, image=image)


def _rig(tmp_path: Path, patience: float, hoster: FakeHoster) -> Rig:
    rig = Rig(tmp_path, _never_asked, hoster=hoster)
    rig.rt.config = replace(rig.rt.config, hosting_patience=patience)
    return rig


def test_the_sharing_rule_offers_its_remedies_in_order() -> None:
    rule = rule_for(ErrorCode.SHARING)
    assert rule.remedies == (Remedy.OWN_STORAGE, Remedy.PASTE_LINKS, Remedy.TRY_AGAIN)
    assert rule.blame is Blame.SETUP and not rule.resumes_on_start  # the user picks another way
    assert all(isinstance(r, Remedy) for rule in ERROR_RULES.values() for r in rule.remedies)


def test_hosts_out_of_reach_wait_without_saying_offline_then_stop_with_nothing_spent(tmp_path: Path) -> None:
    said: list[Any] = []

    async def body() -> tuple[Wait, LocalJob | None]:
        rig = _rig(tmp_path, 0.3, QuickHosts(UNREACHABLE))
        rig.rt.listeners.append(said.append)
        job = _local_job(rig)
        try:
            with pytest.raises(Wait) as first:
                await host(rig.rt, job)  # within the patience: tried again later
            await asyncio.sleep(0.4)
            await host(rig.rt, job)  # the patience is spent: the job stops
            return first.value, await rig.rt.store.get(job.id)
        finally:
            await rig.close()

    wait, job = run(body())
    assert not wait.offline and wait.backoff  # Creatify is not in question: never "offline"
    assert job is not None and job.state is State.NEEDS_ATTENTION
    assert job.error_code == ErrorCode.SHARING
    assert job.error_message and "file-sharing services could not be reached" in job.error_message
    assert "Nothing was spent" in job.error_message and "0x0" in (job.error_detail or "")
    assert not [e for e in said if isinstance(e, Connectivity)]


def test_the_clock_goes_on_across_a_restart(tmp_path: Path) -> None:
    """The first try is stored: a new engine (a new runtime on the same library) does not start
    the patience again, so a job can never stay "uploading" for ever by restarts."""

    async def first_engine() -> None:
        rig = _rig(tmp_path, 0.5, QuickHosts(UNREACHABLE))
        try:
            with pytest.raises(Wait):
                await host(rig.rt, _local_job(rig))
        finally:
            await rig.close()

    async def second_engine() -> LocalJob | None:
        rig = _rig(tmp_path, 0.5, QuickHosts(UNREACHABLE))
        try:
            job = await rig.rt.store.get("j1")
            assert job is not None
            await host(rig.rt, job)  # one more try, the first of this engine: and it stops
            return await rig.rt.store.get("j1")
        finally:
            await rig.close()

    run(first_engine())
    run(asyncio.sleep(0.6))
    job = run(second_engine())
    assert job is not None and job.state is State.NEEDS_ATTENTION and job.error_code == ErrorCode.SHARING


def test_try_again_starts_a_fresh_patience(tmp_path: Path) -> None:
    from aurora_desktop.jobs import recovery

    async def body() -> None:
        rig = _rig(tmp_path, 0.3, QuickHosts(UNREACHABLE))
        try:
            job = _local_job(rig)
            with pytest.raises(Wait):
                await host(rig.rt, job)
            await asyncio.sleep(0.4)
            await host(rig.rt, job)
            parked = await rig.rt.store.get(job.id)
            assert parked is not None and parked.state is State.NEEDS_ATTENTION
            again = await recovery.retry(rig.rt, parked)
            with pytest.raises(Wait):  # a new patience, not stopped at once
                await host(rig.rt, again)
        finally:
            await rig.close()

    run(body())


def test_other_storage_out_of_reach_stops_as_a_storage_problem(tmp_path: Path) -> None:
    async def body() -> LocalJob | None:
        rig = _rig(tmp_path, 0.01, FakeHoster(HostingError("Your storage did not answer.", retryable=True)))
        try:
            job = _local_job(rig)
            with pytest.raises(Wait):
                await host(rig.rt, job)
            await asyncio.sleep(0.05)
            await host(rig.rt, job)
            return await rig.rt.store.get(job.id)
        finally:
            await rig.close()

    job = run(body())
    assert job is not None and job.state is State.NEEDS_ATTENTION and job.error_code == ErrorCode.STORAGE
    assert job.error_message and "Your storage did not answer" in job.error_message


def test_the_patience_can_be_set_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(HOSTING_PATIENCE_ENV, "7")
    assert EngineConfig(library_dir=tmp_path, partial_dir=tmp_path).hosting_patience == 7.0
    monkeypatch.setenv(HOSTING_PATIENCE_ENV, "soon")
    assert EngineConfig(library_dir=tmp_path, partial_dir=tmp_path).hosting_patience == 300.0


def test_the_demo_stand_in_out_of_reach_is_creatify_offline(tmp_path: Path) -> None:
    """The demo's stand-in hosts the files itself: when it cannot be reached, Creatify cannot."""

    class StandIn(FakeHoster):
        name = "sandbox"  # as hosting/sandbox.py's SandboxHoster calls itself

    async def body() -> Wait:
        rig = _rig(tmp_path, 0.01, StandIn(UNREACHABLE))
        try:
            with pytest.raises(Wait) as waited:
                await host(rig.rt, _local_job(rig))
            return waited.value
        finally:
            await rig.close()

    assert run(body()).offline
