"""Hearing a script's voice before its video is paid for: what a job that stopped at
VOICE_READY shows. Listen (as often as wanted, from Creatify's link: nothing is
downloaded first), then make the video, or not now.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from aurora_desktop.api.catalog import cost_credits, get_model
from aurora_desktop.formatting import credits_text
from aurora_desktop.jobs.model import LocalJob
from aurora_desktop.ui.voice_player import VoicePlayer


class VoiceReadyDialog(QDialog):
    makeVideo = Signal(str)  # job id

    def __init__(self, job: LocalJob, player: VoicePlayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.player = player
        self.setWindowTitle(self.tr("The voice is ready"))
        self.setMinimumWidth(440)
        seconds = job.audio_seconds or 0.0
        video = cost_credits(get_model(job.model), seconds)
        text = QLabel(
            self.tr(
                "The voice for “{name}” is ready: {seconds:.0f} seconds, spoken by {voice}.\n\n"
                "Listen to it. If it sounds right, make the video ({video} credits on {model})."
            ).format(
                name=job.name,
                seconds=seconds,
                voice=job.voice_name or self.tr("the chosen voice"),
                video=credits_text(video),
                model=get_model(job.model).label,
            ),
            self,
        )
        text.setWordWrap(True)
        self.listen = QPushButton(self.tr("▶ Listen"), self)
        self.listen.setAccessibleName(self.tr("Listen to the voice"))
        self.listen.clicked.connect(lambda: self.player.toggle(job.audio.source))
        player.playingChanged.connect(self._playing)
        buttons = QDialogButtonBox(self)
        self.make = buttons.addButton(self.tr("Make the video"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.make.setObjectName("primary")
        buttons.addButton(self.tr("Not now"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._make)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.listen)
        layout.addWidget(buttons)

    def _playing(self, playing: bool) -> None:
        self.listen.setText(self.tr("■ Stop") if playing else self.tr("▶ Listen"))

    def _make(self) -> None:
        self.player.stop()
        self.makeVideo.emit(self.job.id)
        self.accept()

    def done(self, result: int) -> None:
        self.player.stop()
        self.player.playingChanged.disconnect(self._playing)
        super().done(result)
