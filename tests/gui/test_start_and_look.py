"""Issue 23, items 2, 17, 18: keys typed by hand stay where they are typed; no stock Qt parts in
sight; icons and the welcome link follow a live light/dark switch."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from aurora_desktop.ui import theme
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


def _ink(picture: QPixmap | QIcon) -> str:
    """The colour an icon is drawn in: its most opaque pixel's."""
    image = (picture.pixmap(QSize(24, 24), 2.0) if isinstance(picture, QIcon) else picture).toImage()
    pixels = (image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height()))
    return max(pixels, key=QColor.alpha).name()


def _link_contrast(frame: QFrame, label: QLabel) -> float:
    """The contrast of a link as painted: its page grabbed, the link's colour (the commonest
    saturated one) against the background (the commonest of all) under the label."""
    image: QImage = frame.grab(label.geometry()).toImage()
    counts = Counter(image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height()))
    background = counts.most_common(1)[0][0]
    link = next(c for c, _ in counts.most_common() if QColor(c).hsvSaturationF() > 0.3 and c != background)
    return theme.contrast(link, background)


def test_icons_and_the_welcome_link_follow_a_live_theme_switch(qtbot, open_window) -> None:
    window = open_window(wait_ready=False)
    _welcome(qtbot, window)
    account = window.welcome.findChild(QFrame, "welcome-account")
    links = [label for label in account.findChildren(QLabel) if "<a " in label.text()]
    assert len(links) == 2  # where the keys are, and "More settings…"
    settings_button = next(
        b for b in window.findChildren(QToolButton) if b.defaultAction() and "Settings" in b.defaultAction().text()
    )
    drawn = {
        "the toolbar's Settings": lambda: settings_button.icon(),
        "the player's Play": lambda: window.player.play_button.icon(),
        "the voice tab": lambda: window.create_panel.voice_tabs.tabIcon(0),
        "the script tab": lambda: window.create_panel.voice_tabs.tabIcon(1),
    }
    zone_icon = window.create_panel.image_zone.icon
    try:
        for choice in ("light", "dark", "light"):
            window.theme.set_choice(choice)
            qtbot.wait(50)  # the switch's events delivered, the page painted again
            now = theme.current()
            assert now.name == choice
            for label in links:
                assert _link_contrast(account, label) >= 4.5, (choice, label.text())
            for name, icon in drawn.items():
                assert _ink(icon()) == now.text, (choice, name)
            assert _ink(zone_icon.pixmap()) == now.muted, choice
    finally:
        window.theme.set_choice("system")
