"""Clicking the position bar jumps there (issue 10, defect 2: only dragging the handle worked)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtMultimedia import QMediaPlayer

from aurora_desktop.paths import resource
from aurora_desktop.ui.player import PlayerWidget


def test_a_click_on_the_position_bar_seeks_there(qtbot) -> None:
    widget = PlayerWidget()
    qtbot.addWidget(widget)
    widget.resize(960, 540)
    widget.show()
    if not widget.available:
        pytest.skip("no QtMultimedia backend: the player offers the system player instead")
    with qtbot.waitSignal(widget.player.durationChanged, timeout=10_000):
        widget.load(resource("samples", "clip.mp4"), autoplay=False)
    duration = widget.player.duration()
    bar = widget.seek
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=QPoint(int(bar.width() * 0.75), bar.height() // 2))
    assert abs(bar.value() - 0.75 * duration) < 0.1 * duration
    qtbot.waitUntil(lambda: abs(widget.player.position() - 0.75 * duration) < 0.1 * duration, timeout=5_000)
    widget.player.stop()
    assert widget.player.playbackState() == QMediaPlayer.PlaybackState.StoppedState
