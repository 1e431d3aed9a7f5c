"""Two engines on one job library at once (the profile lock bypassed): the compare-and-set
on the submit intent, a job moved on by the other engine, and the download's own partial
file keep it to one request, one charge and one whole video (issue 13.2)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import av
import pytest

from tests.e2e.helpers import engine_process
from tests.fixtures.cli import cli_env, interrupted_while_hosting, list_jobs
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE
from tests.fixtures.sandbox import Sandbox

pytestmark = pytest.mark.e2e

AUDIO_SECONDS = 7.62


def two_engines_at_once(sb: Sandbox, profile: Path) -> list[tuple[int, str, str]]:
    args = engine_process.command(profile / "data" / "jobs.sqlite3", sb.url, profile)
    procs = [
        subprocess.Popen(
            args, env=cli_env(sb), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL
        )
        for _ in range(2)
    ]
    return [(p.wait(150), *p.communicate()) for p in procs]


def test_two_engines_on_one_job_charge_once_and_save_one_whole_video(make_sandbox, tmp_path: Path) -> None:
    sb: Sandbox = make_sandbox("--job-seconds", "2")
    profile = tmp_path / "profile"
    interrupted_while_hosting(sb, profile)
    # Its inputs already at the service and the request not yet sent: both engines start at
    # the POST, reading "submitting, 0 attempts" at the same moment.
    with sqlite3.connect(profile / "data" / "jobs.sqlite3") as db:
        db.execute(
            "UPDATE jobs SET state = 'submitting', image_url = ?, audio_url = ?",
            (sb.host(SAMPLE_IMAGE), sb.host(SAMPLE_AUDIO)),
        )
    sb.fault(kind="delay", seconds=3, method="POST", path="/api/aurora/", times=2)
    sb.fault(kind="throttle", rate=150_000, method="GET", path="/sandbox/outputs/", times=4)  # both see "downloading"

    results = two_engines_at_once(sb, profile)

    for code, out, err in results:
        assert code == 0, err
        assert json.loads(out.splitlines()[-1])["states"] == ["saved"], err
    stats = sb.stats()
    assert stats["jobs"] == 1 and stats["requests"].get("POST /api/aurora/") == 1, stats  # charged once
    videos = sorted((profile / "videos").glob("*.mp4"))
    assert len(videos) == 1, videos
    with av.open(str(videos[0])) as container:  # whole: nothing appended, nothing cut
        assert abs(container.duration / 1e6 - AUDIO_SECONDS) < 0.5
    [job] = list_jobs(profile)
    assert job["state"] == "saved" and job["output_path"] == str(videos[0])
