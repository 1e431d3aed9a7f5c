"""“Type a script”: what the person says, and the voice that says it.

The editor counts characters against Creatify's limit and estimates the spoken
length (at the pace learnt from this user's own scripts, voices.learned_pace),
which the create panel turns into both prices. The picker searches and filters
the voices, plays each one's sample in the app, and keeps favourites and the
last voice in Settings. The list itself comes from the window (cached on disk,
refreshed on request): this widget never talks to the network.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from aurora_desktop.api.speech import SCRIPT_MAX, WORDS_PER_MINUTE, estimate_seconds
from aurora_desktop.formatting import plain_length, whole_seconds
from aurora_desktop.jobs.form import script_hold
from aurora_desktop.jobs.model import utcnow
from aurora_desktop.jobs.prepare import Script
from aurora_desktop.ui import theme
from aurora_desktop.ui.voice_player import VoicePlayer
from aurora_desktop.voices import VoiceChoice, accents, genders

VoiceRole = Qt.ItemDataRole.UserRole + 1


class ScriptPanel(QWidget):
    changed = Signal()  # the script, the voice or the option changed: the price follows
    voicesWanted = Signal(bool)  # the panel is shown (False) or Refresh was clicked (True)
    favouritesChanged = Signal(list)  # voice ids

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.voices: list[VoiceChoice] = []
        self.favourites: set[str] = set()
        self.pace: float = WORDS_PER_MINUTE
        self.script_max = SCRIPT_MAX  # this account's limit (jobs/limits.py); the window sets what was learnt
        self._wanted_voice = ""
        self.samples = VoicePlayer(self)  # each voice's sample, played in the app
        self.samples.playingChanged.connect(self._preview_state)

        self.editor = QPlainTextEdit(self)
        self.editor.setAccessibleName(self.tr("Script"))
        self.editor.setPlaceholderText(self.tr("Type what the person should say…"))
        self.editor.textChanged.connect(self._text_changed)
        self.editor.setMinimumHeight(48)
        self.count = QLabel(self)
        self.count.setObjectName("muted")
        self.count.setAccessibleName(self.tr("Script length"))
        self.count.setWordWrap(True)  # a long count wraps instead of narrowing the portrait beside it

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search voices"))
        self.search.setAccessibleName(self.tr("Search voices"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _: self._fill_list())
        self.gender = QComboBox(self)
        self.gender.setAccessibleName(self.tr("Voice gender"))
        self.gender.currentIndexChanged.connect(lambda _: self._fill_list())
        self.accent = QComboBox(self)
        self.accent.setAccessibleName(self.tr("Accent or language"))
        self.accent.currentIndexChanged.connect(lambda _: self._fill_list())
        self.only_favourites = QCheckBox(self.tr("★ only"), self)
        self.only_favourites.setToolTip(self.tr("Show only your favourite voices"))
        self.only_favourites.toggled.connect(lambda _: self._fill_list())
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Voices"))
        self.list.setMinimumHeight(60)
        self.list.currentItemChanged.connect(self._voice_changed)
        self.list.itemDoubleClicked.connect(lambda _item: self.toggle_preview())
        self.preview = QPushButton(self.tr("▶ Hear it"), self)
        self.preview.setAccessibleName(self.tr("Play a sample of the voice"))
        self.preview.clicked.connect(self.toggle_preview)
        self.favourite = QToolButton(self)
        self.favourite.setCheckable(True)
        self.favourite.setAccessibleName(self.tr("Favourite voice"))
        self.favourite.clicked.connect(self._toggle_favourite)
        self.refresh_voices = QToolButton(self)
        self.refresh_voices.setText("↻")
        self.refresh_voices.setToolTip(self.tr("Fetch the list of voices again"))
        self.refresh_voices.setAccessibleName(self.tr("Fetch the list of voices again"))
        self.refresh_voices.clicked.connect(lambda: self.voicesWanted.emit(True))
        self.status = QLabel(self.tr("Loading voices…"), self)
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        self.hear_first = QCheckBox(self.tr("Let me hear it first"), self)
        self.hear_first.setAccessibleName(self.tr("Let me hear the voice before the video is made"))
        self.hear_first.setToolTip(
            self.tr("The voice is made first (it costs its own credits); the video is requested when you say so.")
        )
        self.hear_first.toggled.connect(lambda _: self.changed.emit())

        for box in (self.gender, self.accent):  # never wider than a short word: the panel stays narrow
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(6)
        search = QHBoxLayout()
        search.addWidget(self.search, 1)
        search.addWidget(self.only_favourites)
        search.addWidget(self.refresh_voices)
        filters = QHBoxLayout()
        filters.addWidget(self.gender, 1)
        filters.addWidget(self.accent, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview)
        buttons.addWidget(self.favourite)
        buttons.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.editor, 2)
        layout.addWidget(self.count)
        layout.addLayout(search)
        layout.addLayout(filters)
        layout.addWidget(self.list, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.hear_first)
        self._fill_filters()
        self._text_changed()
        self._voice_changed()

    # ------------------------------------------------------------------ what it holds

    @property
    def text(self) -> str:
        return self.editor.toPlainText()

    @property
    def seconds(self) -> float:
        """The spoken length, estimated from the words at the learnt pace."""
        return estimate_seconds(self.text, self.pace)

    @property
    def voice(self) -> VoiceChoice | None:
        item = self.list.currentItem()
        return self._by_id(item.data(VoiceRole)) if item is not None else None

    def problem(self) -> tuple[str, bool]:
        """Why this script cannot be spoken yet: (sentence, whether it is a problem rather than a next step)."""
        hold = script_hold(self.text, self.voice is not None, self.script_max)
        return hold.message, hold.problem

    def script(self) -> Script | None:
        voice = self.voice
        if voice is None or self.problem()[0]:
            return None
        return Script(self.text, voice.id, voice.spoken_name, hear_first=self.hear_first.isChecked())

    # ------------------------------------------------------------------ the window fills it in

    def set_voices(self, voices: list[VoiceChoice], fetched_at: datetime | None = None, error: str = "") -> None:
        """A list of voices (cached or fresh); `error` says why a refresh failed (the old list stays)."""
        if voices:
            current = self.voice
            self._wanted_voice = current.id if current else self._wanted_voice
            self.voices = voices
            self._fill_filters()
        if error:
            self.status.setText(error)
            theme.set_state(self.status, "problem", True)
            return
        theme.set_state(self.status, "problem", False)
        if fetched_at is not None:
            age = max(0.0, (utcnow() - fetched_at).total_seconds())
            when = self.tr("just now") if age < 60 else self.tr("{age} ago").format(age=plain_length(age))
            self.status.setText(self.tr("{n} voices, fetched {when}.").format(n=len(self.voices), when=when))

    def set_favourites(self, ids: list[str]) -> None:
        self.favourites = set(ids)
        self._fill_list()

    def choose_voice(self, voice_id: str) -> None:
        """Select a voice (the last one used, or a reused take's) as soon as it is listed."""
        self._wanted_voice = voice_id
        self._fill_list()

    def set_pace(self, words_per_minute: float) -> None:
        self.pace = words_per_minute
        self._text_changed()

    def stop_preview(self) -> None:
        self.samples.stop()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.voicesWanted.emit(False)  # the first time it is seen, the window loads the list

    # ------------------------------------------------------------------ inside

    def _by_id(self, voice_id: str) -> VoiceChoice | None:
        return next((v for v in self.voices if v.id == voice_id), None)

    def _fill_filters(self) -> None:
        for box, any_label, values in (
            (self.gender, self.tr("Any voice"), genders(self.voices)),
            (self.accent, self.tr("Any accent"), accents(self.voices)),
        ):
            keep = box.currentData() or ""
            box.blockSignals(True)
            box.clear()
            box.addItem(any_label, "")
            for value in values:
                box.addItem(value.capitalize() if box is self.gender else value, value)
            box.setCurrentIndex(max(0, box.findData(keep)))
            box.blockSignals(False)
        self._fill_list()

    def _fill_list(self) -> None:
        current = self.voice
        wanted = self._wanted_voice or (current.id if current else "")
        self.list.blockSignals(True)
        self.list.clear()
        chosen: QListWidgetItem | None = None
        shown = [
            v
            for v in self.voices
            if v.matches(self.search.text(), self.gender.currentData() or "", self.accent.currentData() or "")
            and (not self.only_favourites.isChecked() or v.id in self.favourites)
        ]
        # Favourites first, each group in the service's order.
        for voice in sorted(shown, key=lambda v: v.id not in self.favourites):
            item = QListWidgetItem(("★ " if voice.id in self.favourites else "") + voice.label, self.list)
            item.setData(VoiceRole, voice.id)
            if voice.id == wanted:
                chosen = item
        self.list.blockSignals(False)
        if chosen is not None:
            self.list.setCurrentItem(chosen)
            self._wanted_voice = ""
        elif not self.voices:
            self.list.addItem(self.tr("Loading voices…"))
            self.list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        elif not shown:
            self.list.addItem(self.tr("No voice matches; clear the search or the filters."))
            self.list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        self._voice_changed()

    def _voice_changed(self, *_args: object) -> None:
        voice = self.voice
        self.preview.setEnabled(bool(voice and voice.preview_url))
        self.favourite.setEnabled(voice is not None)
        starred = voice is not None and voice.id in self.favourites
        self.favourite.setChecked(starred)
        self.favourite.setText("★" if starred else "☆")
        self.favourite.setToolTip(self.tr("Remove from favourites") if starred else self.tr("Add to favourites"))
        playing = self.samples.playing_url
        if playing and (voice is None or voice.preview_url != playing):
            self.stop_preview()
        self.changed.emit()

    def _toggle_favourite(self) -> None:
        voice = self.voice
        if voice is None:
            return
        self.favourites ^= {voice.id}
        self._wanted_voice = voice.id
        self.favouritesChanged.emit(sorted(self.favourites))
        self._fill_list()

    def _text_changed(self) -> None:
        length = len(self.text)
        seconds = self.seconds
        spoken = (
            self.tr("about {n} seconds of speech").format(n=max(1, whole_seconds(seconds)))
            if whole_seconds(seconds) < 60
            else self.tr("about {length} of speech").format(length=plain_length(whole_seconds(seconds)))
        )
        self.count.setText(
            self.tr("{count} / {limit} characters · {spoken}").format(
                count=f"{length:,}", limit=f"{self.script_max:,}", spoken=spoken if self.text.strip() else "—"
            )
        )
        theme.set_state(self.count, "problem", length > self.script_max)
        self.changed.emit()

    def set_script_max(self, limit: int) -> None:
        if limit != self.script_max:
            self.script_max = limit
            self._text_changed()

    def toggle_preview(self) -> None:
        voice = self.voice
        if voice is not None and voice.preview_url:
            self.samples.toggle(voice.preview_url)

    def _preview_state(self, playing: bool) -> None:
        self.preview.setText(self.tr("■ Stop") if playing else self.tr("▶ Hear it"))

    @property
    def preview_playing(self) -> bool:
        return self.samples.playing

    @property
    def _player(self) -> QMediaPlayer | None:
        """The media player behind the samples (made on the first one)."""
        return self.samples._player
