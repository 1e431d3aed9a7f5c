"""Showing a video (selected) or a folder in the system's file manager, and knowing whether
anything answered, so the window can say where the file is when nothing did.

Linux: the FileManager1 D-Bus interface (which selects the file), then xdg-open on the
folder. Windows: explorer /select. macOS: open -R.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from PySide6.QtDBus import QDBusConnection, QDBusMessage, QDBusPendingCallWatcher

FILE_MANAGER = ("org.freedesktop.FileManager1", "/org/freedesktop/FileManager1", "org.freedesktop.FileManager1")


async def reveal(path: Path) -> bool:
    """Show `path` (a file is selected in its folder). True if a file manager took it."""
    is_file = path.is_file()
    if sys.platform == "win32":  # explorer answers 1 even when it worked
        return await _run(["explorer", f"/select,{path}"] if is_file else ["explorer", str(path)], ok=(0, 1))
    if sys.platform == "darwin":
        return await _run(["open", "-R", str(path)] if is_file else ["open", str(path)])
    if is_file and await _show_items(path):
        return True
    return await _run(["xdg-open", str(path.parent if is_file else path)])


async def _run(args: list[str], ok: tuple[int, ...] = (0,)) -> bool:
    def run() -> bool:
        try:
            done = subprocess.run(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=10,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return True  # still running: a file manager that stays in the foreground
        except OSError:
            return False  # no such program
        return done.returncode in ok

    return await asyncio.to_thread(run)


async def _show_items(path: Path) -> bool:
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    message = QDBusMessage.createMethodCall(*FILE_MANAGER, "ShowItems")
    message.setArguments([[path.as_uri()], ""])
    answered: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    watcher = QDBusPendingCallWatcher(bus.asyncCall(message, 3000))
    watcher.finished.connect(lambda w: answered.done() or answered.set_result(not w.isError()))
    try:
        return await answered
    finally:
        watcher.deleteLater()
