"""Issue 23, items 2, 17, 18: keys typed by hand stay where they are typed; no stock Qt parts in
sight; icons and the welcome link follow a live light/dark switch."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from aurora_desktop.ui.main_window import MainWindow


def _welcome(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.welcome, timeout=10_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)


def _type(qtbot: QtBot, text: str) -> None:
    """Keystrokes as a person types them: each to whatever has the focus now."""
    for char in text:
        focused = QApplication.focusWidget()
        assert isinstance(focused, QWidget)
        qtbot.keyClicks(focused, char)


def test_typing_the_api_id_after_a_rejection_stays_in_the_field(qtbot, open_window) -> None:
    window = open_window(wait_ready=False)
    _welcome(qtbot, window)
    welcome = window.welcome
    welcome.api_key.setText("the-key-that-was-rejected")  # what a rejected attempt leaves
    welcome.api_id.setFocus()
    _type(qtbot, "my-api-id")
    assert welcome.api_id.text() == "my-api-id" and welcome.api_id.hasFocus()

    # "ID:key" typed by hand is typing too: nothing split or moved until Connect.
    welcome.api_key.clear()
    welcome.api_id.clear()
    _type(qtbot, "abc:def")
    assert (welcome.api_id.text(), welcome.api_key.text()) == ("abc:def", "")
    assert welcome.api_id.hasFocus()

    # A paste is one change: both fields fill and the next step, Connect, gets the focus.
    welcome.api_id.clear()
    QApplication.clipboard().setText("the-id:the-key")
    welcome.api_id.paste()
    assert (welcome.api_id.text(), welcome.api_key.text()) == ("the-id", "the-key")
    assert welcome.connect_button.hasFocus()
