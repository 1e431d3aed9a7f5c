"""The one adapter between the engine (plain callbacks) and Qt (signals)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from aurora_desktop.jobs.engine import Engine
from aurora_desktop.jobs.events import EngineEvent


class EngineBridge(QObject):
    jobChanged = Signal(object)                  # LocalJob
    jobRemoved = Signal(str)                     # job id
    progress = Signal(str, str, float, float)    # job id, phase, done, total
    onlineChanged = Signal(bool)
    notice = Signal(str)

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = engine.subscribe(self._on_event)

    def detach(self) -> None:
        self._unsubscribe()

    def _on_event(self, event: EngineEvent) -> None:
        # Engine events arrive on the qasync loop, which is the Qt thread: emit directly.
        if event.kind == "job" and event.job is not None:
            if event.message == "removed":
                self.jobRemoved.emit(event.job.id)
            else:
                self.jobChanged.emit(event.job)
        elif event.kind == "progress" and event.job is not None and event.phase:
            self.progress.emit(event.job.id, event.phase, float(event.done), float(event.total))
        elif event.kind in ("offline", "online"):
            self.onlineChanged.emit(event.kind == "online")
        elif event.kind == "notice" and event.message:
            self.notice.emit(event.message)
