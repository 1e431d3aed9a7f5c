"""`aurora-desktop --smoke-test`: proves a build works, headless, in one JSON line.

Checks, in order: versions; the keyring backend found; a QtMultimedia backend
that plays the bundled voice clip to EndOfMedia; one whole sandbox job (host ->
create -> poll -> download) whose video then plays to EndOfMedia. Exit 0 when
all pass; otherwise exit 1 with the reason in the JSON line.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def long_version() -> dict[str, str]:
    """Versions of the pieces a bug report needs (also --long-version)."""
    import httpx
    import keyring
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from aurora_desktop import __version__

    info = {
        "app": __version__,
        "qt": qVersion(),
        "pyside6": pyside_version,
        "qasync": _dist_version("qasync"),
        "httpx": httpx.__version__,
        "python": sys.version.split()[0],
        "frozen": str(bool(getattr(sys, "frozen", False))),
    }
    try:
        backend = keyring.get_keyring()
        info["keyring"] = f"{type(backend).__module__}.{type(backend).__name__}"
    except Exception as exc:  # noqa: BLE001 - report, do not crash a version query
        info["keyring"] = f"unavailable ({type(exc).__name__})"
    try:
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtMultimedia import QMediaFormat  # noqa: F401
        from PySide6.QtWidgets import QApplication

        from aurora_desktop.ui.player import multimedia_available

        if QCoreApplication.instance() is None:
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
            QApplication(sys.argv[:1])
        info["multimedia"] = "ffmpeg" if multimedia_available() else "unavailable"
    except Exception as exc:  # noqa: BLE001
        info["multimedia"] = f"unavailable ({type(exc).__name__})"
    return info


def _play_to_end(path: Path, timeout: float = 60.0) -> float:
    """Play a file through QMediaPlayer (no window) to EndOfMedia; return its duration (s)."""
    from PySide6.QtCore import QEventLoop, QTimer, QUrl
    from PySide6.QtMultimedia import QMediaPlayer, QVideoSink

    from aurora_desktop.ui import media

    player = media.made(QMediaPlayer())
    sink = media.made(QVideoSink())
    player.setVideoOutput(sink)
    loop = QEventLoop()
    errors: list[str] = []
    player.mediaStatusChanged.connect(
        lambda s: (
            loop.quit() if s in (QMediaPlayer.MediaStatus.EndOfMedia, QMediaPlayer.MediaStatus.InvalidMedia) else None
        )
    )

    def failed(_error: QMediaPlayer.Error, text: str) -> None:
        errors.append(text)
        loop.quit()

    player.errorOccurred.connect(failed)
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    player.setSource(QUrl.fromLocalFile(str(path)))
    player.setPlaybackRate(4.0)  # the same decode path, a quarter of the wait
    media.play(player)  # never with the GIL held (ui/media.py)
    loop.exec()
    status, duration = player.mediaStatus(), player.duration() / 1000
    media.stop(player)
    player.deleteLater()
    if errors or status != QMediaPlayer.MediaStatus.EndOfMedia:
        raise RuntimeError(f"{path.name} did not play to the end: {errors or status.name}")
    return duration


async def _sandbox_job(workdir: Path) -> dict[str, Any]:
    from aurora_desktop import paths
    from aurora_desktop.api.catalog import get_model
    from aurora_desktop.formatting import credits_number
    from aurora_desktop.jobs import orders
    from aurora_desktop.jobs.model import State
    from aurora_desktop.services import open_services

    paths.use_profile(workdir)
    services = await open_services(sandbox=True, sandbox_args=["--job-seconds", "1"])
    try:
        await services.engine.start()
        quote = await orders.quote(
            str(paths.resource("samples", "portrait.png")),
            str(paths.resource("samples", "voice.wav")),
            get_model("aurora_v1"),
            orders.Options(name="Smoke test"),
            work_dir=paths.cache_dir(),
            client=services.client,
            hoster=services.hoster,
        )
        job = await orders.place(services.engine, quote)
        async with asyncio.timeout(120):
            job = await services.engine.wait(job.id)
        if job.state is not State.SAVED:
            raise RuntimeError(f"sandbox job ended {job.state.value}: {job.error_message}")
        return {"video": job.output_path, "credits": credits_number(job.credits_used)}
    finally:
        await services.close()


def _look_and_photos() -> dict[str, Any]:
    """The parts a build can silently lose: the theme's sheet, the SVG renderer, HEIC decoding."""
    from aurora_desktop.media.photo import _register_heif
    from aurora_desktop.ui import icons, theme

    sheet = theme.stylesheet(theme.DARK)
    if theme.DARK.accent not in sheet or not icons.pixmap("play").toImage().pixelColor(24, 24).alpha():
        raise RuntimeError("the theme or its icons did not load")
    _register_heif()  # pi_heif and its libheif
    return {"look": "ok", "heic": "ok"}


def _text_rules() -> dict[str, Any]:
    """Sorting and case rules from Qt's ICU data, which the build trims (build/trim_icu.py): a
    language's own order (Swedish puts Ö after Z, German beside O), numbers sorted as numbers
    (Qt's file dialog), Turkish dotted capitals. Without the data Qt sorts by code point."""
    from functools import cmp_to_key

    from PySide6.QtCore import QCollator, QLocale

    def ordered(locale: str, words: list[str]) -> list[str]:
        collator = QCollator(QLocale(locale))
        collator.setNumericMode(True)
        return sorted(words, key=cmp_to_key(collator.compare))

    checks = {
        "German": (ordered("de_DE", ["Zebra", "Öl", "Ohr"]), ["Ohr", "Öl", "Zebra"]),
        "Swedish": (ordered("sv_SE", ["Zebra", "Öl", "Ohr"]), ["Ohr", "Zebra", "Öl"]),
        "numbers": (ordered("en_US", ["file10.png", "file2.png"]), ["file2.png", "file10.png"]),
        "Turkish capitals": (QLocale("tr_TR").toUpper("istanbul"), "İSTANBUL"),
    }
    for name, (got, expected) in checks.items():
        if got != expected:
            raise RuntimeError(f"{name} text rules: {got!r}, expected {expected!r}")
    return {"collation": "ok"}


def run() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.monotonic()
    result: dict[str, Any] = {"smoke_test": "failed"}
    try:
        result.update(long_version())
        if result["multimedia"] != "ffmpeg":
            raise RuntimeError("no QtMultimedia backend")
        from aurora_desktop import paths

        result["clip_seconds"] = round(_play_to_end(paths.resource("samples", "clip.mp4")), 2)
        result.update(_look_and_photos())
        result.update(_text_rules())
        with tempfile.TemporaryDirectory(prefix="aurora-smoke-") as tmp:
            job = asyncio.run(_sandbox_job(Path(tmp)))
            result["job_video_seconds"] = round(_play_to_end(Path(job["video"])), 2)
            result["job_credits"] = job["credits"]
        result["smoke_test"] = "passed"
    except Exception as exc:  # noqa: BLE001 - the reason goes into the one JSON line
        result["reason"] = f"{type(exc).__name__}: {exc}"
    result["seconds"] = round(time.monotonic() - started, 2)
    print(json.dumps(result), flush=True)
    return 0 if result["smoke_test"] == "passed" else 1
