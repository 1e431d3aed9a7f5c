"""The main window: a frame that places the parts and passes between them.

The parts, one concern each (docs/architecture.md, "Where a change goes in the window"):
the session (ui/session.py: services, demo or account, keys, credits, the banner), the
library's actions (ui/library_actions.py), Generate (ui/generate.py), the notifier (ui/notifier.py: status bar, title,
tray), the voices for scripts (ui/voices_controller.py); questions go through ui/ask.py.
What stays here: the layout, a job's changes, and closing.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from aurora_desktop import APP_NAME, paths, trash
from aurora_desktop.jobs.model import LocalJob, State
from aurora_desktop.jobs.vocabulary import rule_for
from aurora_desktop.secrets import SecretStore
from aurora_desktop.settings import Settings
from aurora_desktop.ui import icons, theme
from aurora_desktop.ui.create_panel import CreatePanel
from aurora_desktop.ui.errors import ErrorReporter
from aurora_desktop.ui.frame import AppOptions
from aurora_desktop.ui.generate import Generate
from aurora_desktop.ui.job_model import JobListModel
from aurora_desktop.ui.library_actions import LibraryActions
from aurora_desktop.ui.library_view import LibraryPanel
from aurora_desktop.ui.mode_switch import ModeSwitch
from aurora_desktop.ui.notifier import Notifier
from aurora_desktop.ui.player import PlayerWidget
from aurora_desktop.ui.session import SHUTDOWN_TIMEOUT, Session
from aurora_desktop.ui.tasks import TaskRunner
from aurora_desktop.ui.update_check import UpdateChecker
from aurora_desktop.ui.voice_player import VoicePlayer
from aurora_desktop.ui.voice_ready import VoiceReadyDialog
from aurora_desktop.ui.voices_controller import VoicesController

if TYPE_CHECKING:
    from aurora_desktop.services import Services
    from aurora_desktop.ui.bridge import EngineBridge
    from aurora_desktop.ui.settings_dialog import SettingsDialog
    from aurora_desktop.ui.welcome import WelcomeView

# The services, the engine's bridge, the order layer, the store and the HTTP client are
# imported in the methods that use them, which run after the window's first paint
# (docs/architecture.md, "Start-up"); tests/e2e/test_startup.py holds the line.

__all__ = ["AppOptions", "MainWindow"]
log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    servicesReady = Signal()
    closed = Signal()

    def __init__(self, options: AppOptions) -> None:
        super().__init__()
        self.options = options
        self.settings = Settings.load()
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.theme = theme.ThemeFollower(app, self.settings.theme)  # before any widget: they are made in it
        self.secrets = SecretStore()  # one for the window's life: session-only keys live here
        self.errors = ErrorReporter(self)
        self.tasks = TaskRunner(on_error=self.errors.exception)
        self._closing = False
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 760)
        self.setWindowIcon(QIcon(str(paths.resource("icons", "aurora.png"))))

        self.model = JobListModel(self)
        self._welcome: WelcomeView | None = None  # made when first shown: most starts never show it
        self.create_panel = CreatePanel(self.tasks, paths.cache_dir(), self.settings.photo_background, self)
        self.create_panel.set_model(self.settings.default_model)
        self.voice_player = VoicePlayer(self)
        self.voice_dialog: VoiceReadyDialog | None = None  # one at a time: a new one replaces it
        self.player = PlayerWidget(self)
        self.library = LibraryPanel(self.model, self)
        self.library.playRequested.connect(self.play)

        self.banner = QLabel(self)
        self.banner.setObjectName("banner")
        self.banner.setAccessibleName(self.tr("Mode"))
        self.banner.setWordWrap(True)  # a long message wraps instead of widening the window
        self.banner.setVisible(False)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.player)
        right.addWidget(self.library)
        right.setSizes([360, 400])
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.create_panel)
        split.addWidget(right)
        split.setSizes([600, 680])
        work = QWidget(self)
        wl = QVBoxLayout(work)
        wl.addWidget(self.banner)
        wl.addWidget(split, 1)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(work)
        self.work_page = work
        self.setCentralWidget(self.pages)

        # The parts (they use the widgets above).
        self.notifier = Notifier(self, self.model, self.library, lambda: self.settings)
        self.voices = VoicesController(
            self.create_panel, self.model, self.tasks, lambda: self.settings, lambda: self.services
        )
        self.session = Session(self)
        self.session.opened.connect(self.servicesReady)
        self.library_actions = LibraryActions(self)
        self.session.before_close = self.library_actions.take_pending_removal
        self.library.actionRequested.connect(self.library_actions.run)
        self.generate = Generate(self)
        self.create_panel.generateRequested.connect(self.generate.requested)
        self.create_panel.sharingChosen.connect(self.session.choose_sharing)
        self.undo_remove = self.library_actions.undo_button

        settings_action = QAction(icons.icon("settings"), self.tr("Settings…"), self)
        settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        settings_action.triggered.connect(lambda: self.open_settings())
        folder_action = QAction(icons.icon("folder"), self.tr("Open videos folder"), self)
        folder_action.triggered.connect(lambda: self.show_in_folder(self.settings.library_dir()))
        toolbar = self.addToolBar(self.tr("Main"))
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(settings_action)
        toolbar.addAction(folder_action)
        self.updates = UpdateChecker(self, lambda: self.settings, self.tasks)
        help_menu = QMenu(self.tr("Help"), self)
        self.update_action = help_menu.addAction(self.tr("Check for updates…"))
        self.update_action.triggered.connect(self.updates.check_now)
        help_button = QToolButton(self)
        help_button.setText(self.tr("Help"))
        help_button.setMenu(help_menu)
        help_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        toolbar.addWidget(help_button)
        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.mode_switch = ModeSwitch(self)
        self.mode_switch.demoChosen.connect(self.session.start_demo)
        self.mode_switch.accountChosen.connect(self.session.use_account)
        toolbar.addWidget(self.mode_switch)

        self.settings_dialog: SettingsDialog | None = None  # the one open (tests and the sharing tab reach it)
        if not (options.sandbox or options.api_base) and not self.settings.mode:
            # A first start: the welcome page is the first thing painted (deciding whether keys
            # are set needs the keyring, which takes a moment).
            self.pages.setCurrentWidget(self.welcome)

    # ================================================================== what the parts see (ui/frame.py)

    @property
    def welcome(self) -> WelcomeView:
        if self._welcome is None:
            from aurora_desktop.ui.welcome import WelcomeView  # most starts never show it

            self._welcome = WelcomeView(self)
            self._welcome.keysEntered.connect(self.session.connect_with)
            self._welcome.settingsRequested.connect(lambda: self.open_settings())
            self._welcome.demoRequested.connect(self.session.start_demo)
            self.pages.addWidget(self._welcome)
        return self._welcome

    @property
    def services(self) -> Services | None:
        return self.session.services

    @property
    def bridge(self) -> EngineBridge | None:
        return self.session.bridge

    @property
    def demo(self) -> bool:
        return self.session.demo

    def widget(self) -> QWidget:
        return self

    def show_welcome(self) -> None:
        self.pages.setCurrentWidget(self.welcome)
        self.mode_switch.show_mode(demo=False)
        self.welcome.api_id.setFocus()

    def show_work(self) -> None:
        self.pages.setCurrentWidget(self.work_page)

    def show_in_folder(self, path: Path) -> None:
        self.library_actions.show_in_folder(path)

    def bring_to_front(self) -> None:
        self.notifier.bring_to_front()

    def refresh_credits(self) -> None:
        self.session.refresh_credits()

    # ================================================================== start

    def start(self) -> None:
        """What follows the first paint (app.py): the media backend, then the services."""
        self.player.check_backend()
        # Files held for an undo when the app last stopped: their removal never happened.
        self.tasks.spawn(asyncio.to_thread(trash.restore_leftovers, paths.holding_dir()))
        self.updates.start()  # the weekly check, if due (never on the very first start)
        self.session.start()

    def start_demo(self) -> None:
        self.session.start_demo()

    def use_account(self) -> None:
        self.session.use_account()

    # ================================================================== jobs

    def job_changed(self, job: LocalJob) -> None:
        before = self.model.job(job.id)
        self.model.upsert(job)
        self.notifier.update_title(demo=self.demo)
        if before is not None and before.state != job.state and job.state is State.VOICE_READY:
            self._voice_ready(job)
        elif before is not None and before.state != job.state and job.state.is_final:
            self._finished(job)
        if job.speech_made and (before is None or not before.speech_made):
            self.voices.update_pace()  # one more real result to learn the pace from

    def _voice_ready(self, job: LocalJob) -> None:
        """The user asked to hear the voice first: say so, offer to listen, then to make the video."""
        self.notifier.status(self.tr("The voice for “{name}” is ready.").format(name=job.name), 15000)
        if self.voice_dialog is not None:
            self.voice_dialog.reject()
        dialog = VoiceReadyDialog(job, self.voice_player, self)
        dialog.makeVideo.connect(self.make_video)
        dialog.open()  # never exec(): no nested loop while jobs run
        self.voice_dialog = dialog

    def make_video(self, job_id: str) -> None:
        if self.services is not None:
            self.tasks.spawn(self.services.engine.make_video(job_id))

    def _finished(self, job: LocalJob) -> None:
        self.refresh_credits()
        if job.state is State.SAVED:
            text = self.tr("“{name}” is ready.").format(name=job.name)
            selected = self.library.selected_job()
            if selected is None or selected.id == job.id:
                self.play(job)
        else:
            text = self.tr("“{name}”: {problem}").format(name=job.name, problem=job.error_message or job.state.value)
            if rule_for(job.error_code).alert:
                self.tasks.spawn(self._show_problem(job, job.error_message or text))
        self.notifier.finished(job, text)

    async def _show_problem(self, job: LocalJob, message: str) -> None:
        """A job's problem, with details that help: what was asked, answered, and the last steps."""
        self.errors.show(message, await self.library_actions.report(job))

    def engine_stopped(self, message: str, detail: str) -> None:
        """Nothing more can be recorded: say so where it stays visible, and in a dialog."""
        self.session.show_banner(message, problem=True)
        self.errors.show(message, detail)

    def play(self, job: LocalJob) -> None:
        if job.state is State.VOICE_READY:
            self._voice_ready(job)
            return
        if job.state is State.SAVED and job.output_path and Path(job.output_path).exists():
            self.player.load(Path(job.output_path))

    # ================================================================== settings

    def open_settings(self, tab: str = "") -> None:
        from aurora_desktop.ui.settings_dialog import SettingsDialog  # on first use: not on the start-up path

        dialog = SettingsDialog(
            self.settings,
            self.secrets,
            self.tasks,
            self,
            api_base=self.options.api_base or "",
            tab=tab,
            demo=self.demo,
        )
        dialog.saved.connect(self._settings_saved)
        dialog.open()
        self.settings_dialog = dialog

    def _settings_saved(self, settings: Settings, keys_work: bool) -> None:
        self.theme.set_choice(settings.theme)
        self.session.settings_saved(settings, keys_work)

    # ================================================================== closing

    def closeEvent(self, event: QCloseEvent) -> None:
        """Jobs keep their state in the store and continue next time: closing asks nothing."""
        if self._closing:
            event.accept()
            return
        event.ignore()
        self._closing = True
        running = self.model.running_count()
        if running:
            self.notifier.status(
                self.tr("{n} video(s) will continue the next time you open the app.").format(n=running)
            )
        self.tasks.spawn(self._shutdown())

    async def _shutdown(self) -> None:
        self.player.pause()
        await asyncio.sleep(0.05)  # let a frame in flight reach the widget before stopping
        self.player.stop()  # every player lets go of its media here (ui/media.py says why)
        self.create_panel.stop_preview()
        self.voice_player.release()
        if (script := self.create_panel.made_script_panel) is not None:
            script.samples.release()
        try:
            await asyncio.wait_for(self.session.close_services(), SHUTDOWN_TIMEOUT)
        except (TimeoutError, Exception):  # never hang on exit
            log.exception("shutdown was not clean")
        self.secrets.close()
        self.notifier.hide_tray()
        self.hide()
        self.closed.emit()
        self.close()
