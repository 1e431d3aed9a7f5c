"""The library as a Qt model: every job, newest first, live from the engine's events."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from aurora_desktop import paths
from aurora_desktop.api.catalog import get_model
from aurora_desktop.formatting import credits_text
from aurora_desktop.jobs.eta import Observed, RenderPace, group_remaining, remaining_seconds
from aurora_desktop.jobs.model import LocalJob, State, utcnow
from aurora_desktop.jobs.share_links import image_link_copy
from aurora_desktop.jobs.vocabulary import Phase
from aurora_desktop.ui.i18n import QT_TRANSLATE_NOOP

Index = QModelIndex | QPersistentModelIndex

JobRole = Qt.ItemDataRole.UserRole + 1
StateRole = Qt.ItemDataRole.UserRole + 2
PhaseRole = Qt.ItemDataRole.UserRole + 3  # (phase, done, total) or None
ElapsedRole = Qt.ItemDataRole.UserRole + 4
EtaRole = Qt.ItemDataRole.UserRole + 5  # seconds until the video is likely ready at Creatify, or None

# Filter choices for the status box: label -> states.
# Labels are marked for lupdate in the library panel's context, which shows them.
STATUS_FILTERS: dict[str, frozenset[State] | None] = {
    QT_TRANSLATE_NOOP("LibraryPanel", "All"): None,
    QT_TRANSLATE_NOOP("LibraryPanel", "In progress"): frozenset(
        {
            State.DRAFT,
            State.SPEAKING,
            State.VOICE_READY,
            State.HOSTING,
            State.SUBMITTING,
            State.REMOTE,
            State.DOWNLOADING,
        }
    ),
    # The chip of a saved video says "Ready" (status_text): the filter says the same word.
    QT_TRANSLATE_NOOP("LibraryPanel", "Ready"): frozenset({State.SAVED}),
    QT_TRANSLATE_NOOP("LibraryPanel", "Needs attention"): frozenset(
        {State.FAILED, State.REJECTED, State.NEEDS_ATTENTION}
    ),
}


def status_text(job: LocalJob) -> str:
    """The short status chip text a person reads."""
    if job.state is State.REMOTE:
        text = _REMOTE_TEXT.get(job.remote_status or "", _REMOTE_TEXT["running"])
    else:
        text = _STATUS_TEXT[job.state]
    return QCoreApplication.translate("Library", text)  # these helpers are not QObjects: an explicit context


# QT_TRANSLATE_NOOP marks the texts for lupdate; status_text() translates them at use.
_STATUS_TEXT = {
    State.DRAFT: QT_TRANSLATE_NOOP("Library", "Preparing"),
    State.SPEAKING: QT_TRANSLATE_NOOP("Library", "Making the voice"),
    State.VOICE_READY: QT_TRANSLATE_NOOP("Library", "Voice ready: listen"),
    State.HOSTING: QT_TRANSLATE_NOOP("Library", "Uploading inputs"),
    State.SUBMITTING: QT_TRANSLATE_NOOP("Library", "Requesting"),
    State.DOWNLOADING: QT_TRANSLATE_NOOP("Library", "Downloading"),
    State.SAVED: QT_TRANSLATE_NOOP("Library", "Ready"),
    State.FAILED: QT_TRANSLATE_NOOP("Library", "Failed"),
    State.REJECTED: QT_TRANSLATE_NOOP("Library", "Rejected"),
    State.NEEDS_ATTENTION: QT_TRANSLATE_NOOP("Library", "Needs attention"),
    State.CANCELLED: QT_TRANSLATE_NOOP("Library", "Cancelled"),
}
_REMOTE_TEXT = {
    "pending": QT_TRANSLATE_NOOP("Library", "Waiting"),
    "in_queue": QT_TRANSLATE_NOOP("Library", "In queue"),
    "running": QT_TRANSLATE_NOOP("Library", "Generating"),
}


def detail_text(job: LocalJob) -> str:
    parts = [job.created_at.astimezone().strftime("%Y-%m-%d %H:%M")]
    try:
        parts.append(get_model(job.model).label)
    except KeyError:
        parts.append(job.model)
    if job.audio_seconds:
        parts.append(f"{job.audio_seconds:.1f} s")
    credits = job.credits_total
    if credits is not None:
        parts.append(QCoreApplication.translate("Library", "{credits} credits").format(credits=credits_text(credits)))
    return " · ".join(parts)


def elapsed_seconds(job: LocalJob) -> float | None:
    """Seconds since the job was asked for (across restarts), while it is active."""
    return None if job.state.is_final else (utcnow() - job.created_at).total_seconds()


@dataclass
class _Row:
    job: LocalJob
    phase: tuple[str, float, float] | None = None
    moving_since: tuple[float, float] | None = None  # (monotonic, progress) when generating was first seen moving

    def observed(self) -> Observed | None:
        """The pace its progress was seen to move at (after any wait in Creatify's queue)."""
        if self.moving_since is None:
            return None
        return Observed(time.monotonic() - self.moving_since[0], self.moving_since[1])


class JobListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._by_id: dict[str, int] = {}
        self.pace: RenderPace | None = None  # learnt from the saved videos, for the estimates

    # ------------------------------------------------------------------ Qt API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        job = row.job
        if role == Qt.ItemDataRole.DisplayRole:
            return job.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return job.error_message or job.output_path or status_text(job)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{job.name}, {status_text(job)}, {detail_text(job)}"
        if role == JobRole:
            return job
        if role == StateRole:
            return job.state.value
        if role == PhaseRole:
            return row.phase
        if role == ElapsedRole:
            return elapsed_seconds(job)
        if role == EtaRole:
            return remaining_seconds(job, self.pace, observed=row.observed())
        return None

    # ------------------------------------------------------------------ updates

    def reset(self, jobs: list[LocalJob]) -> None:
        self.beginResetModel()
        self._rows = [_Row(j) for j in jobs]  # newest first from the store
        self._reindex()
        self.pace = RenderPace.learn(jobs)
        self.endResetModel()

    def _reindex(self) -> None:
        self._by_id = {row.job.id: i for i, row in enumerate(self._rows)}

    def upsert(self, job: LocalJob) -> None:
        i = self._by_id.get(job.id)
        if i is None:
            self.beginInsertRows(QModelIndex(), 0, 0)
            self._rows.insert(0, _Row(job))
            self._reindex()
            self.endInsertRows()
            return
        row = self._rows[i]
        if job.state is State.SAVED and row.job.state is not State.SAVED:
            self.pace = RenderPace.learn([job, *(r.job for r in self._rows if r is not row)]) or self.pace
        row.job = job
        if job.state.is_final or (row.phase and Phase(row.phase[0]).state is not job.state):
            row.phase = None
        if job.state is not State.REMOTE:
            row.moving_since = None  # a new request (retry) is watched afresh
        self._changed(i)

    def set_progress(self, job_id: str, phase: str, done: float, total: float) -> None:
        i = self._by_id.get(job_id)
        if i is not None:
            row = self._rows[i]
            row.phase = (phase, done, total)
            if phase == Phase.GENERATING and done > 0 and row.moving_since is None:
                row.moving_since = (time.monotonic(), done)
            self._changed(i)

    def remove(self, job_id: str) -> None:
        i = self._by_id.get(job_id)
        if i is not None:
            self.beginRemoveRows(QModelIndex(), i, i)
            del self._rows[i]
            self._reindex()
            self.endRemoveRows()

    def jobs(self) -> list[LocalJob]:
        return [row.job for row in self._rows]

    def job(self, job_id: str) -> LocalJob | None:
        i = self._by_id.get(job_id)
        return self._rows[i].job if i is not None else None

    def remaining_seconds(self) -> float | None:
        """When every video at Creatify is likely ready (None: none there, or not known yet)."""
        return group_remaining(
            remaining_seconds(row.job, self.pace, observed=row.observed())
            for row in self._rows
            if row.job.state is State.REMOTE
        )

    def running_count(self) -> int:
        return sum(1 for r in self._rows if not r.job.state.is_final)

    def _changed(self, i: int) -> None:
        index = self.index(i)
        self.dataChanged.emit(index, index)


class JobFilterModel(QSortFilterProxyModel):
    """Search by name, filter by status."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._states: frozenset[State] | None = None
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_status_filter(self, label: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+: invalidateFilter() is deprecated (a warning each call)
            self.beginFilterChange()
            self._states = STATUS_FILTERS.get(label)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - Qt 6.8/6.9
            self._states = STATUS_FILTERS.get(label)
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self._states is None and not self.filterRegularExpression().pattern():
            return True  # no filter: skip the per-row work (10,000 jobs show at once)
        job: LocalJob = self.sourceModel().index(source_row, 0, source_parent).data(JobRole)
        if self._states is not None and job.state not in self._states:
            return False
        return super().filterAcceptsRow(source_row, source_parent)


def thumbnail_source(job: LocalJob) -> Path | None:
    """The portrait's file, or for a pasted link the copy fetched when it was checked."""
    path = image_link_copy(job.image.source, paths.cache_dir()) if job.image.is_link else Path(job.image.source)
    return path if path.exists() else None
