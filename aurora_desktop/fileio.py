"""Files the app opens: written so that a crash never leaves half of one, read so that no file
can hang the app or fill its memory. The one place that does either.

The rule for reading (`read_regular`, `open_regular`): regular files only, opened with
O_NONBLOCK (opening a FIFO never blocks) and checked with fstat after the open (what is
checked is what was opened: no swap between a stat and the open), read within a bound.
Anything else is a `FileRefused`, an OSError whose text is a plain reason.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO


class FileRefused(OSError):
    """Not a regular file (a folder, a pipe, a device, a socket), or larger than its bound."""

    def __init__(self, path: Path, reason: str, kind: str = "") -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason
        self.kind = kind  # "a folder", "a named pipe", ...; "" when it is a file, only too large

    def __str__(self) -> str:
        return self.reason


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not an ordinary file"


def refuse_unless_regular(path: Path) -> None:
    """For files opened by others (SQLite): raise FileRefused if `path` exists and is not a
    regular file (links followed). A missing file is fine: it will be made."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise FileRefused(path, f"it is {_kind(mode)}, not a file", _kind(mode))


@contextlib.contextmanager
def open_regular(path: Path) -> Iterator[BinaryIO]:
    """Open a regular file for reading, never blocking; FileRefused for anything else."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise FileRefused(path, f"it is {_kind(mode)}, not a file", _kind(mode))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        fh = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with fh:
        yield fh


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (FileRefused otherwise)."""
    with open_regular(path) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise FileRefused(path, f"it is larger than {_size(limit)}, more than such a file ever holds")
    return data


class JsonUnreadable(Exception):
    """A JSON file that cannot be used: not there (`missing`), refused, unreadable, not UTF-8
    JSON, or nested too deeply to parse. Its text is a plain reason."""

    def __init__(self, path: Path, reason: str, *, missing: bool = False) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason
        self.missing = missing

    def __str__(self) -> str:
        return self.reason


def read_json(path: Path, limit: int) -> Any:
    """The JSON value of a regular file of at most `limit` bytes (read through `read_regular`).
    Anything that keeps it from being used is a JsonUnreadable, never another exception
    (a deeply nested file makes json raise RecursionError, not ValueError)."""
    try:
        data = read_regular(path, limit)
    except FileNotFoundError:
        raise JsonUnreadable(path, "it is not there", missing=True) from None
    except FileRefused as exc:
        raise JsonUnreadable(path, exc.reason) from None
    except OSError as exc:
        raise JsonUnreadable(path, f"it cannot be read ({exc.strerror or type(exc).__name__})") from None
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError:  # not UTF-8, not JSON
        raise JsonUnreadable(path, "it is not JSON") from None
    except RecursionError:
        raise JsonUnreadable(path, "it is nested too deeply to be read") from None


def _size(limit: int) -> str:
    if limit >= 1_000_000:
        return f"{limit / 1e6:g} MB"
    return f"{limit / 1e3:g} kB" if limit >= 1000 else f"{limit} bytes"


def temp_beside(target: Path) -> Path:
    """A hidden temp name in the target's folder (same file system: the rename is atomic).
    Created with open(..., "xb") by callers, so it gets the user's normal permissions
    (mkstemp would make it private, 0600)."""
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")


def write_atomic(path: Path, data: bytes) -> None:
    """Write, fsync, rename: readers see the old file or the new one, never a mix."""
    tmp = temp_beside(path)
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
