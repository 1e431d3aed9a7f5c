"""Ctrl+C ends a headless command on every OS (issue 22 §2): the Windows branch of
platform_signals runs here with the platform injected and a real SIGINT sent to this process.
What only a Windows runner can prove (a console's Ctrl+C and Ctrl+Break reaching the handler
while the proactor loop waits) is marked in aurora_desktop/platform_signals.py."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import threading
from typing import Any

import pytest

from aurora_desktop import platform_signals
from aurora_desktop.cli import entry
from aurora_desktop.cli.output import EXIT_INTERRUPTED

pytestmark = pytest.mark.skipif(os.name != "posix", reason="sends itself a POSIX signal")


def _no_add_signal_handler(*args: Any) -> None:
    raise NotImplementedError  # as Windows' proactor loop (and qasync's IOCP loop) do


async def _forever(args: argparse.Namespace) -> int:
    await asyncio.sleep(60)
    return 0


def _interrupt_soon(signum: int = signal.SIGINT, after: float = 0.3) -> threading.Timer:
    timer = threading.Timer(after, os.kill, (os.getpid(), signum))
    timer.start()
    return timer


def _run_guarded(platform: str, signum: int) -> int:
    args = argparse.Namespace(func=_forever, json=False)
    before = signal.getsignal(signal.SIGINT)

    async def main() -> int:
        loop = asyncio.get_running_loop()
        if platform == "win32":
            loop.add_signal_handler = _no_add_signal_handler  # type: ignore[method-assign]
        timer = _interrupt_soon(signum)
        try:
            return await asyncio.wait_for(entry._guarded(args, platform=platform), 10)
        finally:
            timer.cancel()

    code = asyncio.run(main())
    assert signal.getsignal(signal.SIGINT) == before  # the handlers are put back
    return code


@pytest.mark.parametrize("platform", ["linux", "win32"])
def test_ctrl_c_ends_a_command_as_on_linux(platform: str) -> None:
    # 130 comes only from the interrupted path ("Interrupted. The job is kept ...").
    assert _run_guarded(platform, signal.SIGINT) == EXIT_INTERRUPTED


def test_sigterm_ends_a_command_on_both_branches() -> None:
    for platform in ("linux", "win32"):
        assert _run_guarded(platform, signal.SIGTERM) == EXIT_INTERRUPTED


def test_each_platform_listens_for_its_own_signals() -> None:
    assert "SIGBREAK" in platform_signals.signal_names("win32")
    assert "SIGHUP" not in platform_signals.signal_names("win32")
    assert "SIGHUP" in platform_signals.signal_names("linux")
    assert "SIGHUP" in platform_signals.signal_names("darwin")


QT_LOOP = """
import asyncio, os, signal, sys, threading, time
from PySide6.QtWidgets import QApplication
import qasync
from aurora_desktop.platform_signals import install_interrupt_handlers

app = QApplication(sys.argv[:1])
loop = qasync.QEventLoop(app)
asyncio.set_event_loop(loop)
asked = asyncio.Event()
sent = []

def refuse(*args):
    raise NotImplementedError  # qasync's IOCP loop on Windows has no add_signal_handler

if sys.argv[1] == "win32":
    loop.add_signal_handler = refuse
remove = install_interrupt_handlers(loop, asked.set, platform=sys.argv[1])
def send():
    time.sleep(0.5)
    sent.append(time.monotonic())
    os.kill(os.getpid(), signal.SIGINT)
threading.Thread(target=send, daemon=True).start()
with loop:
    try:
        loop.run_until_complete(asyncio.wait_for(asked.wait(), 10))
    except TimeoutError:
        print("never heard", flush=True)
        sys.exit(1)
    print(f"heard after {time.monotonic() - sent[0]:.2f} s", flush=True)
    remove()
"""


@pytest.mark.parametrize("platform", ["linux", "win32"])
def test_each_branch_is_heard_while_qts_loop_waits(platform: str) -> None:
    """The window's case: Qt's loop waits in C, where Python's handlers do not run by
    themselves; the Windows branch must still hear Ctrl+C promptly (here: a real SIGINT)."""
    result = subprocess.run(
        [sys.executable, "-c", QT_LOOP, platform],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0 and "heard after" in result.stdout, (result.stdout, result.stderr)
    assert float(result.stdout.split("heard after ")[1].split()[0]) < 1.0
