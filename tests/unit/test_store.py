import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State
from aurora_desktop.jobs.store import JobStore
from aurora_desktop.jobs.store_health import StateConflict, StoreError
from aurora_desktop.jobs.store_schema import MIGRATIONS
from aurora_desktop.jobs.vocabulary import History


def _job(**kw) -> LocalJob:
    base = dict(
        id="j1",
        token="ad-0123456789",
        name="Test",
        model="aurora_v1",
        image=InputFile(InputKind.IMAGE, "/tmp/a.png"),
        audio=InputFile(InputKind.AUDIO, "https://x/a.wav"),
    )
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
    hosted = replace(_job().image, url="https://h/a.png")
    job = store.set_state("j1", State.DRAFT, State.HOSTING, History.HOSTED, {"kind": "image"}, image=hosted)
    assert job.state is State.HOSTING and job.image.url == "https://h/a.png"
    store.close()
    reopened = JobStore(tmp_path / "jobs.sqlite3")
    assert reopened.get("j1") == job
    assert reopened.events("j1")[0]["kind"] == "created"
    assert reopened.events("j1")[-1]["state"] == "hosting"
    assert [j.id for j in reopened.unfinished()] == ["j1"]
    reopened.set_state("j1", State.HOSTING, State.SAVED, History.SAVED)
    assert reopened.unfinished() == []
    reopened.close()


def test_tokens_and_remote_ids_are_unique(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    store.insert(_job())
    with pytest.raises(sqlite3.IntegrityError):
        store.insert(_job(id="j2"))  # same token
    store.insert(_job(id="j2", token="ad-other"))
    store.update("j1", remote_id="r1")
    with pytest.raises(sqlite3.IntegrityError):
        store.update("j2", remote_id="r1")  # one remote job, one local job
    assert store.get("j2").remote_id is None  # the failed update changed nothing
    store.close()


def test_non_utf8_paths_round_trip(tmp_path: Path) -> None:
    odd = os.fsdecode(b"/tmp/portr\xe4t.png")
    store = JobStore(tmp_path / "jobs.sqlite3")
    store.insert(_job(image=InputFile(InputKind.IMAGE, odd)))
    assert store.get("j1").image.source == odd
    store.close()


def test_unknown_fields_and_jobs_are_errors(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    with pytest.raises(StoreError, match="unknown job fields"):
        store.update("j1", colour="red")
    with pytest.raises(StoreError, match="no job"):
        store.update("nope", error_message="x")
    with pytest.raises(StoreError, match=r"transitions\.move"):
        store.update("j1", state=State.SAVED)  # state has one writer
    store.close()


def test_state_moves_are_compare_and_set(tmp_path: Path) -> None:
    """Two drivers that read the same record: only the first move lands."""
    store = JobStore(tmp_path / "jobs.sqlite3")
    store.insert(_job(state=State.SUBMITTING))
    store.set_state("j1", State.SUBMITTING, State.REMOTE, History.SUBMITTED, remote_id="r1")
    with pytest.raises(StateConflict):
        store.set_state("j1", State.SUBMITTING, State.HOSTING, History.REHOST)
    assert store.get("j1").state is State.REMOTE
    store.close()


def test_submit_attempt_is_claimed_once(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    store.insert(_job(state=State.SUBMITTING))
    assert store.claim_submit_attempt("j1", 0).submit_attempts == 1
    with pytest.raises(StateConflict):
        store.claim_submit_attempt("j1", 0)  # a second driver read 0 too: it loses
    assert store.get("j1").submit_attempts == 1
    store.close()


def test_a_newer_schema_is_refused_not_damaged(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    JobStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer version"):
        JobStore(path)


def test_a_full_disk_is_reported_as_such_not_as_a_failed_rollback(tmp_path: Path) -> None:
    """Issue 13.5: on a full disk SQLite ends the transaction itself; the store then tried a
    ROLLBACK, raised "cannot rollback - no transaction is active" and the job task died."""
    from aurora_desktop.jobs.store_health import StoreWriteFailed

    store = JobStore(tmp_path / "jobs.sqlite3")
    store.insert(_job())
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow: as a full disk
    with pytest.raises(StoreWriteFailed) as info:
        store.update("j1", error_detail="x" * 200_000)
    assert "full" in info.value.detail and "rollback" not in info.value.detail
    assert store.get("j1").error_detail is None  # nothing half-written
    store.close()


def test_a_library_of_the_first_schema_opens_with_its_jobs_and_takes_script_jobs(tmp_path: Path) -> None:
    """Schema 2 (script jobs) adds columns: a library made before keeps every job."""
    path = tmp_path / "jobs.sqlite3"
    with sqlite3.connect(path) as db:
        for statement in filter(str.strip, MIGRATIONS[0].split(";")):
            db.execute(statement)
        db.execute("PRAGMA user_version = 1")
        db.execute(
            "INSERT INTO jobs (id, token, name, model, image_source, audio_source, state, created_at, updated_at) "
            "VALUES ('old', 'ad-aaaaaaaaaa', 'Old', 'aurora_v1', '/a.png', '/a.wav', 'saved', "
            "'2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"
        )
    store = JobStore(path)
    assert store.schema_version == len(MIGRATIONS) == 2
    old = store.get("old")
    assert old is not None and old.state is State.SAVED and old.script is None and old.hear_first is False
    store.insert(_job(id="new", script="Hello there", voice_id="v1", hear_first=True))
    new = store.get("new")
    assert new is not None and new.script == "Hello there" and new.hear_first is True and new.needs_speech
    claimed = store.set_state("new", State.DRAFT, State.SPEAKING, History.SPEAKING)
    assert store.claim_speech_attempt("new", claimed.speech_attempts).speech_attempts == 1
    with pytest.raises(StateConflict):  # a second driver that read 0 attempts loses
        store.claim_speech_attempt("new", 0)
    store.close()
