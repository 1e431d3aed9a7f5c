"""The headless command killed with SIGKILL at each step, then `resume`:
every job ends saved exactly once, one remote job per local job, no partial file."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import av
import pytest

from tests.fixtures.cli import cli_args, cli_env, run_cli
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE
from tests.fixtures.sandbox import Sandbox

pytestmark = pytest.mark.e2e

AUDIO_SECONDS = 7.62


def _kill_when(proc: subprocess.Popen[str], sb: Sandbox, ready, timeout: float = 60) -> list[dict]:
    """Collect the JSON events from stderr until ready(events, stats) is true, then SIGKILL."""
    assert proc.stderr is not None
    events: list[dict] = []

    def reader() -> None:
        for line in proc.stderr:  # type: ignore[union-attr]
            if line.startswith("{"):
                events.append(json.loads(line))

    threading.Thread(target=reader, daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready(list(events), sb.stats()):
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            return events
        if proc.poll() is not None:
            raise AssertionError(f"the command ended before the kill point: {events}")
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"kill point never reached: {events}")


def _state_seen(state: str):
    return lambda events, stats: any(e.get("event") == "job" and e.get("state") == state for e in events)


def _jobs(profile: Path) -> list[dict]:
    listing = run_cli([sys.executable, "-m", "aurora_desktop", "jobs", "--json", "--profile", str(profile)], cli_env())
    return json.loads(listing.stdout)


KILL_POINTS = {
    # Uploading the inputs: the sandbox holds the answer to the first upload.
    "while hosting": (
        [{"kind": "delay", "seconds": 30, "method": "PUT", "path": "/sandbox/files/"}],
        _state_seen("hosting"),
        "hosting",
    ),
    # The POST reached the service and created the job; its answer never arrives.
    "right after the POST is sent": (
        [{"kind": "delay", "seconds": 30, "method": "POST", "path": "/api/aurora/"}],
        lambda events, stats: stats["jobs"] == 1,
        "submitting",
    ),
    # The job is at Creatify and being polled.
    "while polling": ([], lambda events, stats: any(e.get("phase") == "generating" for e in events), "remote"),
    # Part of the video is on disk.
    "mid-download": (
        [{"kind": "throttle", "rate": 40_000, "method": "GET", "path": "/sandbox/outputs/"}],
        lambda events, stats: any(e.get("phase") == "downloading" and e.get("done", 0) > 0 for e in events),
        "downloading",
    ),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_killed_then_resumed_saves_exactly_once(make_sandbox, tmp_path: Path, point: str) -> None:
    sb: Sandbox = make_sandbox("--job-seconds", "3")
    faults, ready, state_at_kill = KILL_POINTS[point]
    for fault in faults:
        sb.fault(**fault)
    profile = tmp_path / "profile"
    env = cli_env(sb)
    with subprocess.Popen(
        cli_args(
            sb,
            profile,
            "run",
            "--image",
            str(SAMPLE_IMAGE),
            "--audio",
            str(SAMPLE_AUDIO),
            "--name",
            "Crash test",
            "--json",
        ),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    ) as proc:
        try:
            _kill_when(proc, sb, ready)
        finally:
            if proc.poll() is None:
                proc.kill()

    # The kill really happened at that step: the store says so, and mid-download a part is on disk.
    [killed] = _jobs(profile)
    assert killed["state"] == state_at_kill
    if state_at_kill == "downloading":
        assert sum(p.stat().st_size for p in (profile / "data" / "partial").iterdir()) > 0

    resumed = run_cli(cli_args(sb, profile, "resume", "--json"), env)
    assert resumed.returncode == 0, resumed.stderr

    library = profile / "videos"
    videos = sorted(library.glob("*.mp4"))
    assert len(videos) == 1, videos
    assert sorted(p.name for p in library.iterdir()) == sorted([videos[0].name, videos[0].with_suffix(".json").name])
    with av.open(str(videos[0])) as container:  # a whole, playable file
        assert abs(container.duration / 1e6 - AUDIO_SECONDS) < 0.5
        assert container.streams.video and container.streams.audio
    assert [(j["state"], j["output_path"]) for j in _jobs(profile)] == [("saved", str(videos[0]))]
    stats = sb.stats()
    assert stats["jobs"] == 1, stats  # one remote job for the one local job: charged once
    assert stats["remaining_credits"] == 1000 - 8
    partial = profile / "data" / "partial"
    assert not partial.exists() or not list(partial.iterdir())  # the partial download became the video
