"""Calls that change a QMediaPlayer's playback, made with Python's lock (the GIL) let go.

Why this exists: PySide6 keeps the GIL through QMediaPlayer.play(), pause(), stop()
and setPosition() (its typesystem lets it go only for setSource()). Qt's FFmpeg
backend builds and tears down its renderers on its own threads. A renderer's
destructor, holding Qt's signal lock, tells the player's and audio output's Python
wrappers it disconnected (a virtual call that takes the GIL), while the GUI thread,
inside stop() with the GIL held, waits for that same signal lock: both wait for ever.
Measured: the app froze in about 1 of 90 stops of a playing video (seen as the test
suite hanging on CI, and once as the window not closing).

QMetaObject.invokeMethod lets the GIL go for the call (PySide's typesystem says so)
and, with a direct connection, runs it at once on this thread, so callers keep the
ordinary meaning of play/pause/stop/seek. Every call that changes playback goes
through here; reading state (position(), playbackState()) takes no signal lock.

That covers the GUI thread's own calls; `made()` (media/qt_threads.py, shared with the
decoder and the sandbox's encoder) keeps FFmpeg's threads from needing the GIL at all.
"""

from __future__ import annotations

from PySide6.QtCore import Q_ARG, QObject, QUrl
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

from aurora_desktop.media.qt_threads import call as _call
from aurora_desktop.media.qt_threads import made

__all__ = ["made", "new_player", "pause", "play", "release", "seek", "set_volume", "stop"]


def new_player(parent: QObject) -> QMediaPlayer:
    """A player with its own audio output, both through made(): the one way the app makes them."""
    player = made(QMediaPlayer(parent))
    player.setAudioOutput(made(QAudioOutput(player)))
    return player


def release(player: QMediaPlayer) -> None:
    """Stop and let go of the media: the backend's threads end now, while setSource() lets the
    GIL go, not when the player is destroyed (at exit, with the GIL held)."""
    stop(player)
    player.setSource(QUrl())


def play(player: QMediaPlayer) -> None:
    _call(player, "play")


def pause(player: QMediaPlayer) -> None:
    _call(player, "pause")


def stop(player: QMediaPlayer) -> None:
    _call(player, "stop")


def seek(player: QMediaPlayer, position_ms: int) -> None:
    _call(player, "setPosition", Q_ARG("qint64", int(position_ms)))


def set_volume(output: QAudioOutput, volume: float) -> None:
    """0..1. A volume change reaches the audio renderer's thread under Qt's signal lock too."""
    _call(output, "setVolume", Q_ARG("float", float(volume)))
