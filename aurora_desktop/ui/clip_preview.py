"""Listen to the voice clip before making the video: one button, ▶ Listen / ■ Stop."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QPushButton, QWidget

from aurora_desktop.jobs.model import is_link
from aurora_desktop.ui import media


class ListenButton(QPushButton):
    """Plays or stops the clip. Its player is made on first use (loading the media backend costs)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(self.tr("▶ Listen"))
        self.setAccessibleName(self.tr("Play or stop the voice clip"))
        self.setEnabled(False)
        self.clicked.connect(self._toggle)
        self._player: QMediaPlayer | None = None

    @property
    def _made_player(self) -> QMediaPlayer:
        if self._player is None:
            self._player = media.new_player(self)
            self._player.playbackStateChanged.connect(self._state)
        return self._player

    def set_source(self, source: str) -> None:
        """The clip to play (a local path or a link); the button becomes available."""
        self.setEnabled(True)
        self._made_player.setSource(QUrl(source) if is_link(source) else QUrl.fromLocalFile(source))

    def stop(self) -> None:
        if self._player is not None:
            media.stop(self._player)

    def reset(self) -> None:
        """No clip to play: stopped and unavailable."""
        self.stop()
        self.setEnabled(False)

    def release(self) -> None:
        """Let go of the media (the window closes)."""
        if self._player is not None:
            media.release(self._player)

    def _toggle(self) -> None:
        if self._made_player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.stop()
        else:
            media.play(self._made_player)

    def _state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.setText(self.tr("■ Stop") if playing else self.tr("▶ Listen"))
