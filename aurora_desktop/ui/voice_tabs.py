"""The two ways to give the voice, as tabs: a clip (a file, a recording, a link) or a script
Creatify speaks (a Creatify link: nothing to upload).

The script tab's panel (voices, filters, editor) is made the first time it is needed: most
starts never open it, and it is the costliest part of the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from aurora_desktop.jobs.model import InputKind
from aurora_desktop.ui import icons
from aurora_desktop.ui.clip_preview import ListenButton
from aurora_desktop.ui.drop_zone import AUDIO_FILTER, DropZone
from aurora_desktop.ui.waveform import Waveform

if TYPE_CHECKING:
    from aurora_desktop.ui.script_panel import ScriptPanel


class VoiceTabs(QTabWidget):
    scriptPanelMade = Signal(QWidget)  # the ScriptPanel, made the first time it is needed
    scriptChanged = Signal()  # the script, its voice or an option changed
    wayChanged = Signal()  # the other tab was chosen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.audio_zone = DropZone(InputKind.AUDIO, self.tr("Voice"), AUDIO_FILTER, self)
        self.waveform = Waveform(self.audio_zone)
        self.listen = ListenButton(self.audio_zone)
        self.audio_zone.extra.addWidget(self.waveform)
        self.audio_zone.extra.addWidget(self.listen)
        self.script_page = QWidget(self)
        QVBoxLayout(self.script_page).setContentsMargins(0, 0, 0, 0)
        self._script_panel: ScriptPanel | None = None
        self.setDocumentMode(True)
        self.setAccessibleName(self.tr("How to give the voice"))
        self.addTab(self.audio_zone, icons.icon("voice"), self.tr("Voice clip"))
        self.addTab(self.script_page, icons.icon("script"), self.tr("Type a script"))
        self.currentChanged.connect(self._way_changed)
        self.audio_zone.title.setVisible(False)  # the tab says what it is

    @property
    def script_mode(self) -> bool:
        """The voice is a typed script (the second tab), not a clip."""
        return self.currentWidget() is self.script_page

    @property
    def script_panel(self) -> ScriptPanel:
        if self._script_panel is None:
            from aurora_desktop.ui.script_panel import ScriptPanel

            panel = self._script_panel = ScriptPanel(self.script_page)
            layout = self.script_page.layout()
            assert layout is not None
            layout.addWidget(panel)
            panel.changed.connect(self.scriptChanged)
            self.scriptPanelMade.emit(panel)
        return self._script_panel

    @property
    def made_script_panel(self) -> ScriptPanel | None:
        """The script panel if it was made (asking never makes it)."""
        return self._script_panel

    def show_script(self) -> None:
        """Open the "Type a script" tab."""
        self.setCurrentWidget(self.script_page)

    def show_clip(self) -> None:
        """Open the "Voice clip" tab."""
        self.setCurrentWidget(self.audio_zone)

    def _way_changed(self, _index: int) -> None:
        self.listen.stop()
        if self.script_mode:
            self.script_panel  # noqa: B018 (made now, as its tab shows)
        elif self._script_panel is not None:
            self._script_panel.stop_preview()
        self.wayChanged.emit()
