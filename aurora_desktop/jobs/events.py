"""What the engine tells its listeners (the CLI prints them, the GUI adapts them into Qt signals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aurora_desktop.jobs.model import LocalJob


@dataclass(frozen=True, slots=True)
class EngineEvent:
    kind: str                        # "job" (state changed), "progress", "offline", "online", "notice"
    job: LocalJob | None = None
    phase: str | None = None         # "hosting", "generating", "downloading"
    done: int | float = 0            # bytes, or a fraction for "generating"
    total: int | float = 0
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"event": self.kind}
        if self.job is not None:
            data.update(job=self.job.id, name=self.job.name, state=self.job.state.value,
                        remote_status=self.job.remote_status)
        if self.phase:
            data.update(phase=self.phase, done=self.done, total=self.total)
        if self.message:
            data["message"] = self.message
        return data


Listener = Callable[[EngineEvent], None]
