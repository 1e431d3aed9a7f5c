"""The library's first screenful, read ahead (read-only) while the store opens for the engine."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State, new_token
from aurora_desktop.jobs.store import JobStore, peek_newest
from aurora_desktop.jobs.store_schema import MIGRATIONS


def saved_job(i: int) -> LocalJob:
    return LocalJob(
        id=str(uuid.uuid4()),
        token=new_token(),
        name=f"Video {i}",
        model="aurora_v1",
        image=InputFile(InputKind.IMAGE, "/tmp/portrait.png"),
        audio=InputFile(InputKind.AUDIO, "/tmp/voice.wav"),
        state=State.SAVED,
        audio_seconds=7.6,
        credits_used=8.0,
    )


def fill(path: Path, n: int) -> None:
    store = JobStore(path)
    try:
        for i in range(n):
            store.insert(saved_job(i))
    finally:
        store.close()


def test_the_newest_first_as_many_as_asked_and_the_file_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    fill(path, 12)
    before = path.read_bytes()
    jobs = peek_newest(path, 5)
    assert [j.name for j in jobs] == [f"Video {i}" for i in (11, 10, 9, 8, 7)]
    assert jobs[0] == JobStore(path).list(limit=1)[0]  # the same job as the store reads
    assert path.read_bytes() == before


def test_anything_unusual_reads_as_nothing_for_the_real_opening_to_report(tmp_path: Path) -> None:
    assert peek_newest(tmp_path / "none.sqlite3", 40) == []  # a first start
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 100)
    assert peek_newest(garbage, 40) == []
    newer = tmp_path / "newer.sqlite3"
    fill(newer, 2)
    with sqlite3.connect(newer) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")  # made by a newer version
    assert peek_newest(newer, 40) == []
