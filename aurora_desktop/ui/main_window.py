"""The main window: welcome, create panel, player and library; wiring to the services."""

from __future__ import annotations

import asyncio
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QSystemTrayIcon,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from aurora_desktop import APP_NAME, paths, trash
from aurora_desktop.api.catalog import CATALOG, audio_too_long, cost_credits, get_model
from aurora_desktop.api.credentials import Credentials
from aurora_desktop.api.errors import ApiError, AuthError, as_test_result
from aurora_desktop.api.speech import WORDS_PER_MINUTE
from aurora_desktop.errors import UserError
from aurora_desktop.formatting import credits_text, time_left
from aurora_desktop.hosting import NoHosting
from aurora_desktop.jobs.model import LocalJob, State, utcnow
from aurora_desktop.jobs.report import job_report
from aurora_desktop.jobs.saving import sidecar_paths
from aurora_desktop.jobs.vocabulary import LibraryAction, rule_for
from aurora_desktop.secrets import API_ID, API_KEY, SecretStore, SecretsUnavailable
from aurora_desktop.settings import Settings, Sharing
from aurora_desktop.ui import icons, theme
from aurora_desktop.ui.create_panel import CreatePanel, CreateSpec
from aurora_desktop.ui.errors import ErrorReporter
from aurora_desktop.ui.job_model import JobListModel
from aurora_desktop.ui.library_view import LibraryPanel
from aurora_desktop.ui.mode_switch import ModeSwitch
from aurora_desktop.ui.player import PlayerWidget
from aurora_desktop.ui.reveal import reveal
from aurora_desktop.ui.sharing import consent_box
from aurora_desktop.ui.tasks import TaskRunner
from aurora_desktop.ui.update_check import UpdateChecker
from aurora_desktop.ui.voice_player import VoicePlayer
from aurora_desktop.ui.voice_ready import VoiceReadyDialog
from aurora_desktop.voices import VoiceCache, choices, learned_pace

if TYPE_CHECKING:
    from aurora_desktop.jobs.store import StoreDamaged
    from aurora_desktop.services import Services
    from aurora_desktop.ui.bridge import EngineBridge
    from aurora_desktop.ui.script_panel import ScriptPanel
    from aurora_desktop.ui.settings_dialog import SettingsDialog
    from aurora_desktop.ui.welcome import WelcomeView

# The services, the engine's bridge, the order layer, the store and the HTTP client are
# imported in the methods that use them, which run after the window's first paint
# (docs/architecture.md, "Start-up"); tests/e2e/test_startup.py holds the line.

log = logging.getLogger(__name__)
SHUTDOWN_TIMEOUT = 5.0
REMOVE_UNDO_MS = 8000  # how long "Undo" stays after a video is removed
VOICES_FRESH_FOR = 24 * 3600  # seconds a cached list of voices is used without asking again


@dataclass
class AppOptions:
    sandbox: bool = False  # demo mode from the start
    api_base: str | None = None
    hosting: str = "auto"
    sandbox_args: list[str] = field(default_factory=list)


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
        self.services: Services | None = None
        self.bridge: EngineBridge | None = None
        self.errors = ErrorReporter(self)
        self.tasks = TaskRunner(on_error=self.errors.exception)
        self.demo = False
        self._closing = False
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 760)
        self.setWindowIcon(QIcon(str(paths.resource("icons", "aurora.png"))))

        self.model = JobListModel(self)
        self._welcome: WelcomeView | None = None  # made when first shown: most starts never show it
        self.create_panel = CreatePanel(self.tasks, paths.cache_dir(), self.settings.photo_background, self)
        self.create_panel.set_model(self.settings.default_model)
        self.create_panel.generateRequested.connect(self._generate)
        self.create_panel.sharingChosen.connect(self._choose_sharing)
        self.create_panel.scriptPanelMade.connect(self._script_panel_made)
        self._voices_from = ""  # the service whose voices the picker shows
        self.voice_player = VoicePlayer(self)
        self.voice_dialog: VoiceReadyDialog | None = None
        self.model_dialog: QInputDialog | None = None
        self.player = PlayerWidget(self)
        self.library = LibraryPanel(self.model, self)
        self.library.playRequested.connect(self.play)
        self.library.actionRequested.connect(self._action)

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

        settings_action = QAction(icons.icon("settings"), self.tr("Settings…"), self)
        settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        settings_action.triggered.connect(self.open_settings)
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
        self.mode_switch.demoChosen.connect(self.start_demo)
        self.mode_switch.accountChosen.connect(self.use_account)
        toolbar.addWidget(self.mode_switch)
        self.online_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.online_label)
        self.undo_remove = QPushButton(self.tr("Undo"), self)
        self.undo_remove.setVisible(False)
        self.undo_remove.clicked.connect(self._undo_removal)
        self.statusBar().addPermanentWidget(self.undo_remove)
        self._pending_removal: tuple[LocalJob, list[trash.Trashed]] | None = None
        self._removal_timer = QTimer(self)
        self._removal_timer.setSingleShot(True)
        self._removal_timer.setInterval(REMOVE_UNDO_MS)
        self._removal_timer.timeout.connect(self._commit_removal)

        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(self.windowIcon(), self)
            self.tray.messageClicked.connect(self._focus_last_notified)
            self.tray.show()
        self._last_notified: str | None = None
        self.damaged_dialog: QMessageBox | None = None
        self.another_take_dialog: QMessageBox | None = None
        self.save_dialog: QFileDialog | None = None
        self.saved_copy_box: QMessageBox | None = None
        self.where_box: QMessageBox | None = None
        self.consent_dialog: QMessageBox | None = None
        self.switch_box: QMessageBox | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.rename_dialog: QInputDialog | None = None
        self._last_placed: CreateSpec | None = None  # the last video requested, to ask before the same again
        if not (options.sandbox or options.api_base) and not self.settings.mode:
            # A first start: the welcome page is the first thing painted (deciding whether keys
            # are set needs the keyring, which takes a moment).
            self.pages.setCurrentWidget(self.welcome)

    @property
    def welcome(self) -> WelcomeView:
        if self._welcome is None:
            from aurora_desktop.ui.welcome import WelcomeView  # most starts never show it

            self._welcome = WelcomeView(self)
            self._welcome.keysEntered.connect(
                lambda api_id, key: self.tasks.spawn(self._connect(api_id, key), key="connect")
            )
            self._welcome.settingsRequested.connect(self.open_settings)
            self._welcome.demoRequested.connect(self.start_demo)
            self.pages.addWidget(self._welcome)
        return self._welcome

    # ================================================================== start and modes

    def start(self) -> None:
        """What follows the first paint (app.py): the media backend, then the services."""
        self.player.check_backend()
        # Files held for an undo when the app last stopped: their removal never happened.
        self.tasks.spawn(asyncio.to_thread(trash.restore_leftovers, paths.holding_dir()))
        self.updates.start()  # the weekly check, if due (never on the very first start)
        self.tasks.spawn(self._start(), key="services")

    async def _start(self) -> None:
        if self.options.sandbox or self.settings.mode == "demo":
            await self._open(demo=True)
            return
        if await self._has_keys():
            await self._open(demo=False)
        else:
            self._show_welcome()

    async def _has_keys(self) -> bool:
        try:
            return await self.secrets.api_credentials() is not None
        except Exception:  # noqa: BLE001 - no keyring at all: the welcome view offers both paths
            return False

    def _show_welcome(self) -> None:
        self.pages.setCurrentWidget(self.welcome)
        self.mode_switch.show_mode(demo=False)
        self.welcome.api_id.setFocus()

    def start_demo(self) -> None:
        if self.demo and self.services is not None:
            self.mode_switch.show_mode(demo=True)
            self.pages.setCurrentWidget(self.work_page)
            return
        empty = not (self.create_panel.image_source or self.create_panel.audio_source)
        self.tasks.spawn(self._open(demo=True, samples=empty), key="services")

    def use_account(self) -> None:
        """The mode switch's "My account": the account if keys are set, else where to enter them."""
        self.tasks.spawn(self._use_account(), key="services")

    async def _use_account(self) -> None:
        if not self.demo and self.services is not None:
            return
        if await self._has_keys():
            await self._open(demo=False)
        else:
            await self._close_services()
            self.demo = False
            self._update_title()
            self._show_welcome()

    async def _connect(self, api_id: str, api_key: str) -> None:
        """The welcome page's Connect: test the keys with Creatify, keep them, open the account."""
        self.welcome.set_busy(True)
        try:
            credits = await self._test_keys(Credentials(api_id, api_key))
        except ApiError as exc:
            self.welcome.show_status(as_test_result(exc), problem=True)
            return
        finally:
            self.welcome.set_busy(False)
        note = ""
        try:
            await self.secrets.set(API_ID, api_id)
            await self.secrets.set(API_KEY, api_key)
        except SecretsUnavailable as exc:
            # Never trap the user: keep the keys in memory for this session and say so.
            self.secrets.use_session_only()
            await self.secrets.set(API_ID, api_id)
            await self.secrets.set(API_KEY, api_key)
            note = " " + self.tr("{problem} Your keys are kept until you close the app.").format(
                problem=exc.user_message
            )
        self.welcome.show_status(self.tr("Connected."))
        await self._open(demo=False)
        self.statusBar().showMessage(
            self.tr("Connected to Creatify. Remaining credits: {n}.").format(n=credits_text(credits)) + note, 15000
        )

    async def _test_keys(self, credentials: Credentials) -> float:
        from aurora_desktop.api.client import DEFAULT_BASE_URL, credits_with

        base = self.options.api_base or self.settings.api_base or DEFAULT_BASE_URL
        return await credits_with(credentials, base)

    async def _open(self, *, demo: bool, samples: bool = False) -> None:
        from aurora_desktop.jobs.store import StoreDamaged
        from aurora_desktop.services import CredentialsMissing, open_services
        from aurora_desktop.ui.bridge import EngineBridge

        await self._close_services()
        self.pages.setCurrentWidget(self.work_page)
        self.statusBar().showMessage(self.tr("Starting…"))
        try:
            self.services = await open_services(
                sandbox=demo,
                api_base=self.options.api_base,
                hosting=self.options.hosting,
                settings=self.settings,
                sandbox_args=self.options.sandbox_args,
                secrets=self.secrets,
            )
        except CredentialsMissing as exc:
            self._show_welcome()
            self.welcome.show_status(exc.user_message, problem=True)
            return
        except StoreDamaged as exc:
            self._offer_new_library(exc, demo=demo, samples=samples)
            return
        except UserError as exc:  # unreachable storage, an unsafe API address, ...
            self.errors.show(exc.user_message, exc.detail)
            return
        self.demo = demo
        self.mode_switch.show_mode(demo=demo)
        if self.settings.mode != ("demo" if demo else "account"):
            self.settings.mode = "demo" if demo else "account"
            self.settings.save()
        self._show_banner(
            self.tr(
                "Demo mode: videos are made by a local stand-in on this computer. "
                "Nothing is uploaded and nothing is spent."
            )
            if demo
            else ""
        )
        self.create_panel.set_demo(demo)
        self.create_panel.set_sharing_ready(not isinstance(self.services.hoster, NoHosting))
        self.bridge = EngineBridge(self.services.engine, self)
        self.bridge.jobChanged.connect(self._job_changed)
        self.bridge.jobRemoved.connect(self.model.remove)
        self.bridge.progress.connect(self.model.set_progress)
        self.bridge.onlineChanged.connect(self._online)
        self.bridge.notice.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.bridge.stopped.connect(self._engine_stopped)
        self.model.reset(await self.services.engine.library())
        self._update_pace()
        self._voices_from = ""
        if self.create_panel.script_mode:
            self.tasks.spawn(self._load_voices(False), key="voices")
        resumed = await self.services.engine.start()
        self._update_title()
        if resumed:
            self.statusBar().showMessage(self.tr("Continuing {n} unfinished video(s).").format(n=len(resumed)), 8000)
        else:
            self.statusBar().clearMessage()
        if samples:
            self.create_panel.fill(
                str(paths.resource("samples", "portrait.png")),
                str(paths.resource("samples", "voice.wav")),
                self.settings.default_model,
                self.tr("My first talking portrait"),
                None,
                None,
            )
        self.refresh_credits()
        self.servicesReady.emit()

    def _offer_new_library(self, exc: StoreDamaged, *, demo: bool, samples: bool) -> None:
        """Say so first; only with the user's yes is the damaged file kept aside and a new list begun."""
        self.statusBar().showMessage(self.tr("Your list of videos cannot be read."))
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Your list of videos is damaged"),
            exc.user_message,
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setDetailedText(exc.detail)
        fresh = box.addButton(self.tr("Keep it aside and start a new list"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Quit"), QMessageBox.ButtonRole.RejectRole)

        def chosen(button: object) -> None:
            if button is fresh:
                self.tasks.spawn(self._start_new_library(exc.path, demo=demo, samples=samples), key="services")
            else:
                self.close()

        box.buttonClicked.connect(chosen)
        box.open()  # never exec(): no nested loop
        self.damaged_dialog = box

    async def _start_new_library(self, path: Path, *, demo: bool, samples: bool) -> None:
        from aurora_desktop.jobs.store import set_aside

        aside = await asyncio.to_thread(set_aside, path)
        await self._open(demo=demo, samples=samples)
        self.statusBar().showMessage(
            self.tr("The damaged list was kept as {name} in {folder}.").format(name=aside.name, folder=aside.parent),
            20000,
        )

    async def _close_services(self) -> None:
        job = self._take_pending_removal()  # closing (or switching) ends the time to undo
        if job is not None and self.services is not None:
            await self.services.engine.remove(job.id, delete_file=False)
        await self.tasks.stop("credits")  # a balance request in flight uses the client about to close
        if self.bridge is not None:
            self.bridge.detach()
            self.bridge.deleteLater()
            self.bridge = None
        if self.services is not None:
            services, self.services = self.services, None
            await asyncio.wait_for(services.close(), SHUTDOWN_TIMEOUT)

    def refresh_credits(self) -> None:
        self.tasks.spawn(self._refresh_credits(), key="credits")

    async def _refresh_credits(self) -> None:
        if self.services is None:
            return
        try:
            credits = await self.services.client.remaining_credits()
        except AuthError as exc:
            # Wrong or revoked keys: say so in the window, never a dialog at every start;
            # Settings and the demo stay one click away.
            self.create_panel.set_credits(None)
            self._show_banner(
                self.tr("{problem} Check your keys in Settings, or switch to the demo.").format(
                    problem=exc.user_message
                ),
                problem=True,
            )
            return
        except ApiError as exc:
            self.create_panel.set_credits(None)
            self._show_banner(exc.user_message, problem=True)
            return
        self.create_panel.set_credits(credits)
        if not self.demo:
            self._show_banner("")

    def _show_banner(self, text: str, *, problem: bool = False) -> None:
        self.banner.setText(text)
        theme.set_state(self.banner, "problem", problem)
        self.banner.setVisible(bool(text))

    # ================================================================== sharing local files

    def _choose_sharing(self, choice: str) -> None:
        """The create panel's "How will Creatify get your files?"."""
        if choice == Sharing.STORAGE:
            self.open_settings(tab="sharing")
            return
        if self.settings.quick_links_consent:
            self._use_quick_links()
            return
        box, accept = consent_box(self)
        box.buttonClicked.connect(lambda button: self._use_quick_links() if button is accept else None)
        box.open()
        self.consent_dialog = box

    def _use_quick_links(self) -> None:
        self.settings.sharing = Sharing.QUICK
        self.settings.quick_links_consent = True
        self.settings.save()
        if self.services is not None and not self.demo:
            from aurora_desktop.hosting.quick import QuickLinkHoster

            self.services.hoster = QuickLinkHoster()
            self.services.engine.use_hoster(self.services.hoster)
            self.create_panel.set_sharing_ready(True)
        self.statusBar().showMessage(
            self.tr("Quick links are on: each file is public for at most 1 hour. Change this in Settings → Sharing."),
            10000,
        )

    # ================================================================== creating

    def _generate(self, spec: CreateSpec) -> None:
        """The panel is busy from the click until the job is recorded. The very same video
        again is asked about: a second take is possible, but never by accident."""
        if spec != self._last_placed:
            self.tasks.spawn(self._submit(spec), key="generate")
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Make another take?"),
            self.tr(
                "You just made this video with the same portrait, voice and settings. "
                "Another take is a new video, and it is charged again."
            ),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        again = box.addButton(self.tr("Make another take"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)

        def chosen(button: object) -> None:
            if button is again:
                self.tasks.spawn(self._submit(spec), key="generate")
            else:
                self.create_panel.set_busy(False)

        box.buttonClicked.connect(chosen)
        box.open()  # never exec(): no nested loop while jobs run
        self.another_take_dialog = box

    # ------------------------------------------------------------------ voices for scripts

    async def _load_voices(self, force: bool) -> None:
        """The picker's voices: the cached list at once, then Creatify's when the cache is old
        or on Refresh. A failed refresh says why and keeps the list it had."""
        services, panel = self.services, self.create_panel.script_panel
        if services is None:
            return
        base = services.client.base_url
        if self._voices_from == base and not force:
            return
        cache = VoiceCache(paths.cache_dir(), base)
        cached = await asyncio.to_thread(cache.load)
        if cached is not None:
            panel.set_voices(*cached)
            if not force and (utcnow() - cached[1]).total_seconds() < VOICES_FRESH_FOR:
                self._voices_from = base
                return
        try:
            fresh = choices(await services.client.voices())
        except ApiError as exc:
            panel.set_voices([], error=self.tr("The voices could not be fetched: {why}").format(why=exc.user_message))
            return
        await asyncio.to_thread(cache.save, fresh)
        panel.set_voices(fresh, utcnow())
        self._voices_from = base

    def _script_panel_made(self, script: ScriptPanel) -> None:
        """The script tab's panel exists now (it is made when first needed): fill it in."""
        script.set_favourites(self.settings.voice_favourites)
        script.choose_voice(self.settings.last_voice)
        script.hear_first.setChecked(self.settings.hear_voice_first)
        script.hear_first.toggled.connect(self._remember_hear_first)
        script.favouritesChanged.connect(self._remember_favourites)
        script.voicesWanted.connect(lambda force: self.tasks.spawn(self._load_voices(force), key="voices"))
        script.list.currentItemChanged.connect(lambda *_: self._update_pace())
        self._update_pace()

    def _update_pace(self) -> None:
        """The script's spoken length is estimated at this user's own pace for the voice."""
        panel = self.create_panel.made_script_panel
        if panel is None:
            return  # worked out when the panel is made
        voice = panel.voice
        panel.set_pace(learned_pace(self.model.jobs(), voice.id if voice else None))
        if self.services is not None:  # the longest script this account may send, as learnt
            panel.set_script_max(self.services.engine.script_limit.value)

    def _remember_favourites(self, ids: list[str]) -> None:
        self.settings.voice_favourites = list(ids)
        self.settings.save()

    def _remember_hear_first(self, checked: bool) -> None:
        self.settings.hear_voice_first = checked
        self.settings.save()

    async def _submit(self, spec: CreateSpec) -> None:
        from aurora_desktop.jobs import orders

        services = self.services
        self.create_panel.set_busy(True)
        try:
            if services is None:
                return
            spoken = spec.script if spec.script is not None and not spec.audio else None
            made = self.create_panel.made_script_panel  # a script job was typed there
            spoken_pace = made.pace if made is not None else WORDS_PER_MINUTE
            if spoken is not None and spoken.voice_id != self.settings.last_voice:
                self.settings.last_voice = spoken.voice_id
                self.settings.save()
            # The panel already showed the price and the credits it knows; nothing is asked again.
            quote = await orders.quote(
                spec.image,
                spoken or spec.audio,
                get_model(spec.model),
                orders.Options(
                    name=spec.name,
                    text_prompt=spec.text_prompt,
                    guidance=spec.guidance,
                    photo_background=self.settings.photo_background,
                ),
                work_dir=paths.cache_dir(),
                hoster=services.hoster,
                remaining=self.create_panel.remaining,
                words_per_minute=spoken_pace,
                limit=services.engine.script_limit,
            )
            if spec.script is not None and spec.audio:  # another take with a speech already made
                quote = orders.reusing(quote, spec.script)
            if not quote.ok:
                first = quote.blockers[0]
                self.errors.show(first.message, first.detail)
                return
            for note in quote.notes:
                self.statusBar().showMessage(note, 8000)
            job = await orders.place(services.engine, quote)
            self._last_placed = spec
            self.library.select_job(job.id)
        finally:
            self.create_panel.set_busy(False)

    # ================================================================== jobs

    def _job_changed(self, job: LocalJob) -> None:
        before = self.model.job(job.id)
        self.model.upsert(job)
        self._update_title()
        if before is not None and before.state != job.state and job.state is State.VOICE_READY:
            self._voice_ready(job)
        elif before is not None and before.state != job.state and job.state.is_final:
            self._finished(job)
        if job.speech_made and (before is None or not before.speech_made):
            self._update_pace()  # one more real result to learn the pace from

    def _voice_ready(self, job: LocalJob) -> None:
        """The user asked to hear the voice first: say so, offer to listen, then to make the video."""
        self.statusBar().showMessage(self.tr("The voice for “{name}” is ready.").format(name=job.name), 15000)
        if self.voice_dialog is not None:
            self.voice_dialog.reject()
        dialog = VoiceReadyDialog(job, self.voice_player, self)
        dialog.makeVideo.connect(self._make_video)
        dialog.open()  # never exec(): no nested loop while jobs run
        self.voice_dialog = dialog

    def _make_video(self, job_id: str) -> None:
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
        self.statusBar().showMessage(text, 15000)
        if self.tray is not None and self.settings.notifications:
            self._last_notified = job.id
            icon = (
                QSystemTrayIcon.MessageIcon.Information
                if job.state is State.SAVED
                else QSystemTrayIcon.MessageIcon.Warning
            )
            self.tray.showMessage(APP_NAME, text, icon, 8000)

    async def _show_problem(self, job: LocalJob, message: str) -> None:
        """A job's problem, with details that help: what was asked, answered, and the last steps."""
        self.errors.show(message, await self._report(job))

    async def _report(self, job: LocalJob) -> str:
        """The job's details for support, its history read off the Qt thread."""
        events = await asyncio.to_thread(self.services.store.events, job.id) if self.services is not None else []
        return job_report(job, events)

    async def _copy_details(self, job: LocalJob) -> None:
        QGuiApplication.clipboard().setText(f"{job.error_message}\n\n{await self._report(job)}")
        self.statusBar().showMessage(self.tr("The details of “{name}” were copied.").format(name=job.name), 6000)

    def bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def _save_copy(self, video: Path) -> None:
        """A copy where the user wants it: a video filter, ".mp4" added, starting where they saved
        last (else Videos, else Desktop), and a word when it is done."""
        locations = (
            QStandardPaths.StandardLocation.MoviesLocation,
            QStandardPaths.StandardLocation.DesktopLocation,
            QStandardPaths.StandardLocation.HomeLocation,
        )
        candidates = [self.settings.last_save_dir, *map(QStandardPaths.writableLocation, locations)]
        start = next((Path(c) for c in candidates if c and Path(c).is_dir()), Path.home())
        dialog = QFileDialog(self, self.tr("Save a copy as"), str(start / video.name), self.tr("Videos (*.mp4)"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("mp4")
        dialog.fileSelected.connect(lambda target: self.tasks.spawn(self._copy_video(video, Path(target))))
        dialog.open()  # never exec(): no nested loop while jobs run
        self.save_dialog = dialog

    async def _copy_video(self, video: Path, target: Path) -> None:
        if target.suffix.lower() != ".mp4":
            target = target.with_name(target.name + ".mp4")
        try:
            await asyncio.to_thread(shutil.copyfile, video, target)
        except OSError as exc:
            self.errors.show(
                self.tr("The copy could not be saved in {folder}: {reason}.").format(
                    folder=target.parent, reason=exc.strerror or type(exc).__name__
                ),
                f"{type(exc).__name__}: {exc}",
            )
            return
        self.settings.last_save_dir = str(target.parent)
        await asyncio.to_thread(self.settings.save)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Copy saved"),
            self.tr("A copy of the video was saved as {name}.").format(name=target.name),
            QMessageBox.StandardButton.Ok,
            self,
        )
        show = box.addButton(self.tr("Show in folder"), QMessageBox.ButtonRole.ActionRole)
        box.buttonClicked.connect(lambda button: self.show_in_folder(target) if button is show else None)
        box.open()
        self.saved_copy_box = box

    def show_in_folder(self, path: Path) -> None:
        self.tasks.spawn(self._show_in_folder(path))

    async def _show_in_folder(self, path: Path) -> None:
        """The file manager, with the file selected; when none answers, the path, to copy."""
        if await reveal(path):
            return
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Where it is"),
            self.tr("No file manager opened. It is here:\n{path}").format(path=path),
            QMessageBox.StandardButton.Close,
            self,
        )
        copy = box.addButton(self.tr("Copy path"), QMessageBox.ButtonRole.ActionRole)
        box.buttonClicked.connect(lambda b: QGuiApplication.clipboard().setText(str(path)) if b is copy else None)
        box.open()
        self.where_box = box

    def _focus_last_notified(self) -> None:
        self.bring_to_front()
        if self._last_notified:
            self.library.select_job(self._last_notified)

    def _update_title(self) -> None:
        running = self.model.running_count()
        title = APP_NAME + (self.tr(" — demo") if self.demo else "")
        if running:
            title += self.tr(" ({n} running)").format(n=running)
            left = time_left(self.model.remaining_seconds())
            if left and running > 1:  # the group: when all of them are likely ready
                title += f" · {self.tr('all')} {self.tr(left)}"
        self.setWindowTitle(title)
        if self.tray is not None:
            self.tray.setToolTip(title)

    def _engine_stopped(self, message: str, detail: str) -> None:
        """Nothing more can be recorded: say so where it stays visible, and in a dialog."""
        self._show_banner(message, problem=True)
        self.errors.show(message, detail)

    def _online(self, online: bool) -> None:
        self.online_label.setText("" if online else self.tr("Offline — waiting for the connection"))

    def play(self, job: LocalJob) -> None:
        if job.state is State.VOICE_READY:
            self._voice_ready(job)
            return
        if job.state is State.SAVED and job.output_path and Path(job.output_path).exists():
            self.player.load(Path(job.output_path))

    def _action(self, name: str, job: LocalJob) -> None:
        services, action = self.services, LibraryAction(name)
        if action is LibraryAction.PLAY:
            self.play(job)
        elif action is LibraryAction.FOLDER and job.output_path:
            self.show_in_folder(Path(job.output_path))
        elif action is LibraryAction.SAVE_AS and job.output_path:
            self._save_copy(Path(job.output_path))
        elif action is LibraryAction.COPY_LINK and job.video_url:
            QGuiApplication.clipboard().setText(job.video_url)
            self.statusBar().showMessage(
                self.tr("Link copied. It works for at least 7 days after the video was made."), 6000
            )
        elif action is LibraryAction.RETRY and services is not None:
            if job.speech_made and job.remote_id is None and audio_too_long(job.model, job.audio_seconds or 0.0):
                self._retry_with_longer_model(job)
            else:
                self.tasks.spawn(services.engine.retry(job.id))
        elif action is LibraryAction.AGAIN and job.script and job.voice_id:
            self.create_panel.fill_script(job.image.source, job.script, job.voice_id, job.model, job.name)
        elif action is LibraryAction.AGAIN:
            self.create_panel.fill(
                job.image.source, job.audio.source, job.model, job.name, job.text_prompt, job.guidance
            )
        elif action is LibraryAction.LISTEN and job.speech_made:
            self.voice_player.toggle(job.audio.source)
        elif action is LibraryAction.MAKE_VIDEO:
            self._make_video(job.id)
        elif action is LibraryAction.REUSE_VOICE and job.speech_made and job.script:
            from aurora_desktop.jobs.prepare import Script

            script = Script(job.script, job.voice_id or "", job.voice_name or "", speech_id=job.speech_id)
            name = self.tr("{name} (another take)").format(name=job.name)
            self.create_panel.reuse_speech(job.audio.source, script, job.model, name)
        elif action is LibraryAction.DETAILS and services is not None:
            self.tasks.spawn(self._copy_details(job))
        elif action is LibraryAction.RENAME and services is not None:
            self._ask_name(job)
        elif action is LibraryAction.REMOVE and services is not None:
            box = QMessageBox(
                QMessageBox.Icon.Question,
                self.tr("Remove from library"),
                self.tr("Remove “{name}” from the library?").format(name=job.name),
                QMessageBox.StandardButton.Cancel,
                self,
            )
            keep = box.addButton(self.tr("Remove, keep the file"), QMessageBox.ButtonRole.AcceptRole)
            delete = box.addButton(self.tr("Remove and delete the file"), QMessageBox.ButtonRole.DestructiveRole)

            def chosen(button: object) -> None:
                if button in (keep, delete):
                    self.tasks.spawn(self._remove(job, to_trash=button is delete))

            box.buttonClicked.connect(chosen)
            box.open()  # never exec(): no nested loop while jobs run

    def _retry_with_longer_model(self, job: LocalJob) -> None:
        """A voice too long for its model: choose one that takes it; the voice is reused, not paid again."""
        seconds = job.audio_seconds or 0.0
        fitting = [m for m in CATALOG if not audio_too_long(m, seconds)]
        if not fitting:
            self.errors.show(job.error_message or "")
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Choose a longer model"))
        dialog.setLabelText(
            self.tr("The voice is {seconds:.0f} seconds long. Make the video with:").format(seconds=seconds)
        )
        labels = [
            self.tr("{label} ({price} credits)").format(label=m.label, price=credits_text(cost_credits(m, seconds)))
            for m in fitting
        ]
        dialog.setComboBoxItems(labels)
        dialog.setOkButtonText(self.tr("Make the video"))

        def chosen(label: str) -> None:
            model = fitting[labels.index(label)]
            self.tasks.spawn(self._retry_on(job, model.key))

        dialog.textValueSelected.connect(chosen)
        dialog.open()  # never exec(): no nested loop
        self.model_dialog = dialog

    async def _retry_on(self, job: LocalJob, model: str) -> None:
        if self.services is None:
            return
        await self.services.engine.change_model(job.id, model)
        await self.services.engine.retry(job.id)

    def _ask_name(self, job: LocalJob) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Rename"))
        dialog.setLabelText(self.tr("New name for “{name}”:").format(name=job.name))
        dialog.setTextValue(job.name)
        dialog.textValueSelected.connect(lambda name: self.tasks.spawn(self._rename(job, name)))
        dialog.open()  # never exec(): no nested loop
        self.rename_dialog = dialog

    async def _rename(self, job: LocalJob, name: str) -> None:
        if self.services is None or not name.strip():
            return
        await self.services.engine.rename(job.id, name)

    async def _remove(self, job: LocalJob, *, to_trash: bool) -> None:
        """Out of the list at once (the player lets go of it); its files to the system's Trash,
        never deleted outright; "Undo" puts everything back for a few seconds."""
        self._commit_removal()  # one pending removal at a time
        trashed: list[trash.Trashed] = []
        if job.output_path:
            video = Path(job.output_path)
            self.player.release(video)
            if to_trash:
                for path in (video, *sidecar_paths(video)):
                    moved = await asyncio.to_thread(trash.to_trash, path, paths.holding_dir())
                    if moved is not None:
                        trashed.append(moved)
                if not trashed and video.exists():
                    self.errors.show(self.tr("The video could not be moved to the Trash; it was kept."))
                    return
        self.model.remove(job.id)
        self._pending_removal = (job, trashed)
        self._removal_timer.start()
        self.undo_remove.setVisible(True)
        self.statusBar().showMessage(self.tr("Removed “{name}”.").format(name=job.name), REMOVE_UNDO_MS)

    def _undo_removal(self) -> None:
        self._removal_timer.stop()
        self.undo_remove.setVisible(False)
        if self._pending_removal is None:
            return
        job, trashed = self._pending_removal
        self._pending_removal = None
        for item in trashed:
            try:
                trash.put_back(item)  # from where the OS's Trash (or the holding folder) has it
            except OSError as exc:
                self.errors.show(
                    self.tr("“{name}” could not be put back from the Trash; it is there as {path}.").format(
                        name=item.original.name, path=item.moved
                    ),
                    f"{type(exc).__name__}: {exc}",
                )
        self.model.upsert(job)
        self.statusBar().showMessage(self.tr("“{name}” is back.").format(name=job.name), 5000)

    def _take_pending_removal(self) -> LocalJob | None:
        """The time to undo is over: files held (no Trash for them) go to the Trash now."""
        self._removal_timer.stop()
        self.undo_remove.setVisible(False)
        pending, self._pending_removal = self._pending_removal, None
        if pending is None:
            return None
        job, trashed = pending
        for item in trashed:
            if (kept := trash.finish(item)) is not None:
                self.errors.show(
                    self.tr("“{name}” could not be moved to the Trash; it was kept as {path}.").format(
                        name=item.original.name, path=kept
                    )
                )
        return job

    def _commit_removal(self) -> None:
        """The time to undo is over: out of the library for good (its files are in the Trash)."""
        job = self._take_pending_removal()
        if job is not None and self.services is not None:
            self.tasks.spawn(self.services.engine.remove(job.id, delete_file=False))

    # ================================================================== settings

    def open_settings(self, tab: str = "") -> None:
        from aurora_desktop.ui.settings_dialog import SettingsDialog  # on first use: not on the start-up path

        dialog = SettingsDialog(
            self.settings, self.secrets, self.tasks, self, api_base=self.options.api_base or "", tab=tab
        )
        dialog.saved.connect(self._settings_saved)
        dialog.open()
        self.settings_dialog = dialog

    def _settings_saved(self, settings: Settings, keys_work: bool) -> None:
        self.settings = settings
        self.create_panel.photo_background = settings.photo_background
        self.theme.set_choice(settings.theme)
        if not self.demo or self.services is None:
            self.tasks.spawn(self._open(demo=False), key="services")
        elif keys_work:
            self._offer_account()

    def _offer_account(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Switch to your account?"),
            self.tr("Your Creatify keys work. Switch from the demo to your account now?"),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        switch = box.addButton(self.tr("Switch to my account"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Stay in the demo"), QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(
            lambda button: self.tasks.spawn(self._open(demo=False), key="services") if button is switch else None
        )
        box.open()
        self.switch_box = box

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
            self.statusBar().showMessage(
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
            await asyncio.wait_for(self._close_services(), SHUTDOWN_TIMEOUT)
        except (TimeoutError, Exception):  # never hang on exit
            log.exception("shutdown was not clean")
        self.secrets.close()
        if self.tray is not None:
            self.tray.hide()
        self.hide()
        self.closed.emit()
        self.close()
