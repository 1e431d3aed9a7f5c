"""A job library damaged on disk is reported plainly and kept as it is, never read as an
empty library and never overwritten (issue 13.4)."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.fixtures.cli import cli_args, cli_env, run_cli
from tests.fixtures.sandbox import Sandbox

pytestmark = pytest.mark.e2e

EXIT_STOPPED = 6


def library_with_a_wal(profile: Path) -> Path:
    """A library whose last transactions are still only in its WAL, as after a crash."""
    subprocess_ok = run_cli([sys.executable, "-m", "aurora_desktop", "jobs", "--profile", str(profile)], cli_env())
    assert subprocess_ok.returncode == 0
    db = profile / "data" / "jobs.sqlite3"
    keep = sqlite3.connect(db)
    keep.execute("PRAGMA wal_autocheckpoint = 0")
    keep.execute("INSERT INTO events(job_id, at, kind) VALUES ('j', '2026-01-01', 'created')")
    keep.commit()
    shutil.copy(db.with_name(db.name + "-wal"), db.parent / "wal-copy")
    keep.close()  # checkpoints and removes the WAL; put the crash's WAL back
    shutil.move(db.parent / "wal-copy", db.with_name(db.name + "-wal"))
    return db


def damage(db: Path, how: str) -> None:
    if how == "an empty database with its WAL":
        db.write_bytes(b"")
    else:
        db.write_bytes(b"this is not a database " * 300)


@pytest.mark.parametrize("how", ["an empty database with its WAL", "garbage"])
def test_a_damaged_library_is_reported_and_kept_as_it_is(shared_sandbox: Sandbox, tmp_path: Path, how: str) -> None:
    profile = tmp_path / "profile"
    db = library_with_a_wal(profile)
    damage(db, how)
    before = {p.name: p.read_bytes() for p in db.parent.glob("jobs.sqlite3*")}

    listing = run_cli([sys.executable, "-m", "aurora_desktop", "jobs", "--profile", str(profile)], cli_env())
    resumed = run_cli(cli_args(shared_sandbox, profile, "resume"), cli_env(shared_sandbox))

    for result in (listing, resumed):
        assert result.returncode == EXIT_STOPPED, result.stderr
        assert "is damaged and cannot be read" in result.stderr and "Traceback" not in result.stderr
        assert "No videos yet" not in result.stdout
    assert {p.name: p.read_bytes() for p in db.parent.glob("jobs.sqlite3*")} == before  # untouched
