"""May this job be cancelled, removed? One rule (jobs/actions.py), over every state, and the
engine's cancel and remove following it (a real store file; the API never asked)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from aurora_desktop.api import AuroraClient, Credentials
from aurora_desktop.jobs.actions import may_cancel, may_remove
from aurora_desktop.jobs.engine import Engine, EngineConfig, JobBusy
from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State, new_token
from aurora_desktop.jobs.store import JobStore
from tests.fixtures.loops import run
from tests.unit.test_engine_steps import BASE, NO_RETRY, FakeHoster

NOTHING_SPENT_CANCELLABLE = {
    State.DRAFT,
    State.SPEAKING,
    State.VOICE_READY,
    State.HOSTING,
    State.SUBMITTING,
    State.NEEDS_ATTENTION,
}


def _job(state: State, job_id: str = "j1", **changes: Any) -> LocalJob:
    job = LocalJob(
        id=job_id,
        token=new_token(),
        name="Clip",
        model="aurora_v1",
        image=InputFile(InputKind.IMAGE, "https://example.org/a.png", url="https://example.org/a.png"),
        audio=InputFile(InputKind.AUDIO, "https://example.org/a.wav", url="https://example.org/a.wav"),
        api_base=BASE,
        state=state,
    )
    return replace(job, **changes)


@pytest.mark.parametrize("state", list(State))
def test_a_job_that_spent_nothing_may_be_cancelled_unless_it_ended(state: State) -> None:
    job = _job(state)
    assert may_cancel(job) is (state in NOTHING_SPENT_CANCELLABLE)
    # Removing: every ended job, and every job that may be cancelled (the engine cancels it first).
    assert may_remove(job) is (state.is_final or state in NOTHING_SPENT_CANCELLABLE)


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("spent", [{"submit_attempts": 1}, {"remote_id": "r1", "submit_attempts": 1}])
def test_a_job_whose_video_was_requested_is_never_cancelled(state: State, spent: dict[str, Any]) -> None:
    job = _job(state, **spent)
    assert not may_cancel(job)
    assert may_remove(job) is state.is_final  # kept while it is still being made: it was paid for


def _engine(tmp_path: Path) -> tuple[Engine, JobStore, list[httpx.Request]]:
    asked: list[httpx.Request] = []

    def api(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(500)

    store = JobStore(tmp_path / "jobs.sqlite3")
    client = AuroraClient(Credentials("id", "key"), BASE, retry=NO_RETRY, transport=httpx.MockTransport(api))
    config = EngineConfig(library_dir=tmp_path / "videos", partial_dir=tmp_path / "partial")
    return Engine(store, client, FakeHoster(), config), store, asked


@pytest.mark.parametrize("state", sorted(NOTHING_SPENT_CANCELLABLE))
def test_the_engine_cancels_and_removes_in_every_state_the_rule_allows(tmp_path: Path, state: State) -> None:
    engine, store, asked = _engine(tmp_path)
    store.insert(_job(state, "cancel-me"))
    store.insert(_job(state, "remove-me"))

    async def scenario() -> tuple[LocalJob, list[LocalJob]]:
        try:
            cancelled = await engine.cancel("cancel-me")
            await engine.remove("remove-me", delete_file=False)  # not cancelled first: the engine does it
            return cancelled, await engine.library()
        finally:
            await engine.close()

    cancelled, left = run(scenario())
    assert cancelled.state is State.CANCELLED
    assert [job.id for job in left] == ["cancel-me"]
    assert asked == []  # Creatify was never asked anything


@pytest.mark.parametrize("state", [State.SUBMITTING, State.REMOTE, State.DOWNLOADING])
def test_the_engine_keeps_a_requested_video_running(tmp_path: Path, state: State) -> None:
    engine, store, _asked = _engine(tmp_path)
    store.insert(_job(state, remote_id="r1" if state is not State.SUBMITTING else None, submit_attempts=1))

    async def scenario() -> LocalJob | None:
        try:
            with pytest.raises(JobBusy, match="cannot be cancelled"):
                await engine.cancel("j1")
            with pytest.raises(JobBusy):
                await engine.remove("j1", delete_file=False)
            return await engine.store.get("j1")
        finally:
            await engine.close()

    kept = run(scenario())
    assert kept is not None and kept.state is state
