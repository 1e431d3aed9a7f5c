"""The window's part of "Check for updates" (the rules are aurora_desktop/updates.py).

Once a week when the setting is on (an hourly timer asks `updates.due`), never on the
very first start (that start only notes the time), and from Help → Check for updates
at any time. A weekly check speaks only when a newer version is out; the menu's check
always answers, in a sentence. "Download" opens the link in the browser: nothing is
downloaded or installed by the app itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from aurora_desktop.settings import Settings
from aurora_desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from aurora_desktop.updates import UpdateCheck

# updates.py (and so httpx) is imported when a check is made, after the first paint
# (docs/architecture.md, "Start-up").

log = logging.getLogger(__name__)
TICK_MS = 3600 * 1000  # how often a window left open asks whether the week is over


class UpdateChecker(QObject):
    answered = Signal(object)  # the UpdateCheck of every check made, weekly or asked for

    def __init__(
        self,
        parent: QWidget,
        settings: Callable[[], Settings],
        tasks: TaskRunner,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._settings = settings  # the window's current settings (replaced when saved)
        self._tasks = tasks
        self.clock = clock
        self.box: QMessageBox | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.maybe_check)

    def start(self) -> None:
        """After the window's first paint: the weekly check if due, then every hour again."""
        self.maybe_check()
        self.timer.start()

    def maybe_check(self) -> None:
        from aurora_desktop.updates import due, update_url

        if not update_url():
            return  # a copy built without an update address (run from source): no automatic check
        settings, now = self._settings(), self.clock()
        if settings.check_updates and not settings.last_update_check:
            self._note_time(settings, now)  # the very first start: nothing is asked before the user has looked
            return
        if due(settings.last_update_check, now, enabled=settings.check_updates):
            self._tasks.spawn(self._check(manual=False), key="update-check")

    def check_now(self) -> None:
        """Help → Check for updates."""
        self._tasks.spawn(self._check(manual=True), key="update-check")

    async def _check(self, *, manual: bool) -> None:
        from aurora_desktop.updates import Verdict, check

        result = await check()
        if result.verdict not in (Verdict.UNREACHABLE, Verdict.NO_ADDRESS):  # offline: the next tick tries again
            self._note_time(self._settings(), self.clock())
        self.answered.emit(result)
        if manual or result.newer:
            self._show(result)

    def _note_time(self, settings: Settings, now: datetime) -> None:
        settings.last_update_check = now.isoformat()
        try:
            settings.save()
        except OSError as exc:
            log.warning("settings not saved after the update check: %s", type(exc).__name__)

    def _show(self, result: UpdateCheck) -> None:
        if self.box is not None:
            self.box.close()
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Updates"),
            result.message,
            QMessageBox.StandardButton.NoButton,
            self._parent,
        )
        if result.newer and result.link:
            download = box.addButton(self.tr("Download"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(self.tr("Later"), QMessageBox.ButtonRole.RejectRole)
            link = result.link
            download.clicked.connect(lambda: QDesktopServices.openUrl(QUrl(link)))
        else:
            box.addButton(QMessageBox.StandardButton.Close)
        box.open()  # never exec(): no nested loop while jobs run
        self.box = box
