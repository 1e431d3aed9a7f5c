"""When a video is likely ready, and how soon the poller asks again (jobs/eta.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aurora_desktop.jobs.eta import Observed, RenderPace, group_remaining, poll_delay, remaining_seconds
from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State, utcnow

NOW = utcnow()


def job(
    state: State = State.REMOTE, *, age: float = 120.0, progress: float = 0.0, audio: float = 10.0, **kw
) -> LocalJob:
    return LocalJob(
        id=kw.pop("id", "j"),
        token="ad-0000000000",
        name="x",
        model="aurora_v1",
        image=InputFile(InputKind.IMAGE, "/a.png"),
        audio=InputFile(InputKind.AUDIO, "/a.wav"),
        state=state,
        progress=progress,
        audio_seconds=audio,
        submitted_at=NOW - timedelta(seconds=age),
        created_at=NOW - timedelta(seconds=age + 5),
        **kw,
    )


def saved(took: float, audio: float, n: int) -> LocalJob:
    return job(State.SAVED, age=took + n, audio=audio, id=f"s{n}", finished_at=NOW - timedelta(seconds=n))


def test_the_pace_is_the_median_seconds_per_audio_second_of_saved_videos() -> None:
    history = [saved(60, 10, 1), saved(120, 10, 2), saved(300, 10, 3), job(State.FAILED, age=999)]
    pace = RenderPace.learn(history)
    assert pace is not None and pace.per_audio_second == pytest.approx(12.0) and pace.samples == 3
    assert RenderPace.learn([job()]) is None


def test_remaining_from_progress_history_or_both() -> None:
    pace = RenderPace(per_audio_second=20.0, samples=5)  # 10 s of audio: about 200 s in all
    assert remaining_seconds(job(progress=0.0), pace, NOW) == pytest.approx(80.0)  # history alone
    assert remaining_seconds(job(progress=0.5), None, NOW) == pytest.approx(120.0)  # progress alone
    # Both, trusting progress as far as it has got: 0.5 * 120 + 0.5 * 80.
    assert remaining_seconds(job(progress=0.5), pace, NOW) == pytest.approx(100.0)
    assert remaining_seconds(job(progress=0.0), None, NOW) is None
    assert remaining_seconds(job(State.SAVED), pace, NOW) is None


def test_the_poller_asks_quickly_when_a_long_job_is_likely_to_finish() -> None:
    pace = RenderPace(per_audio_second=30.0, samples=5)  # 10 s of audio: 300 s
    # Long running and far from its end: as slow as its age allows (never slower).
    assert poll_delay(job(age=600, progress=0.3), pace, quick=2, slow=15, now=NOW) == 15
    assert poll_delay(job(age=100, progress=0.3), pace, quick=2, slow=15, now=NOW) == pytest.approx(2 * (1 + 100 / 60))
    # Long running with no progress reported, likely done in 10 s by this user's history:
    # half of that (the old rule said 2 * (1 + 290/60) = 11.7 s).
    assert poll_delay(job(age=290, progress=0.0), pace, quick=2, slow=15, now=NOW) == pytest.approx(5.0)
    # ... and past its likely end: quick.
    assert poll_delay(job(age=400, progress=0.0), pace, quick=2, slow=15, now=NOW) == 2
    # Progress says 160 s left (240 s at 0.6): the age rule's 10 s; 20 s left (at 0.75 after 60 s): 10 s.
    assert poll_delay(job(age=240, progress=0.6), None, quick=2, slow=15, now=NOW) == pytest.approx(10.0)
    assert poll_delay(job(age=60, progress=0.75), None, quick=2, slow=15, now=NOW) == pytest.approx(4.0)
    assert poll_delay(job(age=120, progress=0.75), None, quick=2, slow=15, now=NOW) == pytest.approx(6.0)
    # Queued long, then rendering fast: from the pace the poller saw (0 -> 0.3 in 3 s: 7 s left,
    # history: late), not since the request (which would say 15 minutes).
    seen = Observed(seconds=3.0, start=0.0)
    assert poll_delay(job(age=400, progress=0.3), pace, quick=2, slow=15, now=NOW, observed=seen) == 2
    assert poll_delay(job(age=400, progress=0.3), pace, quick=2, slow=15, now=NOW) == 15
    assert poll_delay(job(age=10), pace, quick=2, slow=15, now=NOW) == 2  # young
    assert poll_delay(job(age=600, progress=0.85), None, quick=2, slow=15, now=NOW) == 2  # nearly done
    # Nothing known: the older, the slower, as before.
    assert poll_delay(job(age=120, progress=0.0), None, quick=2, slow=15, now=NOW) == pytest.approx(6.0)


def test_a_group_is_ready_when_its_last_job_is() -> None:
    pace = RenderPace(per_audio_second=20.0, samples=5)
    jobs = [job(id="a", age=150), job(id="b", age=50)]
    assert group_remaining(remaining_seconds(j, pace, NOW) for j in jobs) == pytest.approx(150.0)
    assert group_remaining([]) is None
    assert group_remaining([12.0, None]) is None  # one unknown: the group's end is unknown
