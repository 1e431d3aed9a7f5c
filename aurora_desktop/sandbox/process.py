"""Start and stop a sandbox in its own process (the app's demo mode, tests, --sandbox).

Blocking by design (a second or so to start): async callers run start() in a
thread. Works from source and from the frozen app, where `sys.executable` is
the app itself and `aurora-desktop sandbox` runs the same server.

No stand-in outlives the app that started it, even one killed with SIGKILL: the
child's stdin is a pipe whose write end only the parent holds (`--exit-with-parent`).
When the parent dies the OS closes that end, the child's read returns, and it shuts
down (`exit_with_parent`), forcibly if it is not gone within EXIT_GRACE seconds. This
works on every OS; on Linux `PR_SET_PDEATHSIG` is asked for as well.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from aurora_desktop.sandbox.config import DEFAULT_API_ID, DEFAULT_API_KEY

EXIT_WITH_PARENT = "--exit-with-parent"  # the child's stdin is its parent's lifeline
EXIT_GRACE = 1.5  # seconds the child takes to shut down cleanly before it is ended outright


def sandbox_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, "sandbox"]
    return [sys.executable, "-m", "aurora_desktop.sandbox"]


class SandboxProcess:
    """`with SandboxProcess(["--credits", "5"]) as sb: sb.url`"""

    api_id = DEFAULT_API_ID
    api_key = DEFAULT_API_KEY

    def __init__(
        self, args: list[str] | None = None, *, stderr_path: Path | None = None, start_timeout: float = 30.0
    ) -> None:
        self.args = list(args or [])
        self.stderr_path = stderr_path
        self.start_timeout = start_timeout
        self.url = ""
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: BinaryIO | None = None  # the file the stand-in's stderr goes to, when there is one

    def start(self) -> SandboxProcess:
        self._stderr = open(self.stderr_path, "ab") if self.stderr_path else None  # noqa: SIM115
        # The stand-in needs no secret of ours: keys in the environment stay with this process.
        env = {k: v for k, v in os.environ.items() if not k.startswith("AURORA_")} | {"PYTHONUNBUFFERED": "1"}
        self._proc = subprocess.Popen(
            [*sandbox_command(), EXIT_WITH_PARENT, "--port", "0", *self.args],
            stdout=subprocess.PIPE,
            stderr=self._stderr if self._stderr is not None else subprocess.DEVNULL,
            stdin=subprocess.PIPE,  # never written to: its end closes when this process ends, however it ends
            env=env,
        )
        assert self._proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(self._proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + self.start_timeout
        line = b""
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not sel.select(remaining):
                self.stop()
                raise RuntimeError("the sandbox did not start in time")
            chunk = os.read(self._proc.stdout.fileno(), 1)
            if not chunk:
                code = self._proc.wait()
                raise RuntimeError(f"the sandbox exited at start (code {code})")
            line += chunk
        sel.close()
        self.url = line.decode().strip()
        return self

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self, timeout: float = 5.0) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            for pipe in (proc.stdout, proc.stdin):
                if pipe:
                    with contextlib.suppress(OSError):
                        pipe.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ----------------------------------------------------------------------------- in the child


def exit_with_parent(on_parent_gone: Callable[[], None], grace: float = EXIT_GRACE) -> None:
    """In the sandbox: call `on_parent_gone()` (from a watcher thread) once the process that
    started us has died, then end this process if it is still there `grace` seconds later."""
    once = threading.Lock()

    def parent_gone() -> None:
        if not once.acquire(blocking=False):
            return
        try:
            on_parent_gone()
        finally:
            time.sleep(grace)
            os._exit(0)

    def wait_for_eof() -> None:
        # The parent never writes; its end closing (on its exit, crash or SIGKILL) ends the read.
        # What only a Windows runner can prove: ReadFile on the pipe ends there too (EOF or
        # ERROR_BROKEN_PIPE, an OSError here) when the parent dies.
        with contextlib.suppress(OSError):
            while os.read(0, 4096):
                pass
        parent_gone()

    threading.Thread(target=wait_for_eof, name="parent-watch", daemon=True).start()
    if sys.platform.startswith("linux"):
        _death_signal(lambda: threading.Thread(target=parent_gone, daemon=True).start())


PR_SET_PDEATHSIG = 1


def _death_signal(on_parent_gone: Callable[[], None]) -> None:
    """Linux: the kernel sends SIGUSR1 when the parent dies. The signal is also sent when the
    parent's thread that started us ends while the parent lives on (the window and `run` start
    the stand-in from a worker thread), so it only counts if we were handed to another parent."""
    parent = os.getppid()

    def on_signal(signum: int, frame: object) -> None:
        if os.getppid() != parent:
            on_parent_gone()

    try:
        signal.signal(signal.SIGUSR1, on_signal)
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGUSR1), 0, 0, 0) != 0:
            return
    except (OSError, AttributeError, ValueError):  # no prctl: the pipe alone does it
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        on_parent_gone()
