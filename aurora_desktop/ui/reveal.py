"""Showing a video (selected) or a folder in the system's file manager, and knowing whether
anything answered, so the window can say where the file is when nothing did.

Linux: the FileManager1 D-Bus interface (which selects the file), then xdg-open on the
folder. Windows: explorer /select. macOS: open -R. The platform and the way commands run
are parameters, so each branch is tested on Linux (tests/unit/test_platforms.py).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtDBus import QDBusConnection, QDBusMessage, QDBusPendingCallWatcher

FILE_MANAGER = ("org.freedesktop.FileManager1", "/org/freedesktop/FileManager1", "org.freedesktop.FileManager1")

Command = str | list[str]  # a str is passed to the OS as it is (Windows' own command line)
Runner = Callable[[Command, tuple[int, ...]], Awaitable[bool]]


def reveal_command(path: Path, *, is_file: bool, platform: str = sys.platform) -> tuple[Command, tuple[int, ...]]:
    """The file manager's command for `path`, and the exit codes that mean it worked."""
    if platform == "win32":
        # explorer reads its own command line: "/select," then the path in quotes (a list would
        # quote the whole "/select,C:\\a b" and explorer would open Documents instead).
        # It answers 1 even when it worked.
        return (f'explorer /select,"{path}"' if is_file else f'explorer "{path}"'), (0, 1)
    if platform == "darwin":
        return (["open", "-R", str(path)] if is_file else ["open", str(path)]), (0,)
    return ["xdg-open", str(path.parent if is_file else path)], (0,)


async def reveal(
    path: Path,
    *,
    platform: str = sys.platform,
    run: Runner | None = None,
    show_items: Callable[[Path], Awaitable[bool]] | None = None,
) -> bool:
    """Show `path` (a file is selected in its folder). True if a file manager took it."""
    is_file = path.is_file()
    if platform not in ("win32", "darwin") and is_file and await (show_items or _show_items)(path):
        return True
    command, ok = reveal_command(path, is_file=is_file, platform=platform)
    return await (run or _run)(command, ok)


async def _run(args: Command, ok: tuple[int, ...] = (0,)) -> bool:
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

    def finished(call: QDBusPendingCallWatcher) -> None:
        if not answered.done():
            answered.set_result(not call.isError())

    watcher.finished.connect(finished)
    try:
        return await answered
    finally:
        watcher.deleteLater()
