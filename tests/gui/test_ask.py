"""ui/ask.py: one non-blocking question; the answer comes back by callback, the box goes away."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from aurora_desktop.ui.ask import Answer, Role, ask


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _question(parent: QWidget, answers: list[str]) -> QMessageBox:
    return ask(
        parent,
        "Remove from library",
        "Remove it?",
        [
            Answer("Remove, keep the file", "keep"),
            Answer("Remove and delete the file", "delete", Role.DestructiveRole),
            Answer(QMessageBox.StandardButton.Cancel, "cancel"),
        ],
        answers.append,
        cancel="cancel",
    )


def test_the_chosen_button_is_the_answer_and_the_box_goes(qtbot, parent: QWidget) -> None:
    answers: list[str] = []
    box = _question(parent, answers)
    assert box.isVisible() and box.windowModality() == Qt.WindowModality.WindowModal  # open(), not exec()
    assert answers == []  # ask() returned before any answer
    assert parent.findChildren(QMessageBox) == [box]  # kept alive by its parent, no attribute
    [delete] = [b for b in box.buttons() if b.text() == "Remove and delete the file"]
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert answers == ["delete"]
    qtbot.waitUntil(lambda: parent.findChildren(QMessageBox) == [], timeout=5_000)  # deleted when closed


def test_escape_and_closing_answer_cancel_once(qtbot, parent: QWidget) -> None:
    answers: list[str] = []
    box = _question(parent, answers)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert answers == ["cancel"]
    qtbot.waitUntil(lambda: parent.findChildren(QMessageBox) == [], timeout=5_000)

    closed: list[bool] = []
    box = ask(parent, "Switch?", "Switch now?", [Answer("Switch", True)], closed.append, cancel=False)
    box.close()  # the window's close button
    assert closed == [False]
    qtbot.waitUntil(lambda: parent.findChildren(QMessageBox) == [], timeout=5_000)
