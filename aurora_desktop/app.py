"""QApplication + qasync bootstrap, and wiring services into the window.

The real window is built in a later issue; this one proves the plumbing: the
qasync loop runs httpx on the Qt thread without freezing it, demo mode starts
the sandbox process, and everything shuts down within bounded time.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os

# PySide6 must be imported before qasync so qasync binds to it (ENGINEERING.md 3).
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QVBoxLayout, QWidget

import qasync

from aurora_desktop import APP_NAME, __version__
from aurora_desktop.api import ApiError, AuroraClient, Credentials
from aurora_desktop.api.client import DEFAULT_BASE_URL
from aurora_desktop.sandbox.process import SandboxProcess

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(self, demo: bool) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("{app} — demo mode").format(app=APP_NAME) if demo else APP_NAME)
        self.resize(960, 600)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        self.mode_label = QLabel(
            self.tr("Demo mode: a local stand-in for Creatify makes the videos. Nothing is spent.")
            if demo else self.tr("Connected to Creatify."), body)
        self.credits_label = QLabel(self.tr("Checking your credits…"), body)
        self.credits_label.setAccessibleName(self.tr("Remaining credits"))
        layout.addWidget(self.mode_label)
        layout.addWidget(self.credits_label)
        layout.addStretch(1)
        self.setCentralWidget(body)

    def show_credits(self, credits: float) -> None:
        self.credits_label.setText(self.tr("Remaining credits: {n:g}").format(n=credits))

    def show_error(self, message: str) -> None:
        self.credits_label.setText(message)


async def _session(args: argparse.Namespace, app: QApplication) -> int:
    api_id, api_key = os.environ.get("AURORA_API_ID"), os.environ.get("AURORA_API_KEY")
    demo = args.sandbox or not (api_id and api_key)
    sandbox: SandboxProcess | None = None
    if demo:
        sandbox = await asyncio.to_thread(SandboxProcess(["--job-seconds", "8"]).start)
        base, creds = sandbox.url, Credentials(sandbox.api_id, sandbox.api_key)
    else:
        base, creds = args.api_base or DEFAULT_BASE_URL, Credentials(api_id or "", api_key or "")
    window = MainWindow(demo)
    window.show()
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    if args.quit_after is not None:
        QTimer.singleShot(int(args.quit_after * 1000), window.close)
    try:
        async with AuroraClient(creds, base) as client:
            try:
                window.show_credits(await client.remaining_credits())
            except ApiError as exc:
                window.show_error(exc.user_message)
            await closed.wait()
    finally:
        if sandbox is not None:
            await asyncio.to_thread(sandbox.stop)
    return 0


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = QApplication.instance() or QApplication([])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setQuitOnLastWindowClosed(False)  # we quit ourselves, after tidying up
    return qasync.run(_session(args, app))
