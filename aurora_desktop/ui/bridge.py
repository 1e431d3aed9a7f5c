"""The one adapter between the engine (plain callbacks) and Qt (signals)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from aurora_desktop.jobs.engine import Engine
from aurora_desktop.jobs.events import (
    Connectivity,
    EngineEvent,
    EngineStopped,
    JobChanged,
    JobRemoved,
    Notice,
    Progress,
)


class EngineBridge(QObject):
    jobChanged = Signal(object)  # LocalJob
    jobRemoved = Signal(str)  # job id
    progress = Signal(str, str, float, float)  # job id, phase, done, total
    onlineChanged = Signal(bool)
    notice = Signal(str)
    stopped = Signal(str, str)  # message, detail: the engine cannot go on

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = engine.subscribe(self._on_event)

    def detach(self) -> None:
        self._unsubscribe()

    def _on_event(self, event: EngineEvent) -> None:
        # Engine events arrive on the qasync loop, which is the Qt thread: emit directly.
        match event:
            case JobChanged(job):
                self.jobChanged.emit(job)
            case JobRemoved(job):
                self.jobRemoved.emit(job.id)
            case Progress(job, phase, done, total):
                self.progress.emit(job.id, str(phase), float(done), float(total))
            case Connectivity(online):
                self.onlineChanged.emit(online)
            case Notice(message) if message:
                self.notice.emit(message)
            case EngineStopped(message, detail):
                self.stopped.emit(message, detail)
