"""The job store: SQLite in WAL mode, versioned schema, append-only event history.

Every state change is one transaction (row update + event), committed with
synchronous=FULL before the engine takes the next step, so a crash at any
point leaves a record that says exactly what was done.

The store is synchronous; the engine calls it through one worker thread
(AsyncStore) so the Qt loop never waits on disk.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_random

from aurora_desktop.errors import UserError
from aurora_desktop.fileio import FileRefused, open_regular, refuse_unless_regular
from aurora_desktop.formatting import credits_exact
from aurora_desktop.jobs.model import (
    COLUMNS,
    CREDIT_COLUMNS,
    DATETIME_COLUMNS,
    FINAL_STATES,
    LocalJob,
    State,
    job_columns,
    job_from_columns,
    utcnow,
)
from aurora_desktop.jobs.vocabulary import History
from aurora_desktop.redact import redact

T = TypeVar("T")

# Each entry moves the schema one version up. Never edit a shipped entry: add one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, name TEXT NOT NULL, model TEXT NOT NULL,
        image_source TEXT NOT NULL, audio_source TEXT NOT NULL, state TEXT NOT NULL,
        text_prompt TEXT, guidance REAL, image_hash TEXT, audio_hash TEXT, image_mime TEXT, audio_mime TEXT,
        audio_seconds REAL, cost_estimate REAL,
        image_url TEXT, image_key TEXT, image_expires TEXT, audio_url TEXT, audio_key TEXT, audio_expires TEXT,
        api_base TEXT NOT NULL DEFAULT '', remote_id TEXT UNIQUE, remote_status TEXT, progress REAL NOT NULL DEFAULT 0,
        credits_used REAL, video_url TEXT, video_expires TEXT, preview_url TEXT, output_path TEXT,
        error_message TEXT, error_detail TEXT, error_code TEXT, submit_attempts INTEGER NOT NULL DEFAULT 0,
        bytes_done INTEGER NOT NULL DEFAULT 0, bytes_total INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, submitted_at TEXT, finished_at TEXT
    );
    CREATE INDEX jobs_state ON jobs(state);
    CREATE INDEX jobs_created ON jobs(created_at);
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, at TEXT NOT NULL,
        kind TEXT NOT NULL, data TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX events_job ON events(job_id, seq);
    """,
    # 2: script jobs (text-to-speech before the video).
    """
    ALTER TABLE jobs ADD COLUMN script TEXT;
    ALTER TABLE jobs ADD COLUMN voice_id TEXT;
    ALTER TABLE jobs ADD COLUMN voice_name TEXT;
    ALTER TABLE jobs ADD COLUMN speech_id TEXT;
    ALTER TABLE jobs ADD COLUMN speech_attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE jobs ADD COLUMN speech_credits REAL;
    ALTER TABLE jobs ADD COLUMN hear_first INTEGER NOT NULL DEFAULT 0;
    """,
)


class StoreError(Exception):
    pass


class StoreWriteFailed(UserError, StoreError):
    """The database refused a write (read-only, disk full, I/O error). Nothing more can be
    recorded, so the engine stops rather than act on what it cannot write down."""

    def __init__(self, path: Path, exc: sqlite3.Error) -> None:
        super().__init__(
            f"The app could not write to its job library ({path}): {exc}. Your jobs are kept. "
            "Free some disk space or check that the folder can be written to, then start the app again.",
            detail=f"{type(exc).__name__}: {exc}",
        )


class StateConflict(StoreError):
    """The job is no longer in the state the caller read: someone else moved it on."""


class StoreDamaged(UserError, StoreError):
    """The job library cannot be read. Nothing is changed until the user agrees to keep the
    damaged file aside (set_aside) and start a new, empty library."""

    def __init__(self, path: Path, reason: str, *, what: str = "") -> None:
        self.path = path
        found = f"cannot be read: {what}." if what else "is damaged and cannot be read."
        super().__init__(
            f"The list of your videos ({path}) {found} Nothing in it was changed. "
            "Aurora Desktop can keep the damaged file aside and start a new, empty list; "
            "your video files themselves are not touched.",
            detail=reason,
        )


class StoreTooNew(UserError, StoreError):
    """The library was written by a newer version of the app: left as it is, never downgraded."""

    def __init__(self, path: Path, version: int) -> None:
        self.path = path
        super().__init__(
            f"The list of your videos ({path}) was made by a newer version of Aurora Desktop. "
            "Nothing in it was changed. Update Aurora Desktop to open it.",
            detail=f"schema {version}, this version knows {len(MIGRATIONS)}",
        )


SQLITE_HEADER = b"SQLite format 3\x00"


def _companions(path: Path) -> list[Path]:
    """The database and its WAL and shared-memory files, as SQLite names them."""
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _refuse_if_damaged(path: Path) -> None:
    """A database emptied while its WAL still holds transactions would open as a new, empty
    library and the WAL would be thrown away: refuse before SQLite touches it."""
    db, wal, _ = _companions(path)
    try:
        for part in _companions(path):  # a folder, a FIFO or a device: SQLite would fail or block on it
            refuse_unless_regular(part)
        head = _head(db)
    except FileNotFoundError:
        return  # a new profile
    except FileRefused as exc:
        raise StoreDamaged(path, f"{exc.path.name}: {exc}", what=f"{exc.path.name} is {exc.kind}, not a file") from None
    if head and head != SQLITE_HEADER:  # not opened at all: SQLite's recovery would write into it
        raise StoreDamaged(path, f"{db.name} is not an SQLite database (it starts with {head[:16]!r})")
    if not head and wal.exists() and wal.stat().st_size > 0:
        raise StoreDamaged(path, f"{db.name} is empty but {wal.name} holds {wal.stat().st_size} bytes")


def _head(db: Path) -> bytes:
    with open_regular(db) as fh:
        return fh.read(len(SQLITE_HEADER))


def _is_locked(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


def set_aside(path: Path) -> Path:
    """Rename a damaged database (and its companions) out of the way, never overwriting; return its new name."""
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}")
    number = 2
    while any(p.exists() for p in _companions(aside)):
        aside = path.with_name(f"{path.stem}.damaged-{stamp}-{number}{path.suffix}")
        number += 1
    for source, target in zip(_companions(path), _companions(aside), strict=True):
        if source.exists():
            os.rename(source, target)
    return aside


# File paths may hold bytes that are not UTF-8 (os.fsdecode gives surrogates);
# those are stored as BLOBs of the raw bytes and read back exactly.
PATH_COLUMNS = frozenset({"image_source", "audio_source", "output_path"})
REDACTED_COLUMNS = frozenset({"error_message", "error_detail"})  # text that came from servers


def _encode(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in PATH_COLUMNS and isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return os.fsencode(value)
    if column in DATETIME_COLUMNS:
        return value.isoformat()
    if column in CREDIT_COLUMNS:
        return float(value)  # REAL: exact for any amount of up to 15 digits, read back as that decimal
    if isinstance(value, State):
        return value.value
    if column in REDACTED_COLUMNS and isinstance(value, str):
        return redact(value)
    return value


def _decode(row: sqlite3.Row) -> LocalJob:
    values: dict[str, Any] = {}
    for column in COLUMNS:
        value = row[column]
        if isinstance(value, bytes):
            value = os.fsdecode(value)
        elif value is not None and column in DATETIME_COLUMNS:
            value = datetime.fromisoformat(value)
        elif value is not None and column in CREDIT_COLUMNS:
            value = credits_exact(value)
        elif column in REDACTED_COLUMNS and isinstance(value, str):
            value = redact(value)  # a row written before redaction existed is shown redacted too
        values[column] = value
    return job_from_columns(values)


def check_library(path: Path) -> str:
    """What is wrong with the library at `path`, in plain words ("" if nothing), for `doctor`.
    Read-only (SQLite's mode=ro): never changes it, whatever it finds. Runs SQLite's
    quick_check, which reads every page: damage past a valid header is found here."""
    try:
        _refuse_if_damaged(path)
    except StoreDamaged as exc:
        return exc.user_message
    if not path.exists():
        return ""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        return f"The list of your videos ({path}) cannot be opened: {exc}."
    try:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            return StoreTooNew(path, version).user_message
        found = [row[0] for row in db.execute("PRAGMA quick_check(5)").fetchall()]
    except sqlite3.OperationalError as exc:
        return f"The list of your videos ({path}) cannot be read: {exc}."
    except sqlite3.DatabaseError as exc:
        found = [str(exc)]
    finally:
        db.close()
    if found != ["ok"]:
        return StoreDamaged(path, "; ".join(found)).user_message
    return ""


class JobStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # one writer at a time, whoever calls
        _refuse_if_damaged(path)
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
                [_encode(c, v) for c, v in job_columns(vars(job)).items()],
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
                [*(_encode(c, v) for c, v in columns.items()), *args],
            )
            if cur.rowcount != 1:
                raise self._missed(job_id, expected)
            if event:
                self._event(job_id, event, data)
            row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _decode(row)

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
        return _decode(row) if row else None

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
        return [_decode(r) for r in rows]

    def recent_saved(self, limit: int) -> builtins.list[LocalJob]:
        """The latest saved videos that were requested from Creatify (what the render pace is learnt from)."""
        with self._reading():
            rows = self._db.execute(
                "SELECT * FROM jobs WHERE state = ? AND submitted_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?",
                (State.SAVED.value, limit),
            ).fetchall()
        return [_decode(row) for row in rows]

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


class AsyncStore:
    """The store's calls, each run on one dedicated thread."""

    def __init__(self, store: JobStore) -> None:
        self.sync = store
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="job-store")

    async def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, lambda: fn(*args, **kwargs))

    async def insert(self, job: LocalJob) -> LocalJob:
        return await self._run(self.sync.insert, job)

    async def update(
        self, job_id: str, event: History | None = None, data: dict[str, Any] | None = None, **changes: Any
    ) -> LocalJob:
        return await self._run(self.sync.update, job_id, event, data, **changes)

    async def set_state(
        self,
        job_id: str,
        expected: State,
        state: State,
        event: History,
        data: dict[str, Any] | None = None,
        **changes: Any,
    ) -> LocalJob:
        return await self._run(self.sync.set_state, job_id, expected, state, event, data, **changes)

    async def claim_submit_attempt(self, job_id: str, attempts: int) -> LocalJob:
        return await self._run(self.sync.claim_submit_attempt, job_id, attempts)

    async def claim_speech_attempt(self, job_id: str, attempts: int) -> LocalJob:
        return await self._run(self.sync.claim_speech_attempt, job_id, attempts)

    async def get(self, job_id: str) -> LocalJob | None:
        return await self._run(self.sync.get, job_id)

    async def last_event_at(self, job_id: str, kind: History) -> datetime | None:
        return await self._run(self.sync.last_event_at, job_id, kind)

    async def list(self, states: Iterable[State] | None = None) -> builtins.list[LocalJob]:
        return await self._run(self.sync.list, states)

    async def recent_saved(self, limit: int) -> builtins.list[LocalJob]:
        return await self._run(self.sync.recent_saved, limit)

    async def unfinished(self) -> builtins.list[LocalJob]:
        return await self._run(self.sync.unfinished)

    async def delete(self, job_id: str) -> None:
        await self._run(self.sync.delete, job_id)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
