"""What the window's parts may use of the window: the frame's shape, as a Protocol.

The session (ui/session.py) and the library's actions (ui/library_actions.py) are handed the
main window, typed as this ``Frame``; they never import ui/main_window.py, which imports them.
``AppOptions`` (how the app was started) lives here for the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

    from aurora_desktop.jobs.model import LocalJob
    from aurora_desktop.secrets import SecretStore
    from aurora_desktop.services import Services
    from aurora_desktop.settings import Settings
    from aurora_desktop.ui.create_panel import CreatePanel
    from aurora_desktop.ui.errors import ErrorReporter
    from aurora_desktop.ui.job_model import JobListModel
    from aurora_desktop.ui.library_view import LibraryPanel
    from aurora_desktop.ui.mode_switch import ModeSwitch
    from aurora_desktop.ui.notifier import Notifier
    from aurora_desktop.ui.player import PlayerWidget
    from aurora_desktop.ui.tasks import TaskRunner
    from aurora_desktop.ui.voice_player import VoicePlayer
    from aurora_desktop.ui.voices_controller import VoicesController
    from aurora_desktop.ui.welcome import WelcomeView


@dataclass
class AppOptions:
    sandbox: bool = False  # demo mode from the start
    api_base: str | None = None
    hosting: str = "auto"
    sandbox_args: list[str] = field(default_factory=list)


class Frame(Protocol):
    """The main window as its parts see it: the widgets it placed and a few things it does."""

    options: AppOptions
    settings: Settings
    secrets: SecretStore
    tasks: TaskRunner
    errors: ErrorReporter
    model: JobListModel
    create_panel: CreatePanel
    library: LibraryPanel
    player: PlayerWidget
    voice_player: VoicePlayer
    mode_switch: ModeSwitch
    banner: QLabel
    notifier: Notifier
    voices: VoicesController

    @property
    def services(self) -> Services | None: ...

    @property
    def demo(self) -> bool: ...

    @property
    def welcome(self) -> WelcomeView: ...

    def widget(self) -> QWidget: ...  # the parent of the window's dialogs
    def statusBar(self) -> QStatusBar: ...
    def tr(self, text: str, /, disambiguation: str | None = ..., n: int = ...) -> str: ...
    def close(self) -> bool: ...
    def show_welcome(self) -> None: ...
    def show_work(self) -> None: ...
    def open_settings(self, tab: str = "") -> None: ...
    def play(self, job: LocalJob) -> None: ...
    def make_video(self, job_id: str) -> None: ...
    def show_in_folder(self, path: Path) -> None: ...
    def job_changed(self, job: LocalJob) -> None: ...
    def engine_stopped(self, message: str, detail: str) -> None: ...
