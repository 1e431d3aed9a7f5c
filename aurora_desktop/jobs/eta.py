"""When a video at Creatify is likely to be ready: for the library's "about 2 min left",
and for the poller, which asks quickly when a job is likely to finish instead of
slowly because it has been running long (Qt-free, pure).

Two witnesses, combined:
- the job's own progress: after `elapsed` seconds at fraction `p`, the rest takes
  about elapsed * (1 - p) / p (Creatify's progress is roughly linear in time);
- this user's history: how many seconds of waiting each second of audio took on
  their finished videos (`RenderPace.learn`), times this job's audio.
The further the job has got, the more its own progress is trusted.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from aurora_desktop.jobs.model import LocalJob, State, utcnow

MIN_PROGRESS = 0.05  # below this a job's progress says little about its end
HISTORY = 50  # the most recent finished videos the pace is learnt from


@dataclass(frozen=True, slots=True)
class RenderPace:
    """Seconds from request to video per second of audio, learnt from finished videos."""

    per_audio_second: float
    samples: int

    @classmethod
    def learn(cls, jobs: Iterable[LocalJob]) -> RenderPace | None:
        finished = sorted(
            (
                j
                for j in jobs
                if j.state is State.SAVED and j.submitted_at and j.finished_at and (j.audio_seconds or 0) > 0
            ),
            key=lambda j: j.finished_at or j.created_at,
            reverse=True,
        )[:HISTORY]
        paces = [
            (j.finished_at - j.submitted_at).total_seconds() / (j.audio_seconds or 1.0)  # type: ignore[operator]
            for j in finished
        ]
        paces = [p for p in paces if p > 0]
        return cls(statistics.median(paces), len(paces)) if paces else None


@dataclass(frozen=True, slots=True)
class Observed:
    """What the poller saw of one job's progress: `seconds` since it first saw it move,
    from `start` (a fraction) to the job's progress now."""

    seconds: float
    start: float


def remaining_seconds(
    job: LocalJob, pace: RenderPace | None, now: datetime | None = None, observed: Observed | None = None
) -> float | None:
    """Seconds until the video is likely to be ready at Creatify, or None when nothing can be said.
    The progress witness is the pace the poller saw the progress move at (`observed`), or, without
    it, the pace since the request (which a long wait in Creatify's queue makes look slow)."""
    if job.state is not State.REMOTE or job.submitted_at is None:
        return None
    elapsed = max(0.0, ((now or utcnow()) - job.submitted_at).total_seconds())
    by_history = max(0.0, pace.per_audio_second * (job.audio_seconds or 0.0) - elapsed) if pace else None
    p = job.progress
    if p < MIN_PROGRESS:
        return by_history
    if observed is not None and p - observed.start >= MIN_PROGRESS and observed.seconds > 0:
        by_progress = observed.seconds * (1.0 - p) / (p - observed.start)
    elif observed is not None:
        return by_history  # moving, but not yet far enough to tell its pace
    else:
        by_progress = elapsed * (1.0 - p) / p
    if by_history is None:
        return by_progress
    return p * by_progress + (1.0 - p) * by_history


def group_remaining(estimates: Iterable[float | None]) -> float | None:
    """When all of a group are likely to be ready: the latest estimate (None if any is unknown)."""
    known = list(estimates)
    if not known or any(e is None for e in known):
        return None
    return max(e for e in known if e is not None)


def poll_delay(
    job: LocalJob,
    pace: RenderPace | None,
    *,
    quick: float,
    slow: float,
    now: datetime | None = None,
    observed: Observed | None = None,
) -> float:
    """How long the poller may wait before asking about this job again: quick while it is young,
    near its end by progress, and whenever it is likely to finish soon (half the time left, so
    an estimate that is too long still meets the end early); otherwise slower as it ages, never
    slower than that. The estimate only ever shortens the wait: a job whose progress misleads
    (it waited in Creatify's queue, then renders at once) is still asked about as often as before."""
    now = now or utcnow()
    age = (now - (job.submitted_at or job.created_at)).total_seconds()
    if age < 30 or job.progress >= 0.8:
        return quick
    by_age = min(slow, quick * (1 + age / 60))
    left = remaining_seconds(job, pace, now, observed)
    if left is None:
        return by_age
    return max(quick, min(by_age, left / 2))
