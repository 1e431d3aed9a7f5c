"""One engine per profile, with real processes: two starts at once never make two remote
jobs for one local job; a second window brings the first forward; a headless command
while the window runs exits with its own code; a crash leaves no stale lock."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures.cli import cli_args, cli_env, interrupted_while_hosting, list_jobs, run_cli
from tests.fixtures.sandbox import Sandbox

pytestmark = pytest.mark.e2e

EXIT_RUNNING = 5


def test_two_resumes_at_once_with_a_slow_post_make_one_remote_job(make_sandbox, tmp_path: Path) -> None:
    sb: Sandbox = make_sandbox()
    profile = tmp_path / "profile"
    interrupted_while_hosting(sb, profile)
    # The POST takes effect at once but its answer comes 5 s later: a second engine in that
    # window would see a job "submitting" and could send it again.
    sb.fault(kind="delay", seconds=5, method="POST", path="/api/aurora/")
    env = cli_env(sb)
    procs = [
        subprocess.Popen(
            cli_args(sb, profile, "resume"),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    results = [(p.wait(120), *p.communicate()) for p in procs]

    codes = sorted(code for code, _, _ in results)
    assert codes == [0, EXIT_RUNNING], results
    [loser] = [err for code, _, err in results if code == EXIT_RUNNING]
    assert "already running with this profile" in loser and "Traceback" not in loser
    stats = sb.stats()
    assert stats["jobs"] == 1, stats  # one remote job: charged once
    assert stats["requests"].get("POST /api/aurora/") == 1
    [job] = list_jobs(profile)
    assert job["state"] == "saved" and Path(job["output_path"]).exists()


def _wait_for_line(path: Path, text: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not (path.exists() and text in path.read_text(errors="replace")):
        assert proc.poll() is None, f"the window exited with {proc.returncode}"
        assert time.monotonic() < deadline, f"{text!r} never appeared in {path}"
        time.sleep(0.1)


def test_a_second_window_brings_the_first_forward_and_commands_wait(shared_sandbox: Sandbox, tmp_path: Path) -> None:
    sb, profile = shared_sandbox, tmp_path / "profile"
    log = profile / "logs" / "aurora-desktop.log"
    env = cli_env(sb, QT_QPA_PLATFORM="offscreen")
    window = [sys.executable, "-m", "aurora_desktop", "--profile", str(profile), "--api-base", sb.url]
    first = subprocess.Popen(
        [*window, "--quit-after", "90"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_line(log, "activation server listening", first)

        second = run_cli(window, env, timeout=60)
        assert second.returncode == 0, second.stderr
        _wait_for_line(log, "brought to the front by a second start", first)
        assert first.poll() is None  # the first window still runs

        resumed = run_cli(cli_args(sb, profile, "resume"), env)
        assert resumed.returncode == EXIT_RUNNING, resumed.stderr
        assert "already running with this profile" in resumed.stderr
        assert list_jobs(profile) == []  # reading the library needs no lock
    finally:
        first.kill()  # a crash: the OS drops its lock
        first.wait(10)

    after_crash = run_cli(cli_args(sb, profile, "resume"), cli_env(sb))
    assert after_crash.returncode == 0, after_crash.stderr
    assert "Nothing to resume" in after_crash.stderr
