"""Answers too big to be true are refused while streaming, and failure reasons are shown
short (issue 13.10). The API is an httpx.MockTransport handler."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from aurora_desktop.api import AuroraClient, Credentials, InvalidResponseError
from aurora_desktop.api.client import MAX_RESPONSE_BYTES
from aurora_desktop.api.retry import RetryPolicy
from aurora_desktop.jobs.model import State
from tests.conftest import run
from tests.unit.test_engine_steps import STEPS, Rig, remote_job

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
