"""Issue 20.4: a `run` that waits for ever, and a misleading exit 4.

A voice that Creatify never finishes kept `run` waiting for ever (`--patience` counts only
offline time); a video link that serves a web page ended in exit 4 "Creatify could not be
reached". Both are real `run` processes against the sandbox over loopback HTTP.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.fixtures.cli import cli_args, cli_env, list_jobs, run_cli
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE

pytestmark = pytest.mark.e2e


def test_a_voice_that_never_finishes_ends_run_with_a_plain_message(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox("--speech-seconds", "3600")  # the voice is still "running" an hour later
    profile = tmp_path / "p"
    args = cli_args(
        sb, profile, "run", "--image", str(SAMPLE_IMAGE), "--script", "Hello there.", "--voice", "Ava British"
    )
    try:
        result = run_cli(args, cli_env(sb, AURORA_SPEECH_PATIENCE="3"), timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("`run` was still waiting for the voice after 60 s")
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "making the voice for over" in result.stderr and "Traceback" not in result.stderr
    [job] = list_jobs(profile)
    assert job["state"] == "speaking"  # kept, still watched: the next start goes on with it
    stats = sb.stats()
    assert stats["speech_jobs"] == 1 and stats["jobs"] == 0  # one voice asked for, no video


@pytest.mark.parametrize("lost", [False, True], ids=["status", "search"])
def test_a_speech_service_that_answers_503_for_ever_ends_run_with_a_plain_message(
    make_sandbox, tmp_path: Path, lost: bool
) -> None:
    """Review of issues 20/22: a 503 on the speech status (or, after a lost answer, on the list
    searched for it) was a Wait outside both limits, and `run` waited for ever."""
    sb = make_sandbox()
    sb.fault(kind="status", status=503, method="GET", path="/api/text_to_speech/", times=100_000)
    if lost:  # the speech is made, its answer never arrives: the list is searched for it
        sb.fault(kind="drop", process=True, method="POST", path="/api/text_to_speech/")
    profile = tmp_path / "p"
    args = cli_args(
        sb, profile, "run", "--image", str(SAMPLE_IMAGE), "--script", "Hello there.", "--voice", "Ava British"
    )
    try:
        result = run_cli(args, cli_env(sb, AURORA_SPEECH_PATIENCE="3"), timeout=90)
    except subprocess.TimeoutExpired:
        pytest.fail("`run` was still waiting for the voice after 90 s")
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "does not answer about it" in result.stderr and "Traceback" not in result.stderr
    [job] = list_jobs(profile)
    assert job["state"] == "speaking"  # kept, still watched
    stats = sb.stats()
    assert stats["speech_jobs"] == 1 and stats["jobs"] == 0


def test_a_video_link_that_serves_a_web_page_says_so(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    page = "<!doctype html><html><head><title>Sign in</title></head><body>Please sign in.</body></html>"
    sb.fault(kind="status", status=200, body=page, method="GET", path="/sandbox/outputs/", times=50)
    profile = tmp_path / "p"
    args = cli_args(sb, profile, "run", "--image", str(SAMPLE_IMAGE), "--audio", str(SAMPLE_AUDIO), "--patience", "5")
    result = run_cli(args, cli_env(sb), timeout=120)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "gave a web page, not the video" in result.stderr
    assert "could not be reached" not in result.stderr and "Traceback" not in result.stderr
    [job] = list_jobs(profile)
    assert job["state"] == "needs_attention" and job["error_code"] == "download"
