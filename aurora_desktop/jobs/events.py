"""What the engine tells its listeners: the CLI prints them, the window adapts them into Qt signals.

One small class per kind of news, so a listener matches on the type and each
carries exactly its own fields. `to_json` is the `--json` line format of the
headless commands (documented in the README): keep its keys stable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aurora_desktop.jobs.model import LocalJob
from aurora_desktop.jobs.vocabulary import Phase


@dataclass(frozen=True, slots=True)
class JobChanged:
    """A job's record changed (a new state, a new remote status, an error)."""

    job: LocalJob


@dataclass(frozen=True, slots=True)
class JobRemoved:
    job: LocalJob  # as it was just before it was removed


@dataclass(frozen=True, slots=True)
class Progress:
    job: LocalJob
    phase: Phase
    done: float  # bytes, or a fraction 0..1 while generating
    total: float


@dataclass(frozen=True, slots=True)
class Connectivity:
    online: bool
    message: str = ""


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should read that belongs to no single job (e.g. keys revoked)."""

    message: str


@dataclass(frozen=True, slots=True)
class EngineStopped:
    """The engine cannot go on (its job library cannot be written): every job is kept as it was."""

    message: str
    detail: str = ""


EngineEvent = JobChanged | JobRemoved | Progress | Connectivity | Notice | EngineStopped
Listener = Callable[[EngineEvent], None]


def _job_fields(job: LocalJob) -> dict[str, Any]:
    return {"job": job.id, "name": job.name, "state": job.state.value, "remote_status": job.remote_status}


def to_json(event: EngineEvent) -> dict[str, Any]:
    match event:
        case JobChanged(job):
            return {"event": "job", **_job_fields(job)}
        case JobRemoved(job):
            return {"event": "removed", **_job_fields(job)}
        case Progress(job, phase, done, total):
            return {"event": "progress", **_job_fields(job), "phase": str(phase), "done": done, "total": total}
        case Connectivity(online, message):
            data: dict[str, Any] = {"event": "online" if online else "offline"}
            return data | ({"message": message} if message else {})
        case Notice(message):
            return {"event": "notice", "message": message}
        case EngineStopped(message):
            return {"event": "stopped", "message": message}
    raise TypeError(f"not an engine event: {event!r}")
