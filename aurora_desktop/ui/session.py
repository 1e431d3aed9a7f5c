"""The window's session: which services run (the demo's stand-in or the user's account), with
which keys, and what the user sees of it (the mode switch, the banner, the credits).

It opens and closes the services, connects with keys typed on the welcome page, keeps the
credits fresh, offers a new list when the library is damaged, and turns quick links on. The
services, the engine's bridge and the store are imported where they are used, after the
window's first paint (docs/architecture.md, "Start-up").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from aurora_desktop import paths
from aurora_desktop.api.credentials import Credentials
from aurora_desktop.api.errors import (
    ApiError,
    AuthError,
    NetworkError,
    RateLimitedError,
    ServerUnavailableError,
    as_test_result,
)
from aurora_desktop.errors import UserError
from aurora_desktop.formatting import credits_text
from aurora_desktop.hosting import NoHosting
from aurora_desktop.jobs.model import LocalJob
from aurora_desktop.secrets import API_ID, API_KEY, SecretsUnavailable
from aurora_desktop.settings import Settings, Sharing
from aurora_desktop.ui import theme
from aurora_desktop.ui.ask import Answer, Icon, Role, ask, ask_with
from aurora_desktop.ui.first_paint import after_first_paint
from aurora_desktop.ui.frame import Frame
from aurora_desktop.ui.sharing import consent_box

if TYPE_CHECKING:
    from aurora_desktop.jobs.store_health import StoreDamaged
    from aurora_desktop.services import Services
    from aurora_desktop.ui.bridge import EngineBridge

log = logging.getLogger(__name__)
SHUTDOWN_TIMEOUT = 5.0
FIRST_SCREENFUL = 40  # more library rows than the tallest screen shows at once
# Seconds between checks of a balance Creatify could not be asked for (then every minute).
CREDITS_RETRY_SECONDS: tuple[float, ...] = (5.0, 15.0, 30.0, 60.0)


class Session(QObject):
    opened = Signal()  # services are up (the window's servicesReady)

    def __init__(self, frame: Frame) -> None:
        super().__init__(frame.widget())
        self.frame = frame
        self.services: Services | None = None
        self.bridge: EngineBridge | None = None
        self.demo = False
        # Set by the window: a removal still waiting for its undo ends when the services close.
        self.before_close: Callable[[], LocalJob | None] = lambda: None

    # ------------------------------------------------------------------ modes

    def start(self) -> None:
        self.frame.tasks.spawn(self._start(), key="services")

    async def _show_first_screenful(self) -> None:
        """The newest videos, read on their own (read-only) before the services open: the library
        is seen at once, not after the store's full check, the keys, the demo service and the
        engine (whose imports alone hold the loop for a few tenths of a second, so the rows are
        painted before they start). The whole library replaces them when the services are up."""
        from aurora_desktop.jobs.store import DB_NAME, peek_newest

        jobs = await asyncio.to_thread(peek_newest, paths.data_dir() / DB_NAME, FIRST_SCREENFUL)
        if not jobs or self.services is not None or self.frame.model.rowCount():
            return
        self.frame.model.reset(jobs)
        viewport = self.frame.library.view.viewport()
        if viewport.isVisible():
            painted: asyncio.Future[None] = asyncio.get_running_loop().create_future()

            def seen() -> None:
                if not painted.done():
                    painted.set_result(None)

            after_first_paint(viewport, seen, at_latest_ms=300)
            await painted

    async def _start(self) -> None:
        await self._show_first_screenful()
        if self.frame.options.sandbox or self.frame.settings.mode == "demo":
            await self.open(demo=True)
            return
        if await self._has_keys():
            await self.open(demo=False)
        else:
            self.frame.show_welcome()

    async def _has_keys(self) -> bool:
        try:
            return await self.frame.secrets.api_credentials() is not None
        except Exception:  # noqa: BLE001 - no keyring at all: the welcome view offers both paths
            return False

    def start_demo(self) -> None:
        frame = self.frame
        if self.demo and self.services is not None:
            frame.mode_switch.show_mode(demo=True)
            frame.show_work()
            return
        empty = not (frame.create_panel.image_source or frame.create_panel.audio_source)
        frame.tasks.spawn(self.open(demo=True, samples=empty), key="services")

    def use_account(self) -> None:
        """The mode switch's "My account": the account if keys are set, else where to enter them."""
        self.frame.tasks.spawn(self._use_account(), key="services")

    async def _use_account(self) -> None:
        if not self.demo and self.services is not None:
            return
        if await self._has_keys():
            await self.open(demo=False)
        else:
            await self.close_services()
            self.demo = False
            self.frame.notifier.update_title(demo=False)
            self.frame.show_welcome()

    def open_account(self) -> None:
        self.frame.tasks.spawn(self.open(demo=False), key="services")

    # ------------------------------------------------------------------ keys

    def connect_with(self, api_id: str, api_key: str) -> None:
        self.frame.tasks.spawn(self._connect(api_id, api_key), key="connect")

    async def _connect(self, api_id: str, api_key: str) -> None:
        """The welcome page's Connect: test the keys with Creatify, keep them, open the account."""
        frame, welcome, secrets = self.frame, self.frame.welcome, self.frame.secrets
        welcome.set_busy(True)
        try:
            credits = await self._test_keys(Credentials(api_id, api_key))
        except AuthError:
            welcome.show_rejected()  # the fields to fix are on the welcome page, not in Settings
            return
        except ApiError as exc:
            welcome.show_status(as_test_result(exc), problem=True)
            return
        finally:
            welcome.set_busy(False)
        note = ""
        try:
            await secrets.set(API_ID, api_id)
            await secrets.set(API_KEY, api_key)
        except SecretsUnavailable as exc:
            # Never trap the user: keep the keys in memory for this session and say so.
            secrets.use_session_only()
            await secrets.set(API_ID, api_id)
            await secrets.set(API_KEY, api_key)
            note = " " + self.tr("{problem} Your keys are kept until you close the app.").format(
                problem=exc.user_message
            )
        welcome.show_status(self.tr("Connected."))
        await self.open(demo=False)
        frame.notifier.status(
            self.tr("Connected to Creatify. Remaining credits: {n}.").format(n=credits_text(credits)) + note, 15000
        )

    def api_base(self) -> str:
        """Which API address the account uses (`endpoint.address`: the one given at start, else
        Settings', else Creatify's), the same answer as the settings, the services and the CLI."""
        from aurora_desktop import endpoint

        return endpoint.address(self.frame.options.api_base, self.frame.settings)[0]

    async def _test_keys(self, credentials: Credentials) -> Decimal:
        from aurora_desktop.api.client import credits_with

        return await credits_with(credentials, self.api_base())

    # ------------------------------------------------------------------ services

    async def open(self, *, demo: bool, samples: bool = False) -> None:
        from aurora_desktop.jobs.store_health import StoreDamaged
        from aurora_desktop.services import CredentialsMissing, open_services
        from aurora_desktop.ui.bridge import EngineBridge

        frame = self.frame
        await self.close_services()
        frame.show_work()
        frame.notifier.status(self.tr("Starting…"))
        try:
            self.services = await open_services(
                sandbox=demo,
                api_base=frame.options.api_base,
                hosting=frame.options.hosting,
                settings=frame.settings,
                sandbox_args=frame.options.sandbox_args,
                secrets=frame.secrets,
            )
        except CredentialsMissing as exc:
            frame.show_welcome()
            frame.welcome.show_status(exc.user_message, problem=True)
            return
        except StoreDamaged as exc:
            frame.model.reset([])  # no rows read ahead from a damaged file
            self._offer_new_library(exc, demo=demo, samples=samples)
            return
        except UserError as exc:  # unreachable storage, an unsafe API address, ...
            frame.errors.show(exc.user_message, exc.detail)
            return
        self.demo = demo
        frame.mode_switch.show_mode(demo=demo)
        if frame.settings.mode != ("demo" if demo else "account"):
            frame.settings.mode = "demo" if demo else "account"
            frame.settings.save()
        self.show_banner(
            self.tr(
                "Demo mode: videos are made by a local stand-in on this computer. "
                "Nothing is uploaded and nothing is spent."
            )
            if demo
            else ""
        )
        frame.create_panel.set_demo(demo)
        frame.create_panel.set_sharing_ready(not isinstance(self.services.hoster, NoHosting))
        self.bridge = EngineBridge(self.services.engine, self)
        self.bridge.jobChanged.connect(frame.job_changed)
        self.bridge.jobRemoved.connect(frame.model.remove)
        self.bridge.progress.connect(frame.model.set_progress)
        self.bridge.onlineChanged.connect(frame.notifier.online)
        self.bridge.onlineChanged.connect(self._online)
        self.bridge.notice.connect(lambda text: frame.notifier.status(text, 10000))
        self.bridge.stopped.connect(frame.engine_stopped)
        frame.model.reset(await self.services.engine.library())
        frame.voices.services_opened()
        resumed = await self.services.engine.start()
        frame.notifier.update_title(demo=demo)
        if resumed:
            frame.notifier.status(self.tr("Continuing {n} unfinished video(s).").format(n=len(resumed)), 8000)
        else:
            frame.notifier.clear_status()
        if samples:
            frame.create_panel.fill(
                str(paths.resource("samples", "portrait.png")),
                str(paths.resource("samples", "voice.wav")),
                frame.settings.default_model,
                self.tr("My first talking portrait"),
                None,
                None,
            )
        self.refresh_credits()
        self.opened.emit()

    def _offer_new_library(self, exc: StoreDamaged, *, demo: bool, samples: bool) -> None:
        """Say so first; only with the user's yes is the damaged file kept aside and a new list begun."""
        self.frame.notifier.status(self.tr("Your list of videos cannot be read."))

        def chosen(fresh: bool) -> None:
            if fresh:
                self.frame.tasks.spawn(self._start_new_library(exc.path, demo=demo, samples=samples), key="services")
            else:
                self.frame.close()

        ask(
            self.frame.widget(),
            self.tr("Your list of videos is damaged"),
            exc.user_message,
            [
                Answer(self.tr("Keep it aside and start a new list"), True),
                Answer(self.tr("Quit"), False, Role.RejectRole),
            ],
            chosen,
            cancel=False,
            icon=Icon.Warning,
            detail=exc.detail,
        )

    async def _start_new_library(self, path: Path, *, demo: bool, samples: bool) -> None:
        from aurora_desktop.jobs.store_health import set_aside

        aside = await asyncio.to_thread(set_aside, path)
        await self.open(demo=demo, samples=samples)
        self.frame.notifier.status(
            self.tr("The damaged list was kept as {name} in {folder}.").format(name=aside.name, folder=aside.parent),
            20000,
        )

    async def close_services(self) -> None:
        job = self.before_close()  # closing (or switching) ends the time to undo
        if job is not None and self.services is not None:
            await self.services.engine.remove(job.id, delete_file=False)
        await self.frame.tasks.stop("credits")  # a balance request in flight uses the client about to close
        if self.bridge is not None:
            self.bridge.detach()
            self.bridge.deleteLater()
            self.bridge = None
        if self.services is not None:
            services, self.services = self.services, None
            await asyncio.wait_for(services.close(), SHUTDOWN_TIMEOUT)

    # ------------------------------------------------------------------ credits and the banner

    def refresh_credits(self) -> None:
        self.frame.tasks.spawn(self._refresh_credits(), key="credits")

    async def _refresh_credits(self) -> None:
        panel = self.frame.create_panel
        waited = 0
        while self.services is not None:
            try:
                credits = await self.services.client.remaining_credits()
            except AuthError as exc:
                # Wrong or revoked keys: say so in the window, never a dialog at every start;
                # Settings and the demo stay one click away.
                panel.set_credits(None)
                self.show_banner(
                    self.tr("{problem} Check your keys in Settings, or switch to the demo.").format(
                        problem=exc.user_message
                    ),
                    problem=True,
                )
                return
            except (NetworkError, ServerUnavailableError, RateLimitedError):
                # Not "checking…" for ever: say it could not be checked, and check again by
                # itself (sooner if a job finds Creatify again: online -> refresh_credits).
                panel.set_credits(None, unchecked=True)
                await asyncio.sleep(CREDITS_RETRY_SECONDS[min(waited, len(CREDITS_RETRY_SECONDS) - 1)])
                waited += 1
                continue
            except ApiError as exc:
                panel.set_credits(None, unchecked=True)
                self.show_banner(exc.user_message, problem=True)
                return
            panel.set_credits(credits)
            if not self.demo:
                self.show_banner("")
            return

    def _online(self, online: bool) -> None:
        """Creatify answers again: a balance that could not be read is read now."""
        if online and self.frame.create_panel.credits_unchecked:
            self.refresh_credits()

    def show_banner(self, text: str, *, problem: bool = False) -> None:
        banner = self.frame.banner
        banner.setText(text)
        theme.set_state(banner, "problem", problem)
        banner.setVisible(bool(text))

    # ------------------------------------------------------------------ settings and sharing

    def settings_saved(self, settings: Settings, keys_work: bool) -> None:
        frame = self.frame
        frame.settings = settings
        frame.create_panel.photo_background = settings.photo_background
        if not self.demo or self.services is None:
            self.open_account()
        elif keys_work:
            ask(
                frame.widget(),
                self.tr("Switch to your account?"),
                self.tr("Your Creatify keys work. Switch from the demo to your account now?"),
                [
                    Answer(self.tr("Switch to my account"), True),
                    Answer(self.tr("Stay in the demo"), False, Role.RejectRole),
                ],
                lambda switch: self.open_account() if switch else None,
                cancel=False,
            )

    def choose_sharing(self, choice: str) -> None:
        """The create panel's "How will Creatify get your files?"."""
        if choice == Sharing.STORAGE:
            self.frame.open_settings(tab="sharing")
            return
        if self.frame.settings.quick_links_consent:
            self._use_quick_links()
            return
        box, accept = consent_box(self.frame.widget())
        ask_with(box, {accept: True}, lambda yes: self._use_quick_links() if yes else None, cancel=False)

    def _use_quick_links(self) -> None:
        frame = self.frame
        frame.settings.sharing = Sharing.QUICK
        frame.settings.quick_links_consent = True
        frame.settings.save()
        if self.services is not None and not self.demo:
            from aurora_desktop.hosting.quick import QuickLinkHoster

            self.services.hoster = QuickLinkHoster()
            self.services.engine.use_hoster(self.services.hoster)
            frame.create_panel.set_sharing_ready(True)
        frame.notifier.status(
            self.tr("Quick links are on: each file is public for at most 1 hour. Change this in Settings → Sharing."),
            10000,
        )
