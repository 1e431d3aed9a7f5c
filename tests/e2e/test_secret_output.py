"""Secrets and what the terminal shows (issue 20, items 12 and 13), against real servers on loopback.

12: an error body that echoes the request's headers (a debugging proxy does that) must not
    carry the API key to stderr, `jobs`, the SQLite library or the support report.
13: service text (voice names) with escape sequences or CR/LF must reach the terminal inert.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest

from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State
from aurora_desktop.jobs.report import job_report
from aurora_desktop.jobs.store import JobStore
from tests.e2e.helpers.hostile_http import HostileServer, echo_headers, fixed, proxy
from tests.fixtures.cli import cli_args, cli_env, run_cli
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE

pytestmark = pytest.mark.e2e


def _library_bytes(profile: Path) -> bytes:
    return b"".join(p.read_bytes() for p in profile.rglob("*") if p.is_file() and ".sqlite" in p.name)


def _echoing(h):
    """The video request is refused by a proxy that echoes the request's headers (keys too)."""
    return echo_headers(400) if h.command == "POST" and h.path.startswith("/api/aurora/") else None


def test_an_echoed_api_key_appears_nowhere(make_sandbox, tmp_path: Path) -> None:
    """(A 500 with the same body is covered in tests/unit/test_redact.py: `run` records no detail
    of a 500, so that case passed before the fix too, and takes no process here.)"""
    sb = make_sandbox()
    key, api_id = sb.proc.api_key, sb.proc.api_id
    profile = tmp_path / "p"
    with HostileServer(proxy(sb.url, _echoing)) as server:
        # Inputs as links at the sandbox: nothing is uploaded through the proxy.
        image, audio = sb.host(SAMPLE_IMAGE), sb.host(SAMPLE_AUDIO)
        args = cli_args(sb, profile, "run", "--image", image, "--audio", audio)
        args[args.index("--api-base") + 1] = server.url
        result = run_cli([*args, "--patience", "2"], cli_env(sb))
        assert any(r["path"].startswith("/api/aurora/") and r["method"] == "POST" for r in server.requests), (
            result.stderr[-3000:]
        )
    assert result.returncode != 0
    shown = [result.stdout, result.stderr]
    jobs_args = [sys.executable, "-m", "aurora_desktop", "jobs", "--profile", str(profile)]
    for extra in ([], ["--json"]):
        listing = run_cli(jobs_args + extra, cli_env())
        assert listing.returncode == 0, listing.stderr
        shown += [listing.stdout, listing.stderr]
    store = JobStore(next(profile.rglob("*.sqlite*")))
    try:
        [job] = store.list()
        report = job_report(job, store.events(job.id))
    finally:
        store.close()
    shown.append(report)
    for text in shown:
        assert key not in text and api_id not in text, text
    library = _library_bytes(profile)
    assert library and key.encode() not in library and api_id.encode() not in library
    assert "Internal error" in (job.error_detail or "") + (job.error_message or "")  # the rest is kept


def test_a_key_stored_by_an_older_version_is_shown_nowhere(make_sandbox, tmp_path: Path) -> None:
    """A row and an event written before redaction existed (raw, as an old version stored an
    echoed body) are redacted when read: `jobs`, `jobs --json`, `resume --json` and the report."""
    sb = make_sandbox()
    key, api_id = sb.proc.api_key, sb.proc.api_id
    profile = tmp_path / "p"
    jobs_args = [sys.executable, "-m", "aurora_desktop", "jobs", "--profile", str(profile)]
    assert run_cli(jobs_args, cli_env()).returncode == 0  # the library exists
    [path] = profile.rglob("jobs.sqlite3")
    store = JobStore(path)
    try:
        store.insert(
            LocalJob(
                id="old1",
                token="ad-0123456789",
                name="Old",
                model="aurora_v1",
                image=InputFile(InputKind.IMAGE, str(SAMPLE_IMAGE)),
                audio=InputFile(InputKind.AUDIO, str(SAMPLE_AUDIO)),
            )
        )
    finally:
        store.close()
    echoed = json.dumps({"detail": "bad", "headers": {"X-API-ID": api_id, "X-API-KEY": key}})
    with sqlite3.connect(path) as db:  # what an old version wrote: no redaction
        db.execute(
            "UPDATE jobs SET state = ?, error_code = 'rejected_input', error_message = ?, error_detail = ?",
            (State.NEEDS_ATTENTION.value, f"Creatify refused it: {echoed}", echoed),
        )
        db.execute(
            "INSERT INTO events(job_id, at, kind, data) VALUES ('old1', '2026-01-01T00:00:00+00:00', 'failed', ?)",
            (json.dumps({"reason": echoed}),),
        )
    assert key.encode() in _library_bytes(profile)  # stored raw, as the old version did

    shown = []
    for extra in ([], ["--json"]):
        listing = run_cli(jobs_args + extra, cli_env())
        assert listing.returncode == 0, listing.stderr
        shown += [listing.stdout, listing.stderr]
    resumed = run_cli(cli_args(sb, profile, "resume", "--json"), cli_env(sb))
    assert "Still needs you" in resumed.stderr, resumed.stderr[-3000:]
    shown += [resumed.stdout, resumed.stderr]
    store = JobStore(path)
    try:
        [job] = store.list()
        report = job_report(job, store.events(job.id))
    finally:
        store.close()
    assert "Detail:" in report and "failed" in report
    shown.append(report)
    for text in shown:
        assert key not in text and api_id not in text, text


# ----------------------------------------------------------------------------- 13 and 14: voices

HOSTILE_NAME = "Ann\x1b]0;pwned\x07a\x1b[2J\x1b[31m\rFAKE LINE\nsecond\x9b1m\u202eevil"


def _voices_answer(body: bytes):
    return fixed(body, headers={"Content-Type": "application/json"})


def _voices(server_url: str, *extra: str) -> object:
    args = [sys.executable, "-m", "aurora_desktop", "voices", "--api-base", server_url, *extra]
    return run_cli(args, cli_env(AURORA_API_ID="some-id", AURORA_API_KEY="some-key"))


def test_voice_names_reach_the_terminal_without_control_characters(tmp_path: Path) -> None:
    voice = {
        "name": HOSTILE_NAME,
        "gender": "fe\x1b[1mmale",
        "accents": [{"id": "acc-1\r\n", "accent_name": "Brit\x08ish\x00", "preview_url": None}],
    }
    with HostileServer(_voices_answer(json.dumps([voice]).encode())) as server:
        text = _voices(server.url, "--profile", str(tmp_path / "p"))
        as_json = _voices(server.url, "--profile", str(tmp_path / "p"), "--json")
    assert text.returncode == 0, text.stderr
    [line] = text.stdout.splitlines()  # CR/LF in a name cannot fake a second line
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c == "\u202e" for c in line), repr(line)
    assert "Ann" in line and "FAKE LINE" in line and "acc-1" in line  # the text itself is kept
    assert as_json.returncode == 0 and json.loads(as_json.stdout)[0]["voice"] == HOSTILE_NAME  # JSON escapes it


def test_a_deeply_nested_voices_answer_is_a_plain_message(tmp_path: Path) -> None:
    with HostileServer(_voices_answer(b"[" * 200_000 + b"]" * 200_000)) as server:
        result = _voices(server.url, "--profile", str(tmp_path / "p"))
    assert result.returncode == 4, result.stderr  # the service answered with something unusable
    assert "Traceback" not in result.stderr and "Creatify answered with something" in result.stderr
