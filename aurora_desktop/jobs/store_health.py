"""The job library file's health: the store's errors, damage found before SQLite touches the
file, setting a damaged file aside, and `doctor`'s read-only check."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from aurora_desktop.errors import UserError
from aurora_desktop.fileio import FileRefused, open_regular, refuse_unless_regular
from aurora_desktop.jobs.model import utcnow
from aurora_desktop.jobs.store_schema import MIGRATIONS


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


def companions(path: Path) -> list[Path]:
    """The database and its WAL and shared-memory files, as SQLite names them."""
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


# A profile being created by another process (the window and `resume` started together) can be
# seen for a moment with an empty or half-written main file beside a WAL already written: that
# is work in progress, not damage. Look again for up to this long before calling it damage.
CREATION_GRACE = 3.0


def refuse_if_damaged(path: Path, *, grace: float = CREATION_GRACE) -> None:
    """A database emptied while its WAL still holds transactions would open as a new, empty
    library and the WAL would be thrown away: refuse before SQLite touches it."""
    deadline = time.monotonic() + grace
    while (damage := _damage(path)) is not None:
        exc, settling = damage
        if not settling or time.monotonic() >= deadline:
            raise exc
        time.sleep(0.05)


def _damage(path: Path) -> tuple[StoreDamaged, bool] | None:
    """The damage found, and whether it may be another process still creating the file."""
    db, wal, _ = companions(path)
    try:
        for part in companions(path):  # a folder, a FIFO or a device: SQLite would fail or block on it
            refuse_unless_regular(part)
        head = _head(db)
    except FileNotFoundError:
        return None  # a new profile
    except FileRefused as exc:
        what = f"{exc.path.name} is {exc.kind}, not a file"
        return StoreDamaged(path, f"{exc.path.name}: {exc}", what=what), False
    if head and head != SQLITE_HEADER:  # not opened at all: SQLite's recovery would write into it
        settling = SQLITE_HEADER.startswith(head)  # a header being written
        return StoreDamaged(path, f"{db.name} is not an SQLite database (it starts with {head[:16]!r})"), settling
    if not head and wal.exists() and (size := wal.stat().st_size) > 0:
        return StoreDamaged(path, f"{db.name} is empty but {wal.name} holds {size} bytes"), True
    return None


def _head(db: Path) -> bytes:
    with open_regular(db) as fh:
        return fh.read(len(SQLITE_HEADER))


def set_aside(path: Path) -> Path:
    """Rename a damaged database (and its companions) out of the way, never overwriting; return its new name."""
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}")
    number = 2
    while any(p.exists() for p in companions(aside)):
        aside = path.with_name(f"{path.stem}.damaged-{stamp}-{number}{path.suffix}")
        number += 1
    for source, target in zip(companions(path), companions(aside), strict=True):
        if source.exists():
            os.rename(source, target)
    return aside


def check_library(path: Path) -> str:
    """What is wrong with the library at `path`, in plain words ("" if nothing), for `doctor`.
    Read-only (SQLite's mode=ro): never changes it, whatever it finds. Runs SQLite's
    quick_check, which reads every page: damage past a valid header is found here."""
    try:
        refuse_if_damaged(path)
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
