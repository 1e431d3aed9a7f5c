"""Start and stop a sandbox in its own process (the app's demo mode, tests, --sandbox).

Blocking by design (a second or so to start): async callers run start() in a
thread. Works from source and from the frozen app, where `sys.executable` is
the app itself and `aurora-desktop sandbox` runs the same server.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

from aurora_desktop.sandbox.config import DEFAULT_API_ID, DEFAULT_API_KEY


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
        self._stderr = None

    def start(self) -> SandboxProcess:
        self._stderr = open(self.stderr_path, "ab") if self.stderr_path else subprocess.DEVNULL  # noqa: SIM115
        # The stand-in needs no secret of ours: keys in the environment stay with this process.
        env = {k: v for k, v in os.environ.items() if not k.startswith("AURORA_")} | {"PYTHONUNBUFFERED": "1"}
        self._proc = subprocess.Popen(
            [*sandbox_command(), "--port", "0", *self.args],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            stdin=subprocess.DEVNULL,
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
            if proc.stdout:
                proc.stdout.close()
        if self._stderr not in (None, subprocess.DEVNULL):
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
