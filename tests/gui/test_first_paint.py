"""after_first_paint: once, after the window is painted; a window never painted still starts."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel

from aurora_desktop.ui.first_paint import after_first_paint


class _PaintCount(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def test_runs_once_after_the_first_paint_and_not_again_at_the_deadline(qtbot) -> None:
    label = QLabel("hello")
    qtbot.addWidget(label)
    painted = _PaintCount()
    label.installEventFilter(painted)
    calls: list[int] = []
    after_first_paint(label, lambda: calls.append(painted.paints), at_latest_ms=300)
    label.show()
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=2_000)
    assert calls[0] >= 1  # the label had been painted when it ran
    qtbot.wait(500)  # past the deadline
    assert len(calls) == 1


def test_a_window_never_painted_still_runs_it_at_the_deadline(qtbot) -> None:
    label = QLabel("never shown")
    qtbot.addWidget(label)
    calls: list[str] = []
    after_first_paint(label, lambda: calls.append("ran"), at_latest_ms=100)
    qtbot.wait(50)
    assert calls == []
    qtbot.waitUntil(lambda: calls == ["ran"], timeout=2_000)
