"""QApplication + qasync bootstrap, excepthook, and the window.

Order matters (docs/architecture.md, "Async on the Qt loop"): PySide6 is imported before qasync, the loop
is created and set before any widget exists, and the app quits itself after
the window has closed its services, within bounded time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import logging.handlers
import sys

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from aurora_desktop import APP_ID, APP_NAME, __version__, paths
from aurora_desktop.instance import AlreadyRunning, ProfileLock, instance_name
from aurora_desktop.platform_signals import install_interrupt_handlers

EXIT_ALREADY_RUNNING = 5  # the same code as the headless commands use
QUITS_HEEDED = 20  # Qt's loop ended under the window this often: it goes without waiting more

log = logging.getLogger(__name__)


def setup_logging() -> None:
    handler = logging.handlers.RotatingFileHandler(
        paths.log_dir() / "aurora-desktop.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per poll is noise, not news


def run(args: argparse.Namespace) -> int:
    setup_logging()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setQuitOnLastWindowClosed(False)  # we quit ourselves, after tidying up

    # One engine per profile: a second start brings the first window forward instead.
    lock, name = ProfileLock(paths.data_dir()), instance_name(paths.data_dir())
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        from aurora_desktop.ui.activation import activate_running

        if activate_running(name):
            log.info("already running with this profile: brought that window to the front")
            return 0
        print(exc.user_message, file=sys.stderr)
        return EXIT_ALREADY_RUNNING
    try:
        return _run_window(app, args, name)
    finally:
        lock.release()


def _run_window(app: QApplication, args: argparse.Namespace, instance: str) -> int:
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    from aurora_desktop.ui.activation import ActivationServer
    from aurora_desktop.ui.first_paint import after_first_paint
    from aurora_desktop.ui.main_window import AppOptions, MainWindow

    window = MainWindow(AppOptions(sandbox=args.sandbox, api_base=args.api_base))
    sys.excepthook = window.errors.excepthook
    ActivationServer(instance, window).activated.connect(window.bring_to_front)
    done = asyncio.Event()
    window.closed.connect(done.set)

    def close_as_asked(why: str) -> None:
        """A signal, the desktop session ending or Qt quitting: the same close as the close
        button's (players let go, services and the demo's stand-in stop), never an abrupt end."""
        if not done.is_set():
            log.info("%s: closing as the close button does", why)
            window.close()

    stop_listening = install_interrupt_handlers(loop, lambda: close_as_asked("asked to stop (a signal)"))
    app.commitDataRequest.connect(lambda _manager: close_as_asked("the desktop session is ending"))
    window.show()
    after_first_paint(window, window.start)  # the engine and the library follow the window
    if args.quit_after is not None:
        QTimer.singleShot(int(args.quit_after * 1000), window.close)
    with loop:
        for _ in range(QUITS_HEEDED):
            try:
                loop.run_until_complete(done.wait())
                break
            except RuntimeError:  # Qt's loop was ended under us (the session ends): close, then go
                close_as_asked("asked to quit")
        with contextlib.suppress(RuntimeError):  # ended under us again: nothing is left to wait for
            loop.run_until_complete(asyncio.sleep(0.1))  # closed connections finish closing
        stop_listening()
    log.info("bye")
    return 0
