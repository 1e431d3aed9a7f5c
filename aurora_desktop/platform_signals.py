"""The one owner of "the user or the system asks us to stop": Ctrl+C, a terminal closed,
a `kill`, Ctrl+Break on Windows. Both front ends use it: the command line interrupts its
command (exit 130), the window closes as if its close button was pressed.

On POSIX the asyncio loop handles the signals itself (`loop.add_signal_handler`, a
self-pipe the loop watches, so the handler runs on the loop's thread even while Qt's
event loop is in C). Windows has no `add_signal_handler` (NotImplementedError on its
proactor loop, and on qasync's IOCP loop): there a plain `signal.signal` handler asks
the loop to call `on_interrupt` soon, thread-safely. Python runs such a handler between
bytecodes of the main thread, so the loop is also given a short tick that hands the
interpreter control while the loop waits (Qt's loop waits in C).
The platform is a parameter, so the Windows branch is exercised on Linux by the tests.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

# What each platform calls "stop": SIGINT is Ctrl+C everywhere, SIGTERM a `kill` or a
# service manager, SIGHUP the terminal or the session going away (POSIX only), SIGBREAK
# Ctrl+Break and the console window closing (Windows only).
POSIX_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")
WINDOWS_SIGNALS = ("SIGINT", "SIGBREAK", "SIGTERM")
TICK = 0.25  # seconds: how often the Windows branch hands the interpreter control (see below)


def signal_names(platform: str = sys.platform) -> tuple[str, ...]:
    return WINDOWS_SIGNALS if platform == "win32" else POSIX_SIGNALS


def install_interrupt_handlers(
    loop: asyncio.AbstractEventLoop,
    on_interrupt: Callable[[], Any],
    platform: str = sys.platform,
) -> Callable[[], None]:
    """Call `on_interrupt()` on the loop's thread when the process is asked to stop.
    Returns a function that puts the previous handlers back."""
    numbers = [getattr(signal, name) for name in signal_names(platform) if hasattr(signal, name)]
    if platform != "win32":
        for number in numbers:
            loop.add_signal_handler(number, on_interrupt)

        def remove_posix() -> None:
            if not loop.is_closed():
                for number in numbers:
                    loop.remove_signal_handler(number)

        return remove_posix

    # Windows. What only a Windows runner can prove: that Ctrl+C and Ctrl+Break in a real
    # console reach this handler while the proactor loop waits (CPython wakes the main thread
    # for SIGINT on Windows; the loop's call_soon_threadsafe then makes it return from its
    # wait). On Linux the tests call this branch with platform="win32" and a real SIGINT.
    def handler(signum: int, frame: FrameType | None) -> None:
        if not loop.is_closed():
            loop.call_soon_threadsafe(on_interrupt)

    previous = {number: signal.signal(number, handler) for number in numbers}
    # Python runs a signal's handler only when the interpreter has control. A loop that waits
    # in C (Qt's, under qasync) may not give it back until some event comes: a short tick
    # does, so Ctrl+C is heard within TICK seconds whatever the loop is waiting on.
    ticking: list[asyncio.TimerHandle] = []

    def tick() -> None:
        ticking[:] = [loop.call_later(TICK, tick)]

    tick()

    def remove_windows() -> None:
        for handle in ticking:
            handle.cancel()
        for number, old in previous.items():
            signal.signal(number, old)

    return remove_windows
