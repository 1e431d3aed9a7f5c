"""Renders the main states of the real app under a virtual screen into PNG files.

    make screenshots        (runs this under Xvfb; PNGs land in screenshots/)

States: first run, create panel with a price, a job in progress, a finished
video playing, a click on the position bar, full screen and back, settings, an
input error; then with a sandbox playing Creatify: keys on the welcome page,
"How will Creatify get your files?", the Quick-links consent, the guided
storage steps and a share link. Demo mode (the sandbox) makes the
video, in a throwaway profile.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import qasync
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aurora_desktop import paths
from aurora_desktop.jobs.model import State
from aurora_desktop.ui.job_model import PhaseRole
from aurora_desktop.ui.main_window import MainWindow


async def until(check: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("state not reached")
        await asyncio.sleep(0.1)


def shot(out: Path, name: str) -> None:
    QApplication.processEvents()
    QGuiApplication.primaryScreen().grabWindow(0).save(str(out / f"{name}.png"))
    print("wrote", out / f"{name}.png")


async def main(out: Path) -> None:
    from aurora_desktop.ui.main_window import AppOptions

    window = MainWindow(AppOptions(sandbox_args=["--job-seconds", "12"]))
    window.move(0, 0)
    window.resize(1280, 800)
    window.show()
    window.start()
    await until(lambda: window.pages.currentWidget() is window.welcome)
    await asyncio.sleep(0.5)
    shot(out, "01-first-run")

    window.start_demo()
    panel = window.create_panel
    await until(panel.generate_button.isEnabled)
    await asyncio.sleep(0.5)
    shot(out, "02-create-with-price")

    panel.generate_button.click()
    job = lambda: window.model.index(0).data(Qt.ItemDataRole.UserRole + 1) if window.model.rowCount() else None  # noqa: E731
    phase = lambda: window.model.index(0).data(PhaseRole) if window.model.rowCount() else None  # noqa: E731
    await until(lambda: phase() is not None and phase()[0] == "generating" and phase()[1] > 0.3)
    await asyncio.sleep(0.3)
    shot(out, "03-job-in-progress")

    await until(lambda: job().state is State.SAVED)
    await until(lambda: window.player.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState)
    await asyncio.sleep(2.5)
    shot(out, "04-video-playing")
    window.player.pause()

    # The player's own checks under a real window manager: a click on the bar seeks there,
    # full screen keeps its controls, and Esc brings the picture back into the window.
    bar = window.player.seek
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=QPoint(int(bar.width() * 0.75), bar.height() // 2))
    await asyncio.sleep(0.5)
    shot(out, "07-seek-clicked")
    window.player.full.click()
    await until(window.player.is_full_screen)
    await asyncio.sleep(0.8)
    shot(out, "08-full-screen")
    QTest.keyClick(window.player, Qt.Key.Key_Escape)
    await until(lambda: not window.player.is_full_screen())
    await asyncio.sleep(0.8)
    shot(out, "09-full-screen-left")

    window.open_settings()
    await asyncio.sleep(1.0)
    shot(out, "05-settings")
    for widget in QApplication.topLevelWidgets():
        if widget is not window and widget.isVisible():
            widget.close()

    bad = out / "not-a-photo.png"
    bad.write_text("this is not a picture")
    panel.set_image(str(bad))
    await until(lambda: bool(panel.image_zone.warning.text()))
    window.errors.show(
        "Creatify did not accept your API ID and key. Check them in Settings (copy both from the "
        "API Dashboard of your Creatify account).",
        "GET /api/remaining_credits/ -> HTTP 401",
    )
    await asyncio.sleep(0.8)
    shot(out, "06-errors")
    bad.unlink()
    for dialog in window.errors.dialogs:
        dialog.close()
    await script_path(window, out)
    await real_service_path(window, out)
    window.close()
    await until(lambda: window._closing and not window.isVisible(), timeout=20)


async def script_path(window: MainWindow, out: Path) -> None:
    """Type a script: the voice picker and both prices; then the voice heard before the video."""
    panel = window.create_panel
    panel.set_image(str(paths.resource("samples", "portrait.png")))
    panel.show_script()
    script = panel.script_panel
    await until(lambda: len(script.voices) > 0)
    script.search.setText("ava british")
    script.list.setCurrentRow(0)
    script.search.clear()
    script.favourite.click()
    script.editor.setPlainText(
        "Hi, I'm Ava from the corner bakery. This week every loaf of sourdough comes with a free coffee. "
        "See you on Saturday!"
    )
    script.hear_first.setChecked(True)
    await until(panel.generate_button.isEnabled)
    await asyncio.sleep(0.5)
    shot(out, "15-type-a-script")
    panel.generate_button.click()
    await until(lambda: window.voice_dialog is not None and window.voice_dialog.isVisible(), timeout=90)
    await asyncio.sleep(0.8)
    shot(out, "16-voice-ready")
    window.voice_dialog.reject()
    script.hear_first.setChecked(False)
    panel.voice_tabs.setCurrentWidget(panel.audio_zone)


async def real_service_path(window: MainWindow, out: Path) -> None:
    """Issue 9: keys on the welcome page, "How will Creatify get your files?", the Quick-links
    consent, the guided storage steps and a share link, with a sandbox playing Creatify."""
    from aurora_desktop.sandbox.process import SandboxProcess

    panel = window.create_panel
    service = SandboxProcess(["--job-seconds", "4"]).start()
    try:
        window.options.api_base, window.options.hosting = service.url, "auto"
        panel.clear()
        window.mode_switch.account.click()
        await until(lambda: window.pages.currentWidget() is window.welcome)
        window.welcome.api_id.setText(f"{service.api_id}:{service.api_key}")
        await asyncio.sleep(0.5)
        shot(out, "10-welcome-keys")
        window.welcome.connect_button.click()
        await until(lambda: not window.demo and window.services is not None and window.create_panel.remaining)
        panel.set_image(str(paths.resource("samples", "portrait.png")))
        panel.set_audio(str(paths.resource("samples", "voice.wav")))
        await until(panel.sharing.isVisible)
        await asyncio.sleep(0.5)
        shot(out, "11-how-will-creatify-get-your-files")
        panel.sharing.quick.click()
        consent = window.findChild(QMessageBox, "quick-links-consent")  # asked with ui/ask.py: no attribute
        await until(lambda: consent is not None and consent.isVisible())
        await asyncio.sleep(0.5)
        shot(out, "12-quick-links-consent")
        consent.reject()

        window.open_settings(tab="sharing")
        dialog = window.settings_dialog
        dialog.sharing_storage.setChecked(True)
        setup = dialog.storage_setup
        setup.provider.setCurrentIndex(setup.provider.findData("r2"))
        setup.inputs["account_id"].setText("my-account")
        setup.inputs["bucket"].setText("aurora-inputs")
        await asyncio.sleep(0.8)
        shot(out, "13-guided-storage")
        dialog.reject()

        panel.clear()
        panel.image_zone.link.setText("https://www.dropbox.com/scl/fi/x9y8z7/portrait.png?rlkey=abc&dl=0")
        panel.image_zone.link.editingFinished.emit()
        await asyncio.sleep(2.0)
        shot(out, "14-share-link")
        panel.clear()
    finally:
        await asyncio.to_thread(service.stop)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent"  # first run: no keys anywhere
    os.environ.pop("AURORA_API_ID", None)
    os.environ.pop("AURORA_API_KEY", None)
    with tempfile.TemporaryDirectory() as profile:
        paths.use_profile(profile)
        # AURORA_THEME=light|dark renders the other theme (make screenshots runs both).
        look = os.environ.get("AURORA_THEME", "light")
        (Path(profile) / "config").mkdir(parents=True, exist_ok=True)
        (Path(profile) / "config" / "settings.json").write_text(f'{{"theme": "{look}"}}')
        app = QApplication(sys.argv[:1])
        app.setQuitOnLastWindowClosed(False)
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            loop.run_until_complete(main(out))
    sys.stdout.flush()
    os._exit(0)  # skip PySide6's interpreter-exit teardown (see tests/conftest.py)
