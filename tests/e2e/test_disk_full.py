"""A disk that fills while the video downloads: a plain message, nothing lost, no second charge.

The "full disk" is the kernel's own: the partial download file is a symlink to
/dev/full, where every write fails with ENOSPC.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.cli import cli_args, cli_env, run_cli
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE
from tests.fixtures.sandbox import Sandbox

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.linux_only,  # /dev/full is Linux's
    pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full"),
]


def test_full_disk_mid_download_says_so_then_resume_finishes_once(make_sandbox, tmp_path: Path) -> None:
    sb: Sandbox = make_sandbox("--job-seconds", "3")
    profile = tmp_path / "p"
    proc = subprocess.Popen(
        cli_args(
            sb,
            profile,
            "run",
            "--image",
            str(SAMPLE_IMAGE),
            "--audio",
            str(SAMPLE_AUDIO),
            "--name",
            "Full disk",
            "--json",
        ),
        env=cli_env(sb),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        events = []
        assert proc.stderr is not None
        for line in proc.stderr:  # wait until Creatify has the job
            events.append(json.loads(line))
            if events[-1].get("event") == "job" and events[-1].get("state") == "remote":
                break
        job_id = events[-1]["job"]
        partial_dir = profile / "data" / "partial"
        partial_dir.mkdir(parents=True, exist_ok=True)
        (partial_dir / f"{job_id}.mp4.part").symlink_to("/dev/full")
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    events += [json.loads(line) for line in err.splitlines()]

    assert proc.returncode == 1, err
    final = [e for e in events if e.get("event") == "job"][-1]
    assert final["state"] == "needs_attention"
    messages = " ".join(e.get("message", "") for e in events)
    assert "disk full" in messages and "No space left" not in messages  # plain words, not errno text
    assert not list((profile / "videos").glob("*.mp4"))

    # Space is back: `resume` picks the job up again and saves it, with no new request to Creatify.
    (partial_dir / f"{job_id}.mp4.part").unlink()
    resumed = run_cli(cli_args(sb, profile, "resume", "--json"), cli_env(sb))
    assert resumed.returncode == 0, resumed.stderr
    videos = list((profile / "videos").glob("*.mp4"))
    assert len(videos) == 1 and videos[0].read_bytes()[4:8] == b"ftyp"
    stats = sb.stats()
    assert stats["jobs"] == 1 and stats["remaining_credits"] == 992
    listing = json.loads(
        run_cli([sys.executable, "-m", "aurora_desktop", "jobs", "--json", "--profile", str(profile)], cli_env()).stdout
    )
    assert [j["state"] for j in listing] == ["saved"]
