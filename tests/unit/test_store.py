import os
import sqlite3
from pathlib import Path

import pytest

from aurora_desktop.jobs.model import LocalJob, State
from aurora_desktop.jobs.store import MIGRATIONS, JobStore, StoreError


def _job(**kw) -> LocalJob:
    base = dict(id="j1", token="ad-0123456789", name="Test", model="aurora_v1",
                image_source="/tmp/a.png", audio_source="https://x/a.wav")
    return LocalJob(**{**base, **kw})


def test_schema_created_in_wal_mode(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    assert store.schema_version == len(MIGRATIONS)
    with sqlite3.connect(tmp_path / "jobs.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_update_records_event_and_survives_reopen(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    store.insert(_job())
    job = store.update("j1", "hosted", {"kind": "image"}, state=State.HOSTING, image_url="https://h/a.png")
    assert job.state is State.HOSTING and job.image_url == "https://h/a.png"
    store.close()
    reopened = JobStore(tmp_path / "jobs.sqlite3")
    assert reopened.get("j1") == job
    assert [(e["kind"], e.get("state"), e.get("kind")) for e in reopened.events("j1")][0][0] == "created"
    assert reopened.events("j1")[-1]["state"] == "hosting"
    assert [j.id for j in reopened.unfinished()] == ["j1"]
    reopened.update("j1", "saved", state=State.SAVED)
    assert reopened.unfinished() == []
    reopened.close()


def test_tokens_and_remote_ids_are_unique(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    store.insert(_job())
    with pytest.raises(sqlite3.IntegrityError):
        store.insert(_job(id="j2"))                      # same token
    store.insert(_job(id="j2", token="ad-other"))
    store.update("j1", remote_id="r1")
    with pytest.raises(sqlite3.IntegrityError):
        store.update("j2", remote_id="r1")               # one remote job, one local job
    assert store.get("j2").remote_id is None            # the failed update changed nothing
    store.close()


def test_non_utf8_paths_round_trip(tmp_path: Path) -> None:
    odd = os.fsdecode(b"/tmp/portr\xe4t.png")
    store = JobStore(tmp_path / "jobs.sqlite3")
    store.insert(_job(image_source=odd))
    assert store.get("j1").image_source == odd
    store.close()


def test_unknown_fields_and_jobs_are_errors(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    with pytest.raises(StoreError, match="unknown job fields"):
        store.update("j1", colour="red")
    with pytest.raises(StoreError, match="no job"):
        store.update("nope", state=State.SAVED)
    store.close()


def test_a_newer_schema_is_refused_not_damaged(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    JobStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer version"):
        JobStore(path)
