"""A console for the headless commands when the windowed Windows app is asked to run one.

On Windows the app's own exe is windowed (no console flashes up behind the window), so
`aurora-desktop.exe doctor` typed in a terminal would print nothing at all: Python's
sys.stdout and sys.stderr are None there. The installed console twin,
`aurora-desktop-cli.exe` (aurora.spec), is the right tool: it prints, waits, and returns
the exit code. When the windowed exe is used anyway, `attach_console()` writes to the
terminal it was started from (AttachConsole(ATTACH_PARENT_PROCESS)), with a line saying
to use the twin, since the terminal does not wait for a windowed program's exit code.

Linux and macOS builds have one exe with a console: nothing to do. The platform, the
streams and the Windows calls are parameters, so every branch is tested on Linux
(tests/unit/test_platforms.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

CLI_TWIN = "aurora-desktop-cli.exe"
TWIN_HINT = (
    f"Tip: use {CLI_TWIN} (next to aurora-desktop.exe) for commands: it waits until they finish "
    "and returns their exit code.\n"
)
ATTACH_PARENT_PROCESS = -1


def _attach_parent() -> bool:  # pragma: no cover - Windows only (windows_only test)
    import ctypes

    return bool(ctypes.windll.kernel32.AttachConsole(ATTACH_PARENT_PROCESS))  # type: ignore[attr-defined]


def _open_console(name: str) -> TextIO:  # pragma: no cover - Windows only (windows_only test)
    return open(name, "w", encoding="utf-8", errors="replace", buffering=1)


def attach_console(
    *,
    platform: str = sys.platform,
    attach: Callable[[], bool] = _attach_parent,
    open_console: Callable[[str], TextIO] = _open_console,
) -> bool:
    """Give a headless command somewhere to print. True when sys.stdout and sys.stderr work
    (already, or now on the parent terminal); False when there is no terminal to print to."""
    if sys.stdout is not None and sys.stderr is not None:
        return True  # a console build (every Linux/macOS build, and the Windows twin)
    if platform != "win32":
        return False  # a stream closed by whoever started us: nothing of ours to open
    try:
        if not attach():
            return False  # started without a terminal (a shortcut with arguments): nowhere to print
        out = open_console("CONOUT$")
    except OSError:
        return False
    if sys.stdout is None:
        sys.stdout = out
    if sys.stderr is None:
        sys.stderr = out
    sys.stderr.write("\n" + TWIN_HINT)
    return True
