"""Errors a person can read, non-modal, with "Copy details" (never a secret)."""

from __future__ import annotations

import logging
import platform
import sys
import traceback
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from aurora_desktop import APP_NAME, __version__
from aurora_desktop.errors import UserError

log = logging.getLogger(__name__)


def environment_text() -> str:
    return (
        f"{APP_NAME} {__version__}; Qt {qVersion()}; PySide6 {pyside_version}; "
        f"Python {platform.python_version()}; {platform.platform()}"
    )


class ErrorDialog(QDialog):
    def __init__(self, message: str, detail: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("{app} — something needs your attention").format(app=APP_NAME))
        self.setModal(False)
        self.message = QLabel(message, self)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.message.setAccessibleName(self.tr("Error message"))
        from aurora_desktop.doctor import last_report  # the checks (httpx) load with the first dialog

        report = last_report()
        setup = f"\n\nCheck my setup (earlier in this session):\n{report}" if report else ""
        # What went wrong first (the detail), then the versions, then the earlier setup check.
        self.details = QPlainTextEdit(f"{detail.strip()}\n\n{environment_text()}".strip() + setup, self)
        self.details.setReadOnly(True)
        self.details.setMinimumHeight(8 * self.fontMetrics().height())
        self.details.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = buttons.addButton(self.tr("Copy details"), QDialogButtonBox.ButtonRole.ActionRole)
        self.toggle = buttons.addButton(self.tr("Show details"), QDialogButtonBox.ButtonRole.HelpRole)
        copy.clicked.connect(self.copy_details)
        self.toggle.clicked.connect(self.toggle_details)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.details, 1)
        layout.addStretch(0)  # hidden details: the spare room goes below the message, never above
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def toggle_details(self) -> None:
        shown = not self.details.isVisible()
        self.details.setVisible(shown)
        self.toggle.setText(self.tr("Hide details") if shown else self.tr("Show details"))
        if shown:
            self.resize(max(self.width(), 640), max(self.height(), 420))
        else:
            self.resize(self.width(), self.minimumSizeHint().height())

    def copy_details(self) -> None:
        QApplication.clipboard().setText(f"{self.message.text()}\n\n{self.details.toPlainText()}")


class ErrorReporter:
    """Shows errors without blocking; also the sys.excepthook, so nothing crashes silently."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent
        self.dialogs: list[ErrorDialog] = []
        self.last_message = ""

    def show(self, message: str, detail: str = "") -> ErrorDialog:
        self.last_message = message
        dialog = ErrorDialog(message, detail, self.parent)
        self.dialogs = [d for d in self.dialogs if d.isVisible()] + [dialog]
        dialog.show()
        return dialog

    def exception(self, exc: BaseException) -> None:
        detail = "".join(traceback.format_exception(exc))
        if isinstance(exc, UserError):
            message, detail = exc.user_message, f"{exc.detail}\n\n{detail}".strip()
        else:
            message = "Something unexpected went wrong. Your videos and jobs are safe; copy the details for support."
        log.error("unexpected error: %s", detail)
        self.show(message, detail)

    def excepthook(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        self.exception(exc.with_traceback(tb))
