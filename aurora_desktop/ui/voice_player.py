"""One voice clip at a time, played in the app from its link: a voice's sample in the
picker, a script's speech in the library and the voice-ready dialog."""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtMultimedia import QMediaPlayer

from aurora_desktop.ui import media


class VoicePlayer(QObject):
    """One speech at a time; made on first use (loading the media backend costs)."""

    playingChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._player: QMediaPlayer | None = None

    @property
    def playing_url(self) -> str:
        """The link being played now, or "" when nothing plays."""
        return self._player.source().toString() if self._player is not None and self.playing else ""

    @property
    def playing(self) -> bool:
        return bool(self._player and self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState)

    def toggle(self, url: str) -> None:
        if self._player is None:
            self._player = media.new_player(self)
            self._player.playbackStateChanged.connect(
                lambda state: self.playingChanged.emit(state == QMediaPlayer.PlaybackState.PlayingState)
            )
        if self.playing and self._player.source() == QUrl(url):
            media.stop(self._player)
            return
        self._player.setSource(QUrl(url))
        media.play(self._player)

    def stop(self) -> None:
        if self._player is not None:
            media.stop(self._player)

    def release(self) -> None:
        """Stop and let go of the media (before the window closes: ui/media.py says why)."""
        if self._player is not None:
            media.release(self._player)
