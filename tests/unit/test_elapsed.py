"""Elapsed time of an active job, as the library shows it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aurora_desktop.formatting import clock_text
from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State, utcnow
from aurora_desktop.ui.job_model import elapsed_seconds


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0:00"),
        (42.9, "0:42"),
        (605, "10:05"),
        (3723, "1:02:03"),
        (-3, "0:00"),
    ],
)
def test_clock_text(seconds: float, text: str) -> None:
    assert clock_text(seconds) == text


def test_elapsed_counts_from_the_request_and_stops_when_final() -> None:
    job = LocalJob(
        id="j1",
        token="t",
        name="n",
        model="aurora_v1",
        image=InputFile(InputKind.IMAGE, "a.png"),
        audio=InputFile(InputKind.AUDIO, "a.wav"),
        state=State.REMOTE,
        created_at=utcnow() - timedelta(minutes=3),
    )
    assert 179 <= elapsed_seconds(job) <= 185
    assert elapsed_seconds(job.with_changes(state=State.SAVED)) is None
