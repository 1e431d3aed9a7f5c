"""GUI test plumbing: a qasync loop per test, driven by qtbot's waits (docs/architecture.md, "Async on the Qt loop")."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from aurora_desktop import paths
from aurora_desktop.api import client as api_client
from aurora_desktop.ui.main_window import AppOptions, MainWindow
from tests.fixtures.sandbox import FAST_RETRY, Sandbox

_SESSION_LOOP: list[qasync.QEventLoop] = []
_KEEP: list[MainWindow] = []


@pytest.fixture(scope="session", autouse=True)
def _join_qasync_threads() -> Iterator[None]:
    """qasync runs asyncio.to_thread work on QThreads; a QThread still running when
    Python exits aborts the process (exit 134). The app closes its loop, which joins
    them; the tests' loop is never closed, so join its executor at the end."""
    yield
    for loop in _SESSION_LOOP:
        executor = getattr(loop, "_QEventLoop__default_executor", None)  # qasync keeps it private
        if executor is not None:
            executor.shutdown(wait=True)


@pytest.fixture
def qloop(qapp: QApplication, qtbot) -> Iterator[qasync.QEventLoop]:
    """One qasync loop for the whole session, "already running": Qt's own loop (spun
    by qtbot waits) runs the coroutines. Never stopped: loop.stop() would make every
    later qtbot wait return at once. Leftover tasks are cancelled after each test."""
    if not _SESSION_LOOP:
        _SESSION_LOOP.append(qasync.QEventLoop(qapp, already_running=True))
    loop = _SESSION_LOOP[0]
    asyncio.set_event_loop(loop)
    asyncio.events._set_running_loop(loop)
    yield loop
    leftovers = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in leftovers:
        task.cancel()
    qtbot.waitUntil(lambda: all(t.done() for t in leftovers), timeout=5_000)
    asyncio.events._set_running_loop(None)  # plain asyncio.run() works again outside GUI tests


@pytest.fixture
def open_window(qtbot, qloop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., MainWindow]:
    """open_window(sandbox=..., profile=...) -> a shown MainWindow whose services are up."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")  # never the developer's keyring
    # The window's clients (services, settings tests, connect) retry quickly, as the tests' own do:
    # a refused connection is not waited out for the production policy's ~9 s of back-off.
    monkeypatch.setattr(api_client, "DEFAULT_RETRY", FAST_RETRY)
    windows: list[MainWindow] = []

    def factory(
        sb: Sandbox | None = None,
        *,
        profile: Path | None = None,
        demo: bool = False,
        wait_ready: bool = True,
        keys_in_env: bool = True,
        hosting: str = "sandbox",
    ) -> MainWindow:
        paths.use_profile(profile or tmp_path / "profile")
        if sb is not None:
            if keys_in_env:
                monkeypatch.setenv("AURORA_API_ID", sb.proc.api_id)
                monkeypatch.setenv("AURORA_API_KEY", sb.proc.api_key)
            else:
                monkeypatch.delenv("AURORA_API_ID", raising=False)
                monkeypatch.delenv("AURORA_API_KEY", raising=False)
            options = AppOptions(api_base=sb.url, hosting=hosting)
        else:
            monkeypatch.delenv("AURORA_API_ID", raising=False)
            monkeypatch.delenv("AURORA_API_KEY", raising=False)
            options = AppOptions(sandbox=demo, sandbox_args=["--job-seconds", "2"])
        window = MainWindow(options)  # closed by us below (qtbot.addWidget would delete it mid-shutdown)
        window.show()
        if wait_ready:
            with qtbot.waitSignal(window.servicesReady, timeout=30_000):
                window.start()
        else:
            window.start()
        windows.append(window)
        return window

    yield factory
    for window in windows:
        if not window._closing:
            with qtbot.waitSignal(window.closed, timeout=15_000):
                window.close()
    # Windows are closed (services stopped, players stopped) but not deleted: destroying
    # QtMultimedia objects mid-run has crashed Qt's FFmpeg threads; the process ends them.
    qtbot.wait(200)  # let the loop finish closing sockets the services released
    _KEEP.extend(windows)
    paths.use_profile(None)
