"""The library's "about N min left" follows the pace a job's progress was seen to move at."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State, utcnow
from aurora_desktop.jobs.vocabulary import Phase
from aurora_desktop.ui.job_model import EtaRole, JobListModel


def remote_job(progress: float, waited: float) -> LocalJob:
    return LocalJob(
        id="j",
        token="ad-0000000000",
        name="x",
        model="aurora_v1",
        image=InputFile(InputKind.IMAGE, "/a.png"),
        audio=InputFile(InputKind.AUDIO, "/a.wav"),
        state=State.REMOTE,
        progress=progress,
        audio_seconds=10.0,
        submitted_at=utcnow() - timedelta(seconds=waited),
    )


def test_a_job_that_waited_in_the_queue_is_not_shown_as_slow(qapp) -> None:
    model = JobListModel()
    model.reset([remote_job(0.0, 400)])
    model.set_progress("j", Phase.GENERATING, 0.1, 1.0)  # starts moving after 400 s in the queue
    model.upsert(remote_job(0.1, 400))
    # Seen moving from 0.1 to 0.4 in 3 s: about 6 s left, not the 10 minutes 403 s at 0.4 would say.
    model._rows[0].moving_since = (time.monotonic() - 3.0, 0.1)
    model.upsert(remote_job(0.4, 403))
    left = model.index(0).data(EtaRole)
    assert left is not None and 5.0 < left < 10.0
    assert model.remaining_seconds() == pytest.approx(left, abs=0.5)
    model.upsert(remote_job(0.4, 403).with_changes(state=State.DOWNLOADING))
    assert model.index(0).data(EtaRole) is None and model._rows[0].moving_since is None
