"""The create panel: portrait and voice in, price shown, Generate."""

from __future__ import annotations

import asyncio
import math
from array import array
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QImage,
    QImageReader,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
    QShortcut,
)
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from aurora_desktop.api.catalog import CATALOG, DEFAULT_MODEL, ModelSpec, cost_credits, get_model
from aurora_desktop.api.models import GUIDANCE_MAX, GUIDANCE_MIN
from aurora_desktop.api.speech import speech_credits
from aurora_desktop.formatting import credits_text, plain_length
from aurora_desktop.jobs.blockers import NAME_LIMIT, BlockerCode, blockers_for
from aurora_desktop.jobs.model import InputKind, is_link
from aurora_desktop.jobs.share_links import direct_link, image_link_copy
from aurora_desktop.settings import Sharing
from aurora_desktop.ui import icons, media, theme
from aurora_desktop.ui.sharing import SharingChoice
from aurora_desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from aurora_desktop.jobs.prepare import Script
    from aurora_desktop.media.inspect import AudioFacts, ImageFacts
    from aurora_desktop.ui.script_panel import ScriptPanel

# Reading a dropped file (jobs/prepare.py: Pillow, Qt's audio decoder, the link fetcher) is
# imported where it is first done, not with this module: the window's first paint needs none
# of it, and by the time a file is dropped the engine has usually loaded it already.

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".heic", ".heif", ".gif", ".bmp", ".tif", ".tiff"}
# Every format the app takes or converts (WhatsApp's .opus, iPhone's .m4a, a video's sound):
# the file chooser lists exactly these, so nothing that works is hidden.
AUDIO_SUFFIXES = {".mp3", ".wav", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac", ".mp4", ".mov", ".webm", ".wma"}
IMAGE_FILTER = f"Photos ({' '.join('*' + s for s in sorted(IMAGE_SUFFIXES))});;All files (*)"
AUDIO_FILTER = f"Voice and music ({' '.join('*' + s for s in sorted(AUDIO_SUFFIXES))});;All files (*)"


@dataclass
class CreateSpec:
    image: str
    audio: str  # a clip (path or link); "" for a script
    model: str
    name: str
    text_prompt: str | None
    guidance: float | None
    script: Script | None = None  # a script to be spoken first, or the script of a reused speech (`audio` its link)


def kind_of(url: QUrl) -> InputKind | None:
    """Which input a dropped local file or link is, by its suffix."""
    path = url.toLocalFile() if url.isLocalFile() else url.path()
    suffix = Path(path).suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return InputKind.IMAGE
    if suffix in AUDIO_SUFFIXES:
        return InputKind.AUDIO
    return None


def source_of(url: QUrl) -> str:
    return url.toLocalFile() if url.isLocalFile() else url.toString()


def read_thumbnail(path: str, size: QSize, box: int = 220) -> QImage:
    """Decode at thumbnail size (safe on a worker thread: QImage, not QPixmap)."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    reader.setScaledSize(size.scaled(box, box, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


def read_converted_thumbnail(path: str, background: str, box: int = 220) -> QImage:
    """The thumbnail of a photo that is converted before sending, made by the same conversion
    (media/photo.py), so the preview is exactly what is sent."""
    from aurora_desktop.media import photo

    picture = photo.preview(Path(path).read_bytes(), box, background)
    data = picture.tobytes()
    return QImage(data, picture.width, picture.height, 3 * picture.width, QImage.Format.Format_RGB888).copy()


class Waveform(QWidget):
    """Peaks of the clip, drawn once per resize."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.peaks: list[float] = []
        self.setMinimumHeight(40)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Waveform of the voice clip"))

    def set_samples(self, samples: array | None, bars: int = 160) -> None:
        self.peaks = []
        if samples:
            step = max(1, len(samples) // bars)
            peaks = [
                max(abs(min(samples[i : i + step])), abs(max(samples[i : i + step])))
                for i in range(0, len(samples), step)
            ]
            top = max(peaks) or 1
            self.peaks = [p / top for p in peaks]
        self.update()

    def paintEvent(self, event) -> None:
        if not self.peaks:
            return
        painter = QPainter(self)
        colour = self.palette().color(QPalette.ColorRole.Highlight)
        w, h = self.width(), self.height()
        bar = w / len(self.peaks)
        for i, peak in enumerate(self.peaks):
            height = max(1, int(peak * (h - 4)))
            painter.fillRect(int(i * bar), (h - height) // 2, max(1, int(bar) - 1), height, colour)


class DropZone(QFrame):
    """One input: drop, click to browse, or paste a link."""

    chosen = Signal(str)  # a local path or a link

    def __init__(self, kind: InputKind, title: str, file_filter: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.file_filter = file_filter
        self.setAcceptDrops(True)
        self.setObjectName("dropzone")  # the sheet draws it: a dashed outline, lit under a drag
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(title)
        self.title = QLabel(title, self)
        self.title.setObjectName("dropzone-title")
        self.icon = QLabel(self)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.icon.setPixmap(icons.pixmap("photo" if kind is InputKind.IMAGE else "voice", 40, "muted"))
        self.hint = QLabel(self.tr("Drop a file here, click to choose one, or paste a link below."), self)
        self.hint.setObjectName("dropzone-hint")
        self.hint.setWordWrap(True)
        self.preview = QLabel(self)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.facts = QLabel(self)
        self.facts.setWordWrap(True)
        self.warning = QLabel(self)
        self.warning.setWordWrap(True)
        self.warning.setProperty("problem", True)
        self.warning.setAccessibleName(self.tr("{title} problem").format(title=title))
        self.link = QLineEdit(self)
        self.link.setPlaceholderText(self.tr("…or paste a link (https://…)"))
        self.link.setAccessibleName(self.tr("{title} link").format(title=title))
        # Enter, Tab or a click elsewhere takes the link, once (editingFinished fires on any of them).
        self.link.editingFinished.connect(self._take_link)
        browse = QPushButton(self.tr("Choose file…"), self)
        browse.setAccessibleName(self.tr("Choose {kind} file").format(kind=kind))
        browse.clicked.connect(self.browse)
        self.extra = QVBoxLayout()
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)  # the title stays at the top, the link row at the bottom,
        layout.addStretch(1)  # and what the zone shows sits in the middle
        layout.addWidget(self.icon)
        layout.addWidget(self.hint)
        layout.addWidget(self.preview)
        layout.addLayout(self.extra)
        layout.addWidget(self.facts)
        layout.addWidget(self.warning)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.link, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self._dialog: QFileDialog | None = None
        self._taken_link = ""
        self.note = ""  # about the link that will be sent, shown above the facts

    def browse(self) -> None:
        # open() + a signal, never exec(): a nested modal loop inside qasync deadlocks.
        self._dialog = QFileDialog(self, self.tr("Choose a file"), "", self.file_filter)
        self._dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        self._dialog.fileSelected.connect(self.chosen.emit)
        self._dialog.open()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.browse()

    def _take_link(self) -> None:
        text = self.link.text().strip()
        if text and text != self._taken_link:
            self._taken_link = text
            self.chosen.emit(text)

    def keyPressEvent(self, event) -> None:
        # Only keys pressed on the zone itself browse; Enter in the link field is the field's.
        if self.hasFocus() and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.browse()
        else:
            super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()
            theme.set_state(self, "dragover", True)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        theme.set_state(self, "dragover", False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        theme.set_state(self, "dragover", False)
        mime = event.mimeData()
        if mime.hasUrls():
            self.chosen.emit(source_of(mime.urls()[0]))
        elif mime.hasText():
            self.chosen.emit(mime.text().strip())
        event.acceptProposedAction()

    def show_state(self, facts: str = "", warning: str = "", pixmap: QPixmap | None = None) -> None:
        self.facts.setText("\n".join(t for t in (self.note, facts) if t) if facts or warning else "")
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        self.preview.setPixmap(pixmap or QPixmap())
        self.preview.setVisible(pixmap is not None)
        self.hint.setVisible(not facts and not warning)
        self.icon.setVisible(not facts and not warning and pixmap is None)

    def show_thumbnail(self, pixmap: QPixmap) -> None:
        self.preview.setPixmap(pixmap)
        self.preview.setVisible(True)


class CreatePanel(QWidget):
    generateRequested = Signal(object)  # CreateSpec
    sharingChosen = Signal(str)  # a Sharing value, from the inline "how will Creatify get your files?"
    scriptPanelMade = Signal(QWidget)  # the ScriptPanel, made the first time it is needed

    def __init__(self, tasks: TaskRunner, work_dir: Path, photo_background: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.work_dir = work_dir
        self.setAcceptDrops(True)
        self.image_source: str | None = None
        self.audio_source: str | None = None
        self.image_facts: ImageFacts | None = None
        self.audio_facts: AudioFacts | None = None
        self.image_error = ""
        self.audio_error = ""
        self.remaining: Decimal | None = None  # exact: credits can be fractional
        self.busy = False
        self.sharing_ready = True  # local files can reach Creatify (the window says when not)
        self.silence_accepted = False  # the user chose to use a (mostly) silent clip anyway
        self.photo_background = photo_background  # fills a transparent photo (Settings → Videos)
        self.demo = False  # the balance is the demo's, not money

        self.image_zone = DropZone(InputKind.IMAGE, self.tr("Portrait"), IMAGE_FILTER, self)
        self.image_zone.chosen.connect(self.set_image)
        self.audio_zone = DropZone(InputKind.AUDIO, self.tr("Voice"), AUDIO_FILTER, self)
        self.audio_zone.chosen.connect(self.set_audio)
        self.waveform = Waveform(self.audio_zone)
        self.listen = QPushButton(self.tr("▶ Listen"), self.audio_zone)
        self.listen.setAccessibleName(self.tr("Play or stop the voice clip"))
        self.listen.setEnabled(False)
        self.listen.clicked.connect(self._toggle_listen)
        self.audio_zone.extra.addWidget(self.waveform)
        self.audio_zone.extra.addWidget(self.listen)
        self._preview: QMediaPlayer | None = None  # made on first use (loading the media backend costs)
        self.reused_speech: Script | None = None  # "another take": the clip is this speech's link
        self.reused_speech_link = ""

        # Two ways to give the voice: a clip (a file, a recording, a link) or a script
        # Creatify speaks (a Creatify link: nothing to upload).
        # The script tab's panel (voices, filters, editor) is made the first time it is
        # needed: most starts never open it, and it is the costliest part of the window.
        self.script_page = QWidget(self)
        QVBoxLayout(self.script_page).setContentsMargins(0, 0, 0, 0)
        self._script_panel: ScriptPanel | None = None
        self.voice_tabs = QTabWidget(self)
        self.voice_tabs.setDocumentMode(True)
        self.voice_tabs.setAccessibleName(self.tr("How to give the voice"))
        self.voice_tabs.addTab(self.audio_zone, icons.icon("voice"), self.tr("Voice clip"))
        self.voice_tabs.addTab(self.script_page, icons.icon("script"), self.tr("Type a script"))
        self.voice_tabs.currentChanged.connect(self._voice_way_changed)
        self.audio_zone.title.setVisible(False)  # the tab says what it is

        self.model_box = QComboBox(self)
        # The choices are long sentences: the closed box shows what fits (the list shows all),
        # so it never sets the window's minimum width.
        self.model_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.model_box.setMinimumContentsLength(24)
        self.model_box.view().setMinimumWidth(460)
        self.model_box.setAccessibleName(self.tr("Model"))
        for spec in CATALOG:
            note = "" if spec.documented else self.tr(" (newer model)")
            price = (
                self.tr("1 credit per second")
                if spec.credits_per_second == 1
                else self.tr("{price} credits per second").format(price=credits_text(spec.credits_per_second))
            )
            self.model_box.addItem(
                self.tr("{label} — {output}, {price}, clips up to {limit}{note}").format(
                    label=spec.label,
                    output=spec.output,
                    price=price,
                    limit=plain_length(spec.max_audio_seconds),
                    note=note,
                ),
                spec.key,
            )
        self.model_box.currentIndexChanged.connect(lambda _: self.refresh())
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName(self.tr("Video name"))
        self.name_edit.setMaxLength(NAME_LIMIT)
        self.name_edit.setPlaceholderText(self.tr("Name of the video"))
        # The name follows the voice clip until the user types one (textEdited: typing only).
        self.name_typed = False
        self.name_edit.textEdited.connect(lambda text: setattr(self, "name_typed", bool(text.strip())))
        self.prompt_edit = QPlainTextEdit(self)
        self.prompt_edit.setAccessibleName(self.tr("Text prompt"))
        self.prompt_edit.setPlaceholderText(
            self.tr("Optional: style, camera, lighting or motion (e.g. “warm light, slight smile”)")
        )
        self.prompt_edit.setMaximumHeight(70)
        self.guidance = QDoubleSpinBox(self)
        self.guidance.setAccessibleName(self.tr("Prompt guidance"))
        self.guidance.setRange(GUIDANCE_MIN, GUIDANCE_MAX)
        self.guidance.setSingleStep(0.5)
        self.guidance.setValue(1.0)
        # A disclosure arrow rather than a checkable group box: closed, it takes one
        # line and draws no empty frame; open, prompt and guidance are sent.
        self.advanced = QToolButton(self)
        self.advanced.setText(self.tr("Advanced"))
        self.advanced.setAccessibleName(self.tr("Show advanced options"))
        self.advanced.setCheckable(True)
        self.advanced.setAutoRaise(True)
        self.advanced.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_options = QWidget(self)
        adv = QFormLayout(self.advanced_options)
        adv.setContentsMargins(0, 0, 0, 0)
        adv.addRow(self.tr("Prompt"), self.prompt_edit)
        self.guidance.setToolTip(
            self.tr(
                "How strictly the video follows your prompt: {low:g} loosely, {high:g} strictly. "
                "1 is Creatify's usual setting."
            ).format(low=GUIDANCE_MIN, high=GUIDANCE_MAX)
        )
        adv.addRow(self.tr("Follow the prompt"), self.guidance)
        hint = QLabel(self.tr("{low:g} = loosely … {high:g} = strictly").format(low=GUIDANCE_MIN, high=GUIDANCE_MAX))
        hint.setObjectName("muted")
        adv.addRow("", hint)
        self.advanced_options.setVisible(False)
        self.advanced.toggled.connect(self._show_advanced)

        self.price = QLabel(self)
        self.price.setObjectName("price")
        self.price.setAccessibleName(self.tr("Price"))
        self.price.setWordWrap(True)
        self.generate_button = QPushButton(self.tr("Generate video"), self)
        self.generate_button.setObjectName("primary")
        self.generate_button.setIcon(icons.icon("sparkle", "accent_text"))
        self.generate_button.setAccessibleName(self.tr("Generate video"))
        self.generate_button.setDefault(True)
        self.generate_button.clicked.connect(self.generate)
        self.sharing = SharingChoice(self)
        self.sharing.chosen.connect(self._sharing_chosen)
        self.sharing.setVisible(False)
        self.reason = QLabel(self)
        self.reason.setWordWrap(True)
        self.reason.setAccessibleName(self.tr("Why Generate is not available"))

        zones = QHBoxLayout()
        zones.addWidget(self.image_zone, 1)
        zones.addWidget(self.voice_tabs, 1)
        form = QFormLayout()
        form.addRow(self.tr("Model"), self.model_box)
        form.addRow(self.tr("Name"), self.name_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(zones, 1)
        layout.addLayout(form)
        layout.addWidget(self.advanced, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.advanced_options)
        layout.addWidget(self.price)
        layout.addWidget(self.sharing)
        # Shown for a few seconds after Esc cleared the form.
        self.undo_clear = QPushButton(self.tr("Undo clear"), self)
        self.undo_clear.setVisible(False)
        self.undo_clear.clicked.connect(self._undo)
        self._undo_snapshot: tuple[str, str, str, str, str | None, float | None] | None = None
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.setInterval(10_000)
        self._undo_timer.timeout.connect(lambda: self.undo_clear.setVisible(False))
        # A mostly silent clip is a problem the user may overrule (a deliberate pause, music).
        self.use_anyway = QPushButton(self.tr("Use it anyway"), self)
        self.use_anyway.setAccessibleName(self.tr("Use the silent clip anyway"))
        self.use_anyway.setVisible(False)
        self.use_anyway.clicked.connect(self._accept_silence)
        row = QHBoxLayout()
        row.addWidget(self.reason, 1)
        row.addWidget(self.use_anyway)
        row.addWidget(self.undo_clear)
        row.addWidget(self.generate_button)
        layout.addLayout(row)

        QShortcut(QKeySequence.StandardKey.Open, self, activated=self._open_next)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.generate)
        QShortcut(QKeySequence("Ctrl+Enter"), self, activated=self.generate)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self._escape)
        self.refresh()

    # ------------------------------------------------------------------ state

    @property
    def model(self) -> ModelSpec:
        return get_model(self.model_box.currentData() or DEFAULT_MODEL)

    def set_model(self, key: str) -> None:
        index = self.model_box.findData(get_model(key).key)
        if index >= 0:
            self.model_box.setCurrentIndex(index)

    def set_credits(self, remaining: Decimal | None) -> None:
        self.remaining = remaining
        self.refresh()

    def set_sharing_ready(self, ready: bool) -> None:
        self.sharing_ready = ready
        self.refresh()

    def set_demo(self, demo: bool) -> None:
        self.demo = demo
        self.refresh()

    @property
    def script_mode(self) -> bool:
        """The voice is a typed script (the second tab), not a clip."""
        return self.voice_tabs.currentWidget() is self.script_page

    @property
    def script_panel(self) -> ScriptPanel:
        if self._script_panel is None:
            from aurora_desktop.ui.script_panel import ScriptPanel

            panel = self._script_panel = ScriptPanel(self.script_page)
            layout = self.script_page.layout()
            assert layout is not None
            layout.addWidget(panel)
            panel.changed.connect(self._script_changed)
            self.scriptPanelMade.emit(panel)
        return self._script_panel

    @property
    def made_script_panel(self) -> ScriptPanel | None:
        """The script panel if it was made (asking never makes it)."""
        return self._script_panel

    def show_script(self) -> None:
        """Open the "Type a script" tab."""
        self.voice_tabs.setCurrentWidget(self.script_page)

    @property
    def has_local_files(self) -> bool:
        sources = (self.image_source,) if self.script_mode else (self.image_source, self.audio_source)
        return any(source and not is_link(source) for source in sources)

    def _voice_way_changed(self, _index: int) -> None:
        self._stop_listening()
        if self.script_mode:
            self.script_panel  # noqa: B018 (made now, as its tab shows)
        elif self._script_panel is not None:
            self._script_panel.stop_preview()
        if not self.name_typed:
            self._name_from_voice()
        self.refresh()

    def _script_changed(self) -> None:
        if self.script_mode and not self.name_typed:
            self._name_from_voice()
        self.refresh()

    def _name_from_voice(self) -> None:
        """The name follows the voice (the clip's file name, or the script's first words)
        until the user types one."""
        if self.script_mode:
            name = " ".join(self.script_panel.text.split()[:6])
        elif self.audio_source:
            source = self.audio_source
            name = Path(QUrl(source).path() if is_link(source) else source).stem
        else:
            name = ""
        self.name_edit.setText(name[:NAME_LIMIT])

    def _sharing_chosen(self, choice: str) -> None:
        if choice == Sharing.LINKS:
            # Files already online: take the local ones out and put the cursor where a link goes.
            first = None
            if self.image_source and not is_link(self.image_source):
                self._forget(InputKind.IMAGE)
                first = self.image_zone
            if self.audio_source and not is_link(self.audio_source):
                self._forget(InputKind.AUDIO)
                first = first or self.audio_zone
            if first is not None:
                first.link.setFocus()
            self.refresh()
            return
        self.sharingChosen.emit(choice)

    def _accept_silence(self) -> None:
        self.silence_accepted = True
        self.refresh()

    def _forget(self, kind: InputKind) -> None:
        if kind is InputKind.IMAGE:
            self.tasks.cancel("inspect-image")
            self.image_source, self.image_facts, self.image_error = None, None, ""
            self.image_zone.show_state()
        else:
            self.tasks.cancel("inspect-audio")
            self._stop_listening()
            self.audio_source, self.audio_facts, self.audio_error = None, None, ""
            self.audio_zone.show_state()
            self.waveform.set_samples(None)
            self.listen.setEnabled(False)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.refresh()

    def clear(self) -> None:
        # A check still running would fill in the inputs just cleared.
        self.tasks.cancel("inspect-image")
        self.tasks.cancel("inspect-audio")
        self._stop_listening()
        self.image_source = self.audio_source = None
        self.image_facts = self.audio_facts = None
        self.image_error = self.audio_error = ""
        self.image_zone.show_state()
        self.audio_zone.show_state()
        for zone in (self.image_zone, self.audio_zone):
            zone.link.clear()
            zone._taken_link = ""
        self.waveform.set_samples(None)
        self.listen.setEnabled(False)
        self.name_edit.clear()
        self.name_typed = False
        self.refresh()

    def _escape(self) -> None:
        """Esc clears the form, but not while a text field has the keys (there Esc is the
        field's), and the clear can be undone for a few seconds."""
        if isinstance(QApplication.focusWidget(), QLineEdit | QPlainTextEdit | QAbstractSpinBox):
            return
        if not (self.image_source or self.audio_source):
            return
        advanced = self.advanced.isChecked()
        prompt = self.prompt_edit.toPlainText().strip() if advanced else None
        snapshot = (
            self.image_source or "",
            self.audio_source or "",
            self.model.key,
            self.name_edit.text(),
            prompt or None,
            self.guidance.value() if advanced else None,
        )
        self.clear()
        self._undo_snapshot = snapshot
        self.undo_clear.setVisible(True)
        self._undo_timer.start()

    def _undo(self) -> None:
        self._undo_timer.stop()
        self.undo_clear.setVisible(False)
        if self._undo_snapshot is not None:
            image, audio, model, name, prompt, guidance = self._undo_snapshot
            self._undo_snapshot = None
            self.fill(image, audio, model, name, prompt, guidance)

    def fill(self, image: str, audio: str, model: str, name: str, prompt: str | None, guidance: float | None) -> None:
        """ "Make again": the same inputs, ready to check and generate."""
        self.set_model(model)
        self.name_edit.setText(name)
        self.name_typed = bool(name)  # a name given (or typed before Esc) stays
        self.prompt_edit.setPlainText(prompt or "")
        if prompt or guidance is not None:
            self.advanced.setChecked(True)
        if guidance is not None:
            self.guidance.setValue(guidance)
        self.set_image(image)
        self.set_audio(audio)

    # ------------------------------------------------------------------ inputs

    def _sendable(self, zone: DropZone, source: str) -> str:
        """A share link (Dropbox, Drive, OneDrive, Box) becomes the link that gives the file;
        the zone shows which link will be sent."""
        zone.note = ""
        link = direct_link(source) if is_link(source) else None
        if link is None or not link.changed:
            return source
        shown = link.direct if len(link.direct) <= 56 else f"{link.direct[:38]}…{link.direct[-14:]}"
        zone.note = self.tr("{service} link: the app sends the file itself, {link}").format(
            service=link.service, link=shown
        )
        zone.link.setText(link.direct)
        zone._taken_link = link.direct
        return link.direct

    def set_image(self, source: str) -> None:
        if not source:
            return
        source = self._sendable(self.image_zone, source)
        self.image_source, self.image_facts, self.image_error = source, None, ""
        self.image_zone.show_state(self.tr("Checking…"))
        self.refresh()
        self.tasks.spawn(self._inspect_image(source), key="inspect-image")

    async def _inspect_image(self, source: str) -> None:
        from aurora_desktop.jobs.prepare import inspect_image_source
        from aurora_desktop.media.inspect import InputError

        try:
            facts = await inspect_image_source(source, self.work_dir)
        except InputError as exc:
            self.image_error = exc.message
            self.image_zone.show_state(warning=exc.message)
            self.refresh()
            return
        self.image_facts = facts
        text = self.tr("{w} × {h} px {fmt}. The video will have this shape ({shape}).").format(
            w=facts.width, h=facts.height, fmt=facts.format, shape=facts.shape
        )
        if facts.changes:  # one line saying what is done to it before it is sent
            text += "\n" + self.tr("Before sending: {changes}.").format(changes=", ".join(facts.changes))
        self.image_zone.show_state(text)
        self.refresh()
        # The thumbnail follows: a big photo is decoded off the Qt thread (only the
        # pixmap is made here), and the facts and price need not wait for it.
        if is_link(source):
            copy = image_link_copy(source, self.work_dir)
            image = await asyncio.to_thread(read_thumbnail, str(copy), QSize(facts.width, facts.height))
            self.image_zone.show_thumbnail(QPixmap.fromImage(image))
        else:
            if facts.changes:
                image = await asyncio.to_thread(read_converted_thumbnail, source, self.photo_background)
            else:
                image = await asyncio.to_thread(read_thumbnail, source, QSize(facts.width, facts.height))
            self.image_zone.show_thumbnail(QPixmap.fromImage(image))  # a newer choice or Esc cancels this task

    def set_audio(self, source: str) -> None:
        if not source:
            return
        self._stop_listening()
        self.silence_accepted = False
        source = self._sendable(self.audio_zone, source)
        self.audio_source, self.audio_facts, self.audio_error = source, None, ""
        self.audio_zone.show_state(self.tr("Checking…"))
        self.waveform.set_samples(None)
        self.listen.setEnabled(False)
        if self.reused_speech is not None and source != self.reused_speech_link:
            self.reused_speech = None  # another clip: no longer the reused speech
        if not self.name_typed:
            self._name_from_voice()
        self.refresh()
        self.tasks.spawn(self._inspect_audio(source), key="inspect-audio")

    async def _inspect_audio(self, source: str) -> None:
        from aurora_desktop.jobs.prepare import inspect_audio_source
        from aurora_desktop.media.inspect import InputError

        try:
            facts = await inspect_audio_source(source, self.work_dir, keep_samples=True)
        except InputError as exc:
            self.audio_error = exc.message
            self.audio_zone.show_state(warning=exc.message)
        else:
            self.audio_facts = facts
            note = "" if facts.supported else self.tr(" It will be converted to WAV, which Creatify accepts.")
            self.audio_zone.show_state(
                self.tr("{seconds:.1f} seconds of {fmt}.{note}").format(
                    seconds=facts.duration, fmt=facts.format.upper(), note=note
                )
            )
            self.waveform.set_samples(facts.samples)
            self.listen.setEnabled(True)
            self._preview_player.setSource(QUrl(source) if is_link(source) else QUrl.fromLocalFile(source))
        self.refresh()

    def reuse_speech(self, link: str, script: Script, model: str, name: str) -> None:
        """Another take with a voice already made: its link is the clip (nothing is spoken or
        paid again), and the script goes with the new video as its transcript."""
        self.voice_tabs.setCurrentWidget(self.audio_zone)
        self.set_model(model)
        self.reused_speech, self.reused_speech_link = script, link
        self.name_edit.setText(name)
        self.name_typed = bool(name)
        self.set_audio(link)

    def fill_script(self, image: str, text: str, voice_id: str, model: str, name: str) -> None:
        """ "Make again" for a script job: the same words and voice (spoken afresh)."""
        self.set_model(model)
        self.show_script()
        self.script_panel.editor.setPlainText(text)
        self.script_panel.choose_voice(voice_id)
        self.name_edit.setText(name)
        self.name_typed = bool(name)
        self.set_image(image)

    def _show_advanced(self, shown: bool) -> None:
        self.advanced.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.advanced_options.setVisible(shown)

    def _stop_listening(self) -> None:
        if self._preview is not None:
            media.stop(self._preview)

    @property
    def _preview_player(self) -> QMediaPlayer:
        if self._preview is None:
            self._preview = media.new_player(self)
            self._preview.playbackStateChanged.connect(self._listen_state)
        return self._preview

    def stop_preview(self) -> None:
        if self._preview is not None:
            media.release(self._preview)

    def _toggle_listen(self) -> None:
        if self._preview_player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self._stop_listening()
        else:
            media.play(self._preview_player)

    def _listen_state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.listen.setText(self.tr("■ Stop") if playing else self.tr("▶ Listen"))

    def _open_next(self) -> None:
        (self.audio_zone if self.image_facts else self.image_zone).browse()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Dropping both files at once (anywhere on the panel) fills both inputs."""
        for url in event.mimeData().urls():
            kind = kind_of(url)
            if kind is InputKind.IMAGE:
                self.set_image(source_of(url))
            elif kind is InputKind.AUDIO:
                self.set_audio(source_of(url))
        event.acceptProposedAction()

    # ------------------------------------------------------------------ price and Generate

    def speech_cost(self) -> Decimal:
        """What the script's speech costs (nothing for a clip)."""
        return speech_credits(self.script_panel.seconds) if self.script_mode else Decimal(0)

    def voice_seconds(self) -> float | None:
        """How long the voice is: the clip's length, or the script's estimated spoken length."""
        if self.script_mode:
            return self.script_panel.seconds if self.script_panel.text.strip() else None
        return self.audio_facts.duration if self.audio_facts else None

    def cost(self) -> Decimal | None:
        """Everything the video will spend: the speech (for a script) and the video."""
        seconds = self.voice_seconds()
        return None if seconds is None else cost_credits(self.model, seconds) + self.speech_cost()

    def blocked_reason(self) -> str:
        return self.blocked()[0]

    def blocked(self) -> tuple[str, bool, BlockerCode | None]:
        """Why Generate is not available: (sentence, whether it is a problem rather than a next
        step, the blocker's code when it is one). Problems all look alike (red), next steps not."""
        if self.busy:
            return self.tr("Starting the video…"), False, None
        if self.image_error:
            return self.image_error, True, BlockerCode.INPUT
        if self.script_mode:
            return self._script_blocked()
        if self.audio_error:
            return self.audio_error, True, BlockerCode.INPUT
        if not self.image_source:
            return self.tr("Add a portrait to begin."), False, None
        if not self.audio_source:
            return self.tr("Add a voice clip."), False, None
        if self.has_local_files and not self.sharing_ready:
            return self.tr("Choose how Creatify gets your files (above)."), False, None
        if self.image_facts is None or self.audio_facts is None:
            return self.tr("Checking your files…"), False, None
        if self.audio_facts.silence_warning and not self.silence_accepted:
            return self.tr(self.audio_facts.silence_warning), True, None
        blockers = blockers_for(self.model, audio_seconds=self.audio_facts.duration, remaining=self.remaining)
        return (blockers[0].message, True, blockers[0].code) if blockers else ("", False, None)

    def _script_blocked(self) -> tuple[str, bool, BlockerCode | None]:
        if not self.image_source:
            return self.tr("Add a portrait to begin."), False, None
        reason, problem = self.script_panel.problem()
        if reason:
            return reason, problem, BlockerCode.INPUT if problem else None
        if self.has_local_files and not self.sharing_ready:
            return self.tr("Choose how Creatify gets your files (above)."), False, None
        if self.image_facts is None:
            return self.tr("Checking your files…"), False, None
        blockers = blockers_for(
            self.model, audio_seconds=self.script_panel.seconds, remaining=self.remaining, speech=self.speech_cost()
        )
        return (blockers[0].message, True, blockers[0].code) if blockers else ("", False, None)

    def refresh(self) -> None:
        reason, problem, code = self.blocked()
        # No price for a video that cannot be made with this clip and model.
        cost = None if code is BlockerCode.TOO_LONG else self.cost()
        if self.demo:
            left = (
                self.tr("Demo credits left: {n} (pretend credits; nothing is spent).").format(
                    n=credits_text(self.remaining)
                )
                if self.remaining is not None
                else ""
            )
        else:
            left = (
                self.tr("Remaining credits: {n}.").format(n=credits_text(self.remaining))
                if self.remaining is not None
                else self.tr("Remaining credits: checking…")
            )
        seconds = self.voice_seconds()
        if cost is not None and seconds is not None and self.script_mode:
            self.price.setText(
                self.tr(
                    "<b>This video will cost about {cost} credits</b>: {speech} for the voice "
                    "(about {s} s of speech) and {video} for the video. {left}"
                ).format(
                    cost=credits_text(cost),
                    speech=credits_text(self.speech_cost()),
                    s=math.ceil(round(seconds, 6)),
                    video=credits_text(cost - self.speech_cost()),
                    left=left,
                )
            )
        elif cost is not None:
            self.price.setText(
                self.tr("<b>This video will cost {cost} credits</b> ({s} s × {p}/s). {left}").format(
                    cost=credits_text(cost),
                    s=math.ceil(round(self.audio_facts.duration, 6)) if self.audio_facts else 0,
                    p=credits_text(self.model.credits_per_second),
                    left=left,
                )
            )
        else:
            self.price.setText(left)
        self.sharing.setVisible(self.has_local_files and not self.sharing_ready)
        self.use_anyway.setVisible(
            bool(self.audio_facts and self.audio_facts.silence_warning and not self.silence_accepted)
            and not self.busy
            and not self.script_mode
        )
        self.generate_button.setEnabled(not reason)
        self.reason.setText(reason)
        theme.set_state(self.reason, "problem", problem)
        self.generate_button.setToolTip(reason or self.tr("Generate the video (Ctrl+Enter)"))

    def generate(self) -> None:
        if self.blocked_reason() or self.image_source is None:
            return  # also while busy: a double click asks once
        if self.script_mode:
            script = self.script_panel.script()
            audio = ""
            fallback = " ".join(self.script_panel.text.split()[:6])
        else:
            script, audio = self.reused_speech, self.audio_source or ""
            fallback = Path(audio).stem
        if not (script or audio):
            return
        prompt = self.prompt_edit.toPlainText().strip() if self.advanced.isChecked() else ""
        self.set_busy(True)  # at once, not when the request is under way: the second click of a double click finds it
        self.generateRequested.emit(
            CreateSpec(
                image=self.image_source,
                audio=audio,
                model=self.model.key,
                name=self.name_edit.text().strip() or fallback,
                text_prompt=prompt or None,
                guidance=self.guidance.value() if self.advanced.isChecked() else None,
                script=script,
            )
        )
