"""Writing files so that a crash never leaves half of one: the one place that does it."""

from __future__ import annotations

import os
import uuid
from pathlib import Path


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
