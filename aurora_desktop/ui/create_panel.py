"""The create panel: portrait and voice in, price shown, Generate."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aurora_desktop.api.catalog import ModelSpec
from aurora_desktop.jobs.blockers import NAME_LIMIT
from aurora_desktop.jobs.form import CreateSpec, Form, Hold, ScriptFacts
from aurora_desktop.jobs.model import InputKind, is_link
from aurora_desktop.settings import Sharing
from aurora_desktop.ui import icons, theme
from aurora_desktop.ui.create_options import AdvancedOptions, ModelBox, UndoClear
from aurora_desktop.ui.drop_zone import (
    IMAGE_FILTER,
    DropZone,
    kind_of,
    portrait_thumbnail,
    source_of,
)
from aurora_desktop.ui.sharing import SharingChoice
from aurora_desktop.ui.tasks import TaskRunner
from aurora_desktop.ui.voice_tabs import VoiceTabs

if TYPE_CHECKING:
    from aurora_desktop.jobs.prepare import Script
    from aurora_desktop.media.inspect import AudioFacts, ImageFacts
    from aurora_desktop.ui.script_panel import ScriptPanel

# Reading a dropped file (jobs/prepare.py: Pillow, Qt's audio decoder, the link fetcher) is
# imported where it is first done, not with this module: the window's first paint needs none
# of it, and by the time a file is dropped the engine has usually loaded it already.


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
        self.credits_unchecked = False  # the balance could not be read (offline): said, not "checking…"
        self.busy = False
        self.sharing_ready = True  # local files can reach Creatify (the window says when not)
        self.silence_accepted = False  # the user chose to use a (mostly) silent clip anyway
        self.photo_background = photo_background  # fills a transparent photo (Settings → Videos)
        self.demo = False  # the balance is the demo's, not money

        self.image_zone = DropZone(InputKind.IMAGE, self.tr("Portrait"), IMAGE_FILTER, self)
        self.image_zone.chosen.connect(self.set_image)
        tabs = self.voice_tabs = VoiceTabs(self)
        tabs.scriptPanelMade.connect(self.scriptPanelMade)
        tabs.scriptChanged.connect(self._script_changed)
        tabs.wayChanged.connect(self._voice_way_changed)
        self.audio_zone, self.waveform, self.listen = tabs.audio_zone, tabs.waveform, tabs.listen
        self.audio_zone.chosen.connect(self.set_audio)
        self.reused_speech: Script | None = None  # "another take": the clip is this speech's link
        self.reused_speech_link = ""

        self.model_box = ModelBox(self)
        self.model_box.currentIndexChanged.connect(lambda _: self.refresh())
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName(self.tr("Video name"))
        self.name_edit.setMaxLength(NAME_LIMIT)
        self.name_edit.setPlaceholderText(self.tr("Name of the video"))
        # The name follows the voice clip until the user types one (textEdited: typing only).
        self.name_typed = False
        self.name_edit.textEdited.connect(lambda text: setattr(self, "name_typed", bool(text.strip())))
        self.advanced_options = AdvancedOptions(self)
        self.advanced = self.advanced_options.toggle
        self.prompt_edit = self.advanced_options.prompt
        self.guidance = self.advanced_options.guidance

        self.price = QLabel(self)
        self.price.setObjectName("price")
        self.price.setAccessibleName(self.tr("Price"))
        self.price.setWordWrap(True)
        self.generate_button = QPushButton(self.tr("Generate video"), self)
        self.generate_button.setObjectName("primary")
        self.generate_button.setIcon(icons.icon("generate", "accent_text"))
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
        self.undo_clear = UndoClear(self)  # shown for a few seconds after Esc cleared the form
        self.undo_clear.undone.connect(lambda cleared: self.fill(*cleared))
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

        QShortcut(QKeySequence.StandardKey.Open, self).activated.connect(self._open_next)
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.generate)
        QShortcut(QKeySequence("Ctrl+Enter"), self).activated.connect(self.generate)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self).activated.connect(self._escape)
        self.refresh()

    # ------------------------------------------------------------------ state

    @property
    def model(self) -> ModelSpec:
        return self.model_box.spec

    def set_model(self, key: str) -> None:
        self.model_box.set_model(key)

    def set_credits(self, remaining: Decimal | None, *, unchecked: bool = False) -> None:
        """The balance; `unchecked`: Creatify could not be asked (offline), not "checking…"."""
        self.remaining = remaining
        self.credits_unchecked = unchecked and remaining is None
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
        return self.voice_tabs.script_mode

    @property
    def script_panel(self) -> ScriptPanel:
        return self.voice_tabs.script_panel

    @property
    def made_script_panel(self) -> ScriptPanel | None:
        """The script panel if it was made (asking never makes it)."""
        return self.voice_tabs.made_script_panel

    def show_script(self) -> None:
        """Open the "Type a script" tab."""
        self.voice_tabs.show_script()

    def _voice_way_changed(self) -> None:
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
            self.audio_source, self.audio_facts, self.audio_error = None, None, ""
            self.audio_zone.show_state()
            self.waveform.set_samples(None)
            self.listen.reset()

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.refresh()

    def clear(self) -> None:
        # A check still running would fill in the inputs just cleared.
        self.tasks.cancel("inspect-image")
        self.tasks.cancel("inspect-audio")
        self.listen.stop()
        self.image_source = self.audio_source = None
        self.image_facts = self.audio_facts = None
        self.image_error = self.audio_error = ""
        self.image_zone.show_state()
        self.audio_zone.show_state()
        for zone in (self.image_zone, self.audio_zone):
            zone.clear_link()
        self.waveform.set_samples(None)
        self.listen.reset()
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
        prompt, guidance = self.advanced_options.values()
        snapshot = (
            self.image_source or "",
            self.audio_source or "",
            self.model.key,
            self.name_edit.text(),
            prompt,
            guidance,
        )
        self.clear()
        self.undo_clear.offer(snapshot)

    def fill(self, image: str, audio: str, model: str, name: str, prompt: str | None, guidance: float | None) -> None:
        """ "Make again": the same inputs, ready to check and generate."""
        self.set_model(model)
        self.name_edit.setText(name)
        self.name_typed = bool(name)  # a name given (or typed before Esc) stays
        self.advanced_options.fill(prompt, guidance)
        self.set_image(image)
        self.set_audio(audio)

    # ------------------------------------------------------------------ inputs

    def set_image(self, source: str) -> None:
        if not source:
            return
        source = self.image_zone.sendable(source)
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
        size = QSize(facts.width, facts.height)
        image = await portrait_thumbnail(
            source, size, converted=bool(facts.changes), background=self.photo_background, work_dir=self.work_dir
        )
        self.image_zone.show_thumbnail(QPixmap.fromImage(image))  # a newer choice or Esc cancels this task

    def set_audio(self, source: str) -> None:
        if not source:
            return
        self.listen.stop()
        self.silence_accepted = False
        source = self.audio_zone.sendable(source)
        self.audio_source, self.audio_facts, self.audio_error = source, None, ""
        self.audio_zone.show_state(self.tr("Checking…"))
        self.waveform.set_samples(None)
        self.listen.setEnabled(False)  # until the clip is read
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
            self.listen.set_source(source)
        self.refresh()

    def reuse_speech(self, link: str, script: Script, model: str, name: str) -> None:
        """Another take with a voice already made: its link is the clip (nothing is spoken or
        paid again), and the script goes with the new video as its transcript."""
        self.voice_tabs.show_clip()
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

    def stop_preview(self) -> None:
        self.listen.release()

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

    def form(self) -> Form:
        """What the form holds now, for the rules (jobs/form.py)."""
        script = None
        if self.script_mode:
            panel = self.script_panel
            script = ScriptFacts(panel.text, panel.seconds, panel.voice is not None, panel.script_max)
        audio = self.audio_facts
        return Form(
            model=self.model,
            image_source=self.image_source,
            image_checked=self.image_facts is not None,
            image_error=self.image_error,
            audio_source=self.audio_source,
            audio_seconds=audio.duration if audio else None,
            audio_error=self.audio_error,
            silence_warning=self.tr(audio.silence_warning) if audio and audio.silence_warning else "",
            silence_accepted=self.silence_accepted,
            script=script,
            remaining=self.remaining,
            credits_unchecked=self.credits_unchecked,
            sharing_ready=self.sharing_ready,
            demo=self.demo,
            busy=self.busy,
        )

    def cost(self) -> Decimal | None:
        """Everything the video will spend: the speech (for a script) and the video."""
        return self.form().cost()

    def blocked(self) -> Hold:
        """Why Generate is not available: a problem (red) or a next step; nothing when it is."""
        return self.form().hold()

    def refresh(self) -> None:
        form = self.form()
        hold = form.hold()
        self.price.setText(form.price_text(hold))
        self.sharing.setVisible(form.needs_sharing)
        self.use_anyway.setVisible(form.offers_use_anyway)
        self.generate_button.setEnabled(not hold.blocks)
        self.reason.setText(hold.message)
        theme.set_state(self.reason, "problem", hold.problem)
        self.generate_button.setToolTip(hold.message or self.tr("Generate the video (Ctrl+Enter)"))

    def generate(self) -> None:
        if self.blocked().blocks or self.image_source is None:
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
        prompt, guidance = self.advanced_options.values()
        self.set_busy(True)  # at once, not when the request is under way: the second click of a double click finds it
        self.generateRequested.emit(
            CreateSpec(
                image=self.image_source,
                audio=audio,
                model=self.model.key,
                name=self.name_edit.text().strip() or fallback,
                text_prompt=prompt,
                guidance=guidance,
                script=script,
            )
        )
