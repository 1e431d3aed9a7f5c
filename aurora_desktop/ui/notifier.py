"""How the window tells the user things without asking: the status bar, the title, the tray.

One place for the status bar's messages, the "offline" word beside them, the window's title
(with what runs and when it is likely done, also the tray's tooltip), and the tray's message
when a video is finished; clicking that message brings the window up on that video.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QMainWindow, QSystemTrayIcon

from aurora_desktop import APP_NAME
from aurora_desktop.formatting import time_left
from aurora_desktop.jobs.model import LocalJob, State
from aurora_desktop.settings import Settings
from aurora_desktop.ui.job_model import JobListModel
from aurora_desktop.ui.library_view import LibraryPanel


class Notifier(QObject):
    def __init__(
        self, window: QMainWindow, model: JobListModel, library: LibraryPanel, settings: Callable[[], Settings]
    ) -> None:
        super().__init__(window)
        self._window, self._model, self._library, self._settings = window, model, library, settings
        self.online_label = QLabel(window)
        window.statusBar().addPermanentWidget(self.online_label)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(window.windowIcon(), self)
            self.tray.messageClicked.connect(self.focus_last_notified)
            self.tray.show()
        self._last_notified: str | None = None

    def status(self, text: str, ms: int = 0) -> None:
        self._window.statusBar().showMessage(text, ms)

    def clear_status(self) -> None:
        self._window.statusBar().clearMessage()

    def online(self, online: bool) -> None:
        self.online_label.setText("" if online else self.tr("Offline — waiting for the connection"))

    def update_title(self, *, demo: bool) -> None:
        running = self._model.running_count()
        title = APP_NAME + (self.tr(" — demo") if demo else "")
        if running:
            title += self.tr(" ({n} running)").format(n=running)
            left = time_left(self._model.remaining_seconds())
            if left and running > 1:  # the group: when all of them are likely ready
                title += f" · {self.tr('all')} {self.tr(left)}"
        self._window.setWindowTitle(title)
        if self.tray is not None:
            self.tray.setToolTip(title)

    def finished(self, job: LocalJob, text: str) -> None:
        """A video is done (or stopped): the status bar says so, and the tray when notifications are on."""
        self.status(text, 15000)
        if self.tray is not None and self._settings().notifications:
            self._last_notified = job.id
            icon = (
                QSystemTrayIcon.MessageIcon.Information
                if job.state is State.SAVED
                else QSystemTrayIcon.MessageIcon.Warning
            )
            self.tray.showMessage(APP_NAME, text, icon, 8000)

    def bring_to_front(self) -> None:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()

    def focus_last_notified(self) -> None:
        self.bring_to_front()
        if self._last_notified:
            self._library.select_job(self._last_notified)

    def hide_tray(self) -> None:
        if self.tray is not None:
            self.tray.hide()
