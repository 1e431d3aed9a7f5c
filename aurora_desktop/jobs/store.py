"""The job store: SQLite in WAL mode, versioned schema, append-only event history.

Every state change is one transaction (row update + event), committed with
synchronous=FULL before the engine takes the next step, so a crash at any
point leaves a record that says exactly what was done.

The store is synchronous; the engine calls it through one worker thread
(jobs/async_store.py) so the Qt loop never waits on disk. The schema and the row format
are in jobs/store_schema.py; the store's errors, the damage checks and setting a damaged
file aside in jobs/store_health.py.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_random

from aurora_desktop.jobs.model import COLUMNS, FINAL_STATES, LocalJob, State, job_columns, utcnow
from aurora_desktop.jobs.store_health import (
    StateConflict,
    StoreDamaged,
    StoreError,
    StoreTooNew,
    StoreWriteFailed,
    refuse_if_damaged,
)
from aurora_desktop.jobs.store_schema import MIGRATIONS, decode_row, encode_value
from aurora_desktop.jobs.vocabulary import History
from aurora_desktop.redact import redact

DB_NAME = "jobs.sqlite3"  # the library's file, in paths.data_dir()


def _is_locked(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


class JobStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # one writer at a time, whoever calls
        refuse_if_damaged(path)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        try:
            # Switching a new file to WAL takes an exclusive lock without waiting on the busy
            # timeout: several processes opening a fresh profile at once take turns here.
            for attempt in Retrying(
                retry=retry_if_exception(_is_locked),
                wait=wait_random(0.01, 0.1),
                stop=stop_after_delay(10),
                reraise=True,
            ):
                with attempt:
                    self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            # Every page read once before anything is written: damage behind a valid header is
            # found here, not in the middle of a job (a few ms per MB, on the store's thread).
            found = [row[0] for row in self._db.execute("PRAGMA quick_check(5)").fetchall()]
            if found != ["ok"]:
                raise sqlite3.DatabaseError("; ".join(found))
            self._migrate()
            self._db.execute("SELECT count(*) FROM jobs").fetchone()
        except StoreTooNew:
            self._db.close()
            raise
        except StoreWriteFailed as exc:
            self._db.close()
            if isinstance(exc.__cause__, sqlite3.OperationalError):
                raise
            raise StoreDamaged(path, exc.detail) from exc
        except sqlite3.DatabaseError as exc:
            self._db.close()
            if isinstance(exc, sqlite3.OperationalError) and "no such table" not in str(exc):
                raise StoreWriteFailed(path, exc) from exc  # locked, unreadable folder: not damage
            raise StoreDamaged(path, f"{type(exc).__name__}: {exc}") from exc

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction, taken at once (BEGIN IMMEDIATE: no other writer can slip in
        between a read and the write that depends on it), under the in-process lock."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield
                    self._db.execute("COMMIT")
                except BaseException:
                    # A failed COMMIT (disk full) may have ended the transaction already.
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise
            except sqlite3.IntegrityError:
                raise  # a rule of the data (unique tokens, remote ids): the caller's mistake
            except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
                raise StoreWriteFailed(self.path, exc) from exc

    def _migrate(self) -> None:
        # The version is read inside the transaction: of several processes opening a
        # fresh profile at once, the first migrates and the others find it done.
        with self._transaction():
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise StoreTooNew(self.path, version)
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ------------------------------------------------------------------ writes

    def _event(self, job_id: str, kind: str, data: dict[str, Any] | None) -> None:
        self._db.execute(
            "INSERT INTO events(job_id, at, kind, data) VALUES (?, ?, ?, ?)",
            (job_id, utcnow().isoformat(), kind, redact(json.dumps(data or {}, default=str))),
        )

    def insert(self, job: LocalJob) -> LocalJob:
        with self._transaction():
            self._db.execute(
                f"INSERT INTO jobs ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                [encode_value(c, v) for c, v in job_columns(vars(job)).items()],
            )
            self._event(job.id, History.CREATED, {"state": job.state.value})
        return job

    def update(
        self, job_id: str, event: History | None = None, data: dict[str, Any] | None = None, **changes: Any
    ) -> LocalJob:
        """Apply changes (never to `state`) and record an event in one transaction; return the new record."""
        if "state" in changes:
            raise StoreError("a job's state changes only through jobs.transitions.move()")
        return self._write(job_id, None, event, data, changes)

    def set_state(
        self,
        job_id: str,
        expected: State,
        state: State,
        event: History,
        data: dict[str, Any] | None = None,
        **changes: Any,
    ) -> LocalJob:
        """Compare-and-set: move the job to `state` only if it is still in `expected`.
        Called by jobs.transitions.move(), which checks the move is allowed."""
        payload = {"state": state.value, **(data or {})}
        return self._write(job_id, expected, event, payload, {**changes, "state": state})

    def claim_submit_attempt(self, job_id: str, attempts: int) -> LocalJob:
        """Count one more POST attempt, only if the job is still submitting with `attempts`
        counted: of two drivers that read the same record, exactly one wins."""
        return self._write(
            job_id, State.SUBMITTING, History.SUBMIT_INTENT, None, {"submit_attempts": attempts + 1}, attempts=attempts
        )

    def claim_speech_attempt(self, job_id: str, attempts: int) -> LocalJob:
        """The same for the text-to-speech POST of a script job."""
        return self._write(
            job_id,
            State.SPEAKING,
            History.SPEECH_INTENT,
            None,
            {"speech_attempts": attempts + 1},
            attempts=attempts,
            counter="speech_attempts",
        )

    def _write(
        self,
        job_id: str,
        expected: State | None,
        event: History | None,
        data: dict[str, Any] | None,
        changes: dict[str, Any],
        *,
        attempts: int | None = None,
        counter: str = "submit_attempts",
    ) -> LocalJob:
        columns = job_columns(changes)
        unknown = set(columns) - set(COLUMNS)
        if unknown:
            raise StoreError(f"unknown job fields: {sorted(unknown)}")
        columns["updated_at"] = utcnow()
        where, args = "id = ?", list[Any]([job_id])
        if expected is not None:
            where += " AND state = ?"
            args.append(expected.value)
        if attempts is not None:
            where += f" AND {counter} = ?"
            args.append(attempts)
        with self._transaction():
            cur = self._db.execute(
                f"UPDATE jobs SET {', '.join(f'{c} = ?' for c in columns)} WHERE {where}",
                [*(encode_value(c, v) for c, v in columns.items()), *args],
            )
            if cur.rowcount != 1:
                raise self._missed(job_id, expected)
            if event:
                self._event(job_id, event, data)
            row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return decode_row(row)

    def _missed(self, job_id: str, expected: State | None) -> StoreError:
        row = self._db.execute("SELECT state, submit_attempts FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            return StoreError(f"no job {job_id}")
        return StateConflict(
            f"job {job_id} is {row['state']} with {row['submit_attempts']} attempt(s), "
            f"not {expected.value if expected else '?'} as read"
        )

    def delete(self, job_id: str) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))
            self._event(job_id, History.REMOVED, None)

    # ------------------------------------------------------------------ reads

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """A read under the lock; damaged pages found on the way (a valid header, bad pages
        further in) are StoreDamaged, a plain sentence, not a traceback."""
        with self._lock:
            try:
                yield
            except sqlite3.OperationalError:
                raise
            except sqlite3.DatabaseError as exc:
                raise StoreDamaged(self.path, f"{type(exc).__name__}: {exc}") from exc

    def get(self, job_id: str) -> LocalJob | None:
        with self._reading():
            row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return decode_row(row) if row else None

    def list(self, states: Iterable[State] | None = None, *, limit: int | None = None) -> builtins.list[LocalJob]:
        sql, args = "SELECT * FROM jobs", []
        if states is not None:
            wanted = [s.value for s in states]
            sql += f" WHERE state IN ({', '.join('?' * len(wanted))})"
            args.extend(wanted)
        sql += " ORDER BY created_at DESC, rowid DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        with self._reading():
            rows = self._db.execute(sql, args).fetchall()
        return [decode_row(r) for r in rows]

    def recent_saved(self, limit: int) -> builtins.list[LocalJob]:
        """The latest saved videos that were requested from Creatify (what the render pace is learnt from)."""
        with self._reading():
            rows = self._db.execute(
                "SELECT * FROM jobs WHERE state = ? AND submitted_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?",
                (State.SAVED.value, limit),
            ).fetchall()
        return [decode_row(row) for row in rows]

    def unfinished(self) -> builtins.list[LocalJob]:
        return self.list([s for s in State if s not in FINAL_STATES])

    def events(self, job_id: str) -> builtins.list[dict[str, Any]]:
        with self._reading():
            rows = self._db.execute(
                "SELECT at, kind, data FROM events WHERE job_id = ? ORDER BY seq", (job_id,)
            ).fetchall()
        return [{"at": r["at"], "kind": r["kind"], **json.loads(redact(r["data"]))} for r in rows]

    def last_event_at(self, job_id: str, kind: History) -> datetime | None:
        """When the job last recorded `kind` (e.g. the speech intent, written just before its POST)."""
        with self._lock:
            row = self._db.execute(
                "SELECT at FROM events WHERE job_id = ? AND kind = ? ORDER BY seq DESC LIMIT 1", (job_id, str(kind))
            ).fetchone()
        return datetime.fromisoformat(row["at"]) if row else None


def peek_newest(path: Path, limit: int) -> builtins.list[LocalJob]:
    """The newest `limit` jobs, read-only (SQLite's mode=ro), for the library's first screenful
    while the store is still being opened for the engine (its full check, migrations, the
    engine's own start). Anything unusual -- no file yet, a schema older or newer than this
    version's, damage, a lock -- gives [], never an error: the store's real opening reports it."""
    if limit <= 0 or not path.exists():
        return []
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return []
    try:
        db.row_factory = sqlite3.Row
        if int(db.execute("PRAGMA user_version").fetchone()[0]) != len(MIGRATIONS):
            return []
        rows = db.execute("SELECT * FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?", (limit,)).fetchall()
        return [decode_row(row) for row in rows]
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return []
    finally:
        db.close()
