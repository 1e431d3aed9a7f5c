"""One engine per profile: the lock held by whichever process drives the jobs.

The window holds it for its whole life; `run` and `resume` hold it while they
work. The lock is the operating system's (flock on POSIX, LockFileEx on
Windows, through filelock): it dies with its process, so a crash never leaves
a stale lock behind. `jobs` only reads and needs no lock.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from filelock import FileLock, Timeout

from aurora_desktop.errors import UserError
from aurora_desktop.paths import ProfileUnusable

LOCK_NAME = "engine.lock"


class AlreadyRunning(UserError):
    default_message = (
        "Aurora Desktop is already running with this profile (in a window, or as another command) "
        "and is making its videos. Use that one, or wait until it has finished."
    )


class ProfileLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_NAME
        self._lock = FileLock(self.path, timeout=0)

    def acquire(self) -> ProfileLock:
        """Take the lock now or raise AlreadyRunning; never waits."""
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise AlreadyRunning(detail=f"lock held: {self.path}") from None
        except OSError as exc:  # the lock file cannot be made: a read-only folder
            raise ProfileUnusable(
                f"The folder {self.path.parent} cannot be written to ({(exc.strerror or str(exc)).lower()}), "
                "so Aurora Desktop cannot keep track of its work there. Nothing was done. "
                "Make the folder writable, or choose another profile (--profile).",
                detail=f"{type(exc).__name__}: {exc}",
            ) from None
        return self

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release()

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def __enter__(self) -> ProfileLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def instance_name(data_dir: Path) -> str:
    """A name for the profile's activation socket: short (socket paths are limited) and per profile."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return f"aurora-desktop-{digest[:16]}"
