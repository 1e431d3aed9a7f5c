"""Run something once the window is on screen: what can wait a moment waits for the first paint."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, then: Callable[[], None], at_latest_ms: int) -> None:
        super().__init__(widget)
        self._then: Callable[[], None] | None = then
        widget.installEventFilter(self)
        # A window that is never painted (started minimised, on a locked screen) still starts.
        QTimer.singleShot(at_latest_ms, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # The parent is painted before its children: the zero timer runs once the whole
            # window has been painted and shown, not in the middle of it.
            QTimer.singleShot(0, self, self._fire)
        return False

    def _fire(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            then()


def after_first_paint(window: QWidget, then: Callable[[], None], *, at_latest_ms: int = 1000) -> None:
    """Call `then` once, just after `window` has first been painted (or after `at_latest_ms`).

    Start-up uses it to draw a usable window before the engine, the HTTP client and the job
    library are loaded: those take longer than the window itself (docs/architecture.md)."""
    _FirstPaint(window, then, at_latest_ms)
