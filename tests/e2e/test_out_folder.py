"""`--out` is checked before anything is spent, and `resume --out` re-targets videos that
were not saved yet (issue 13.13)."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.fixtures.cli import cli_args, cli_env, list_jobs, run_cli
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE
from tests.fixtures.sandbox import Sandbox

pytestmark = pytest.mark.e2e


def test_an_unusable_out_folder_is_refused_before_spending(shared_sandbox: Sandbox, tmp_path: Path) -> None:
    sb = shared_sandbox
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    jobs_before = sb.stats()["jobs"]
    for out in (a_file, Path("/dev/null"), Path("/proc/self")):
        result = run_cli(
            cli_args(
                sb, tmp_path / "p", "run", "--image", str(SAMPLE_IMAGE), "--audio", str(SAMPLE_AUDIO), "--out", str(out)
            ),
            cli_env(sb),
        )
        assert result.returncode == 2, (out, result.stderr)
        assert f"cannot be saved in {out}" in result.stderr and "Traceback" not in result.stderr
    assert sb.stats()["jobs"] == jobs_before


def test_an_unusable_library_folder_is_refused_before_spending(shared_sandbox: Sandbox, tmp_path: Path) -> None:
    """Issue 20.3: without --out, a library folder that cannot take the video was found out only
    after the video was paid for (exit 1). Now it is checked as --out is: exit 2, nothing spent.
    The profile's library folder is a link to /proc/self, which nobody (root included) can write."""
    sb = shared_sandbox
    profile = tmp_path / "p"
    profile.mkdir()
    (profile / "videos").symlink_to("/proc/self")
    before = sb.stats()
    result = run_cli(
        cli_args(sb, profile, "run", "--image", str(SAMPLE_IMAGE), "--audio", str(SAMPLE_AUDIO)), cli_env(sb)
    )
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert f"cannot be saved in {profile / 'videos'}" in result.stderr and "Traceback" not in result.stderr
    after = sb.stats()
    assert after["jobs"] == before["jobs"] and after["remaining_credits"] == before["remaining_credits"]
    assert after["requests"].get("PUT /sandbox/files/", 0) == before["requests"].get("PUT /sandbox/files/", 0)


def test_resume_with_a_new_out_folder_saves_there(make_sandbox, tmp_path: Path) -> None:
    sb: Sandbox = make_sandbox()
    profile, first, good = tmp_path / "profile", tmp_path / "first", tmp_path / "good"
    sb.fault(kind="throttle", rate=100_000, method="GET", path="/sandbox/outputs/")
    args = cli_args(
        sb, profile, "run", "--image", str(SAMPLE_IMAGE), "--audio", str(SAMPLE_AUDIO), "--json", "--out", str(first)
    )
    with subprocess.Popen(
        args, env=cli_env(sb), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL
    ) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:  # the folder goes away while the video downloads
            if line.startswith("{") and json.loads(line).get("phase") == "downloading":
                shutil.rmtree(first)
                first.write_text("now a file")
                break
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 1, err
    assert "could not be saved into your library folder" in err

    started = time.monotonic()
    resumed = run_cli(cli_args(sb, profile, "resume", "--out", str(good)), cli_env(sb))
    assert resumed.returncode == 0, resumed.stderr
    [job] = list_jobs(profile)
    assert job["state"] == "saved" and Path(job["output_path"]).parent == good and Path(job["output_path"]).exists()
    assert sb.stats()["jobs"] == 1  # charged once
    print(f"resumed into the new folder in {time.monotonic() - started:.1f} s")
