"""The embedded player, degrading to "Open in system player" when no backend loads."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QKeyEvent, QMouseEvent, QPixmap, QResizeEvent
from PySide6.QtMultimedia import QAudio, QAudioOutput, QMediaPlayer, QVideoFrame
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStackedLayout,
    QStyle,
    QStyleOptionSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from aurora_desktop.formatting import clock_text
from aurora_desktop.ui import icons, media

_AVAILABLE: list[bool] = []


class StillFrame(QLabel):
    """A picture shown where the video was, scaled to fit, on black."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("background: black;")
        self.setMinimumSize(1, 1)
        self.image = QImage()

    def show_image(self, image: QImage) -> None:
        self.image = image
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if not self.image.isNull():
            scaled = self.image.scaled(
                self.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            self.setPixmap(QPixmap.fromImage(scaled))


def multimedia_available() -> bool:
    """Whether a QtMultimedia backend loads. Asked once per process: the probe player
    is kept, not deleted while its backend may still be starting up."""
    if not _AVAILABLE:
        probe = media.made(QMediaPlayer(QApplication.instance()))
        _AVAILABLE.append(probe.isAvailable())
    return _AVAILABLE[0]


def loudness(level: int) -> float:
    """The output's linear volume (0..1) for the bar's level (0..100), on the logarithmic scale
    people hear: half-way along the bar sounds half as loud, not nearly as loud as the top."""
    return QAudio.convertVolume(
        level / 100, QAudio.VolumeScale.LogarithmicVolumeScale, QAudio.VolumeScale.LinearVolumeScale
    )


class SeekBar(QSlider):
    """A bar (position or volume) where a click jumps there (a plain QSlider only steps towards
    the click), and the handle can then be dragged on from the same press."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > self.minimum():
            option = QStyleOptionSlider()
            self.initStyleOption(option)
            style = self.style()
            handle = style.subControlRect(
                QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, self
            )
            if not handle.contains(event.position().toPoint()):
                groove = style.subControlRect(
                    QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove, self
                )
                x = int(event.position().x()) - groove.x() - handle.width() // 2
                value = QStyle.sliderValueFromPosition(
                    self.minimum(), self.maximum(), x, max(1, groove.width() - handle.width()), option.upsideDown
                )
                self.setValue(value)
                self.sliderMoved.emit(value)  # the player follows, as for a drag
        super().mousePressEvent(event)  # the handle is under the pointer now: a drag can go on


class PlayerWidget(QWidget):
    endOfMedia = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.tr("Video player"))
        self.path: Path | None = None
        self.ended = False  # played to the end: the last frame shows and the button replays
        # Made here, never in the media player's slots (they can run inside QMediaPlayer.stop()).
        self._icons = {name: icons.icon(name) for name in ("play", "pause", "replay", "speaker", "muted")}

        self.video = QVideoWidget(self)
        self.video.setMinimumHeight(200)
        self.video.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the player, also in full screen
        self.video.setMouseTracking(True)
        self.video.installEventFilter(self)
        self.setMouseTracking(True)
        self._hide_controls = QTimer(self)  # in full screen, the controls step aside while the video plays
        self._hide_controls.setSingleShot(True)
        self._hide_controls.setInterval(2500)
        self._hide_controls.timeout.connect(lambda: self._controls_visible(not self.is_full_screen()))
        self.placeholder = QLabel(self.tr("Your finished video plays here."), self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fallback = QWidget(self)
        fb = QVBoxLayout(self.fallback)
        self.fallback_text = QLabel(self.tr("Videos cannot be played inside the app on this computer."), self.fallback)
        self.fallback_text.setWordWrap(True)
        self.external = QPushButton(self.tr("Open in system player"), self.fallback)
        self.external.clicked.connect(self.open_external)
        fb.addWidget(self.fallback_text)
        fb.addWidget(self.external)
        # The last frame after the end (Qt's backend shows black there): a picture, not a seek
        # back in a finished player (that left the backend in a state where stop() could hang).
        self.still = StillFrame(self)
        self.stage = QStackedLayout()
        for w in (self.placeholder, self.video, self.fallback, self.still):
            self.stage.addWidget(w)
        self._last_frame: QVideoFrame | None = None

        self.play_button = QPushButton(icons.icon("play"), self.tr("Play"), self)
        self.play_button.setAccessibleName(self.tr("Play or pause"))
        self.play_button.clicked.connect(self.toggle)
        self.seek = SeekBar(self)
        self.seek.setAccessibleName(self.tr("Position"))
        self.time = QLabel("", self)  # empty until a video is shown: no "0:00 / 0:00" over nothing
        self.mute = QToolButton(self)  # the speaker: a click mutes, another brings the sound back
        self.mute.setCheckable(True)
        self.mute.setAutoRaise(True)
        self.mute.toggled.connect(self._muted)
        self.volume = SeekBar(self)
        self.volume.setAccessibleName(self.tr("Volume"))
        self.volume.setRange(0, 100)
        self.volume.setValue(80)
        self.volume.setMaximumWidth(100)
        self.volume.setMinimumWidth(50)
        self.seek.setMinimumWidth(120)  # narrow windows squeeze other things first, never the bar one aims at
        self.full = QPushButton(icons.icon("fullscreen"), self.tr("Full screen"), self)
        self.full.clicked.connect(self.toggle_fullscreen)
        controls = QHBoxLayout()
        for w in (self.play_button, self.seek, self.time, self.mute, self.volume, self.full):
            controls.addWidget(w, 1 if w is self.seek else 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.stage, 1)
        layout.addLayout(controls)

        # The media player is made when a video is first loaded: loading Qt's media backend
        # (FFmpeg) is not on the way to the window's first paint.
        self._player: QMediaPlayer | None = None
        self.audio: QAudioOutput | None = None
        self._muted(False)
        self.volume.valueChanged.connect(lambda _: self._apply_volume())
        self.seek.sliderMoved.connect(lambda position: media.seek(self.player, position))
        self._set_controls(False)

    @property
    def available(self) -> bool:
        """Whether videos play inside the app. Asked when first needed, not while the window is
        being built: the probe loads Qt's media backend (see check_backend)."""
        return multimedia_available()

    def check_backend(self) -> None:
        """Say at once, not at the first video, when videos cannot play here (called once the
        window is on screen)."""
        if not self.available and self.path is None:
            self.stage.setCurrentWidget(self.fallback)

    @property
    def player(self) -> QMediaPlayer:
        if self._player is None:
            player = self._player = media.made(QMediaPlayer(self))
            self.audio = media.made(QAudioOutput(self))
            self._apply_volume()
            player.setAudioOutput(self.audio)
            player.setVideoOutput(self.video)
            player.durationChanged.connect(self._duration)
            player.positionChanged.connect(self._position)
            player.playbackStateChanged.connect(self._state)
            player.mediaStatusChanged.connect(self._status)
            self.video.videoSink().videoFrameChanged.connect(self._frame)
            player.errorOccurred.connect(self._error)
        return self._player

    def _apply_volume(self) -> None:
        if self.audio is not None:
            media.set_volume(self.audio, 0.0 if self.mute.isChecked() else loudness(self.volume.value()))

    def _muted(self, muted: bool) -> None:
        self.mute.setIcon(self._icons["muted" if muted else "speaker"])
        self.mute.setAccessibleName(self.tr("Sound off: unmute") if muted else self.tr("Mute"))
        self.mute.setToolTip(self.mute.accessibleName())
        self._apply_volume()

    def _set_controls(self, on: bool) -> None:
        for w in (self.play_button, self.seek, self.full):
            w.setEnabled(on and self.available)
        self.external.setEnabled(self.path is not None)

    def load(self, path: Path, autoplay: bool = True) -> None:
        """Show `path`, playing at once or ready to play (a video selected in the library). The
        video already shown is not loaded again: it plays on from where it is."""
        if path == self.path and self._player is not None and self.stage.currentWidget() is not self.fallback:
            if autoplay and self.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState:
                self.toggle()
            return
        self.path = path
        self.ended = False
        self._last_frame = None
        self._set_controls(True)
        if not self.available:
            self.stage.setCurrentWidget(self.fallback)
            return
        self.stage.setCurrentWidget(self.video)
        self.player.setSource(QUrl.fromLocalFile(str(path)))
        if autoplay:
            media.play(self.player)

    def toggle(self) -> None:
        if self.ended:
            self.replay()
            return
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            media.pause(self.player)
        else:
            media.play(self.player)

    # Full screen: the whole player (video and controls) becomes a window of its own and comes
    # back into its place after, so keys reach it and the picture never gets lost in between.
    def is_full_screen(self) -> bool:
        return self.isWindow() and self.isFullScreen()

    def toggle_fullscreen(self) -> None:
        if self.is_full_screen():
            self.leave_fullscreen()
        elif self.path is not None:
            self.setWindowFlag(Qt.WindowType.Window, True)
            self.showFullScreen()
            self.setFocus()
            self.full.setText(self.tr("Exit full screen"))
            self._hide_controls.start()

    def leave_fullscreen(self) -> None:
        if not self.isWindow():
            return
        self._hide_controls.stop()
        self.setWindowFlag(Qt.WindowType.Window, False)
        self.showNormal()
        self.show()
        self._controls_visible(True)
        self.full.setText(self.tr("Full screen"))
        self.setFocus()

    def _controls_visible(self, shown: bool) -> None:
        for w in (self.play_button, self.seek, self.time, self.mute, self.volume, self.full):
            w.setVisible(shown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Over the picture: a double click toggles full screen; a move brings the controls back."""
        if watched is self.video:
            if event.type() == QEvent.Type.MouseButtonDblClick:
                self.toggle_fullscreen()
                return True
            if event.type() == QEvent.Type.MouseMove and self.is_full_screen():
                self._controls_visible(True)
                self._hide_controls.start()
        return super().eventFilter(watched, event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.is_full_screen():
            self._controls_visible(True)
            self._hide_controls.start()
        super().mouseMoveEvent(event)

    def open_external(self) -> None:
        if self.path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space:
            self.toggle()
        elif key == Qt.Key.Key_Right:
            media.seek(self.player, min(self.player.duration(), self.player.position() + 5000))
        elif key == Qt.Key.Key_Left:
            media.seek(self.player, max(0, self.player.position() - 5000))
        elif key == Qt.Key.Key_Up:
            self.volume.setValue(min(100, self.volume.value() + 10))
        elif key == Qt.Key.Key_Down:
            self.volume.setValue(max(0, self.volume.value() - 10))
        elif key == Qt.Key.Key_F:
            self.toggle_fullscreen()
        elif key == Qt.Key.Key_Escape and self.is_full_screen():
            self.leave_fullscreen()
        else:
            super().keyPressEvent(event)

    def _position(self, ms: int) -> None:
        if not self.seek.isSliderDown():
            self.seek.setValue(ms)
        self._show_time()

    def _duration(self, ms: int) -> None:
        self.seek.setRange(0, ms)
        self._show_time()

    def _show_time(self) -> None:
        if self.path is None:  # the media let go after a removal: the empty state has no clock
            self.time.setText("")
            return
        self.time.setText(f"{clock_text(self.player.position() / 1000)} / {clock_text(self.player.duration() / 1000)}")

    def _frame(self, frame: QVideoFrame) -> None:
        if frame.isValid():
            self._last_frame = frame  # a handle, not a copy; turned into a picture only at the end

    def _state(self, state: QMediaPlayer.PlaybackState) -> None:
        if state == QMediaPlayer.PlaybackState.PlayingState:
            self.ended = False
            if self.stage.currentWidget() is self.still:
                self.stage.setCurrentWidget(self.video)
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText(self.tr("Pause") if playing else self.tr("Replay") if self.ended else self.tr("Play"))
        self.play_button.setIcon(self._icons["pause" if playing else "replay" if self.ended else "play"])

    def _status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            # Qt's backend leaves a black picture after the end: show the last frame instead,
            # with Replay on the button.
            self.ended = True
            frame, self._last_frame = self._last_frame, None
            if frame is not None:
                self.still.show_image(frame.toImage())
                self.stage.setCurrentWidget(self.still)
            self.play_button.setText(self.tr("Replay"))
            self.play_button.setIcon(self._icons["replay"])
            self.endOfMedia.emit()

    def replay(self) -> None:
        self.ended = False
        media.seek(self.player, 0)
        media.play(self.player)

    def _error(self, _error: QMediaPlayer.Error, text: str) -> None:
        self.fallback_text.setText(self.tr("This video could not be played inside the app ({text}).").format(text=text))
        self.stage.setCurrentWidget(self.fallback)
        self.external.setEnabled(self.path is not None)

    def pause(self) -> None:
        if self._player is not None:
            media.pause(self._player)

    def stop(self) -> None:
        self._last_frame = None
        if self.stage.currentWidget() is self.still:
            self.stage.setCurrentWidget(self.video)
        if self._player is not None:  # nothing to stop in a player never made
            media.release(self._player)

    def release(self, path: Path) -> None:
        """Let go of `path` if it is the video shown (it is being removed)."""
        if self.path == path:
            self.clear()

    def clear(self) -> None:
        """Back to the empty state: the word where a video plays, no clock, no black box."""
        self.leave_fullscreen()
        self.stop()
        self.path = None
        self.ended = False
        self._set_controls(False)
        self.seek.setRange(0, 0)
        self.time.setText("")
        self.stage.setCurrentWidget(self.fallback if not self.available else self.placeholder)
