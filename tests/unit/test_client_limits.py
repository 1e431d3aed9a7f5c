"""Answers too big to be true are refused while streaming, and failure reasons are shown
short (issue 13.10). The API is an httpx.MockTransport handler."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from aurora_desktop.api import AuroraClient, Credentials, InvalidResponseError
from aurora_desktop.api.client import MAX_RESPONSE_BYTES
from aurora_desktop.api.retry import RetryPolicy
from aurora_desktop.api.speech import SCRIPT_MAX, SCRIPT_MAX_LONGER
from aurora_desktop.jobs import orders
from aurora_desktop.jobs.limits import ScriptLimit
from aurora_desktop.jobs.model import InputFile, InputKind, State
from aurora_desktop.jobs.runtime import Wait
from tests.fixtures.loops import run
from tests.unit.test_engine_steps import BASE, STEPS, Rig, remote_job, scenario

ONE_TRY = RetryPolicy(attempts=1, total_seconds=1, initial_wait=0.01, max_wait=0.01, jitter=0.0)


def test_a_huge_list_answer_is_refused_after_a_bounded_read() -> None:
    sent = [0]

    async def huge() -> Any:
        yield b"["
        while True:  # 300 MB and more, without a length
            sent[0] += 1024 * 1024
            yield b'{"id": "x", "status": "running"},' * 32768

    async def go() -> None:
        transport = httpx.MockTransport(lambda r: httpx.Response(200, content=huge()))
        async with AuroraClient(
            Credentials("id", "key"), "http://127.0.0.1:9", retry=ONE_TRY, transport=transport
        ) as client:
            await client.list()

    with pytest.raises(InvalidResponseError) as info:
        run(go())
    assert "larger than 16 MB" in info.value.detail
    assert sent[0] <= MAX_RESPONSE_BYTES + 2 * 1024 * 1024


def test_an_announced_huge_answer_is_not_read_at_all() -> None:
    async def go() -> None:
        answer = httpx.Response(200, headers={"Content-Length": str(300 * 10**6)}, content=b"[]")
        async with AuroraClient(
            Credentials("id", "key"),
            "http://127.0.0.1:9",
            retry=ONE_TRY,
            transport=httpx.MockTransport(lambda r: answer),
        ) as client:
            await client.remaining_credits()

    with pytest.raises(InvalidResponseError) as info:
        run(go())
    assert "larger than 16 MB" in info.value.detail


def test_a_long_failure_reason_is_shown_short_and_kept_for_details(tmp_path: Path) -> None:
    reason = "The face could not be found. " + "x" * 1_000_000 + "."

    def api(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[remote_job("r1", status="failed", failed_reason=reason)])

    async def go() -> Any:
        rig = Rig(tmp_path, api)
        try:
            await STEPS[State.REMOTE](rig.rt, rig.insert(state=State.REMOTE, remote_id="r1"))
            return await rig.rt.store.get("j1")
        finally:
            await rig.rt.poller.close(timeout=1)
            await rig.close()

    job = run(go())
    assert job.state is State.FAILED and job.error_message.startswith("Creatify could not make this video: The face")
    assert len(job.error_message) < 400 and ".." not in job.error_message
    assert 20_000 <= len(job.error_detail) < 21_000


def _heavy_speech_history(sent: list[int], first: list[dict[str, Any]], items: int = 3000) -> httpx.Response:
    """A heavy account's speech list, newest first: `first`, then `items` speeches of 8,000
    characters each (24 MB, over the client's 16 MB answer limit), streamed; `sent` counts bytes."""
    old = json.dumps({"id": "old", "status": "done", "script": "x" * 8000, "accent": "v9"}).encode()

    async def stream() -> Any:
        head = b"[" + b",".join(json.dumps(s).encode() for s in first)
        sent[0] += len(head)
        yield head
        for _ in range(items):
            sent[0] += len(old) + 1
            yield b"," + old
        yield b"]"

    return httpx.Response(200, content=stream())


def test_a_lost_speech_is_found_at_the_top_of_a_heavy_history_reading_only_the_top(tmp_path: Path) -> None:
    """Review of issues 20/22: the speech list is read newest first and closed early, like the videos'."""
    sent = [0]
    mine = {"id": "s1", "status": "running", "script": "Hello there", "accent": "v1"}

    def api(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(502, text="<html>Bad gateway</html>")
        if request.url.path == "/api/text_to_speech/":
            return _heavy_speech_history(sent, [mine])
        return httpx.Response(200, json=mine)

    async def body(rig: Rig) -> Any:
        job = rig.insert(audio=InputFile(InputKind.AUDIO, ""), script="Hello there", voice_id="v1")
        with pytest.raises(Wait):  # adopted, then still being made
            await STEPS[State.DRAFT](rig.rt, job)
        return await rig.rt.store.get("j1")

    job = scenario(tmp_path, api, body)
    assert job.speech_id == "s1" and job.state is State.SPEAKING
    assert sent[0] < 1_000_000  # of 24 MB


def test_the_script_limit_look_reads_a_heavy_history_only_as_far_as_a_long_script(tmp_path: Path) -> None:
    sent = [0]
    longer = {"id": "s1", "status": "done", "script": "y" * 6000, "accent": "v1"}
    transport = httpx.MockTransport(lambda r: _heavy_speech_history(sent, [longer]))

    async def go() -> int:
        async with AuroraClient(Credentials("id", "key"), BASE, retry=ONE_TRY, transport=transport) as client:
            return await orders.script_limit(ScriptLimit(tmp_path, BASE), 5000, client)

    assert run(go()) == SCRIPT_MAX_LONGER and sent[0] < 1_000_000


@pytest.mark.parametrize("status", [503, 404])
def test_a_speech_list_that_cannot_be_read_leaves_the_script_limit_as_it_was(tmp_path: Path, status: int) -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(status, text="down"))

    async def go() -> int:
        async with AuroraClient(Credentials("id", "key"), BASE, retry=ONE_TRY, transport=transport) as client:
            return await orders.script_limit(ScriptLimit(tmp_path, BASE), 5000, client)

    assert run(go()) == SCRIPT_MAX


def test_the_lost_speech_search_stops_at_the_attempt_less_the_clock_margin(tmp_path: Path) -> None:
    """Speeches made two days before the attempt cannot be its answer: the read stops at the first."""
    sent = [0]
    stale = {"id": "s0", "status": "done", "script": "Other", "accent": "v1", "created_at": "2000-01-01T00:00:00Z"}

    def api(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(502, text="<html>Bad gateway</html>")
        return _heavy_speech_history(sent, [stale])

    async def body(rig: Rig) -> Any:
        job = rig.insert(audio=InputFile(InputKind.AUDIO, ""), script="Hello there", voice_id="v1")
        await STEPS[State.DRAFT](rig.rt, job)
        return await rig.rt.store.get("j1")

    job = scenario(tmp_path, api, body)
    assert job.state is State.NEEDS_ATTENTION and job.speech_id is None and sent[0] < 100_000
