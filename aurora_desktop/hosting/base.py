"""The hosting interface and its error."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import hashlib
import os
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from aurora_desktop.errors import UserError
from aurora_desktop.fileio import open_regular

ProgressCallback = Callable[[int, int], None]  # (bytes sent, total bytes)
CHUNK = 1024 * 1024


class HostingError(UserError):
    default_message = "The file could not be put where Creatify can fetch it."

    def __init__(self, user_message: str, *, detail: str = "", retryable: bool = False) -> None:
        self.retryable = retryable
        super().__init__(user_message, detail=detail)


class InputChanged(HostingError):
    """The file being uploaded is not the one priced (its bytes differ from the hash taken then).

    Raised by `file_chunks` before the last byte leaves, so the host never holds a whole
    copy of the changed file, and nothing of it reaches Creatify."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("The file changed after the price was shown.", detail=detail)


@dataclass(frozen=True, slots=True)
class HostedFile:
    url: str
    expires_at: datetime | None  # None: does not expire (as far as we know)
    key: str | None  # what remove() needs; None when nothing to remove


class Hoster(Protocol):
    name: str

    async def host(
        self,
        path: Path,
        *,
        key: str,
        content_type: str,
        progress: ProgressCallback | None = None,
        sha256: str | None = None,
    ) -> HostedFile:
        """Upload `path`; with `sha256` (the hash taken when the price was shown), send exactly
        those bytes or raise InputChanged, with nothing usable left at the host."""
        ...

    async def remove(self, key: str) -> None: ...

    async def test(self) -> str:
        """Round-trip a tiny object; return a short success sentence or raise HostingError."""
        ...


# A copy that exists before it is checked (a Quick link is fetched back before use) must be
# recorded at once: killed during the check, the app would otherwise never delete it. The
# hosting step sets the recorder around `host()`; a hoster calls `placed(key)` the moment
# `remove(key)` could delete the copy. A context variable, so the Hoster protocol (and the
# hosters that know their removal key only at the end) stays as it is.
_recorder: contextvars.ContextVar[Callable[[str], Awaitable[None]] | None] = contextvars.ContextVar(
    "hosting_recorder", default=None
)


@contextlib.contextmanager
def recording_placements(record: Callable[[str], Awaitable[None]]) -> Iterator[None]:
    """Within this block (this task), `placed(key)` awaits `record(key)`."""
    token = _recorder.set(record)
    try:
        yield
    finally:
        _recorder.reset(token)


async def placed(key: str) -> None:
    """A hoster's copy now exists and `remove(key)` deletes it: recorded before anything else."""
    record = _recorder.get()
    if record is not None:
        await record(key)


NO_STORAGE_MESSAGE = (
    "Creatify fetches your files from links, and no way of sharing local files is chosen yet. "
    "Choose Quick links (each file public for 1 hour) or your own storage in Settings → Sharing, "
    "or paste links to your image and audio instead."
)


class NoHosting:
    """Stands in when no storage is configured: refuses local files, clearly, before spending."""

    name = "none"

    async def host(
        self,
        path: Path,
        *,
        key: str,
        content_type: str,
        progress: ProgressCallback | None = None,
        sha256: str | None = None,
    ) -> HostedFile:
        raise HostingError(NO_STORAGE_MESSAGE)

    async def remove(self, key: str) -> None:
        return None

    async def test(self) -> str:
        raise HostingError(NO_STORAGE_MESSAGE)


@contextlib.asynccontextmanager
async def file_chunks(
    path: Path, progress: ProgressCallback | None = None, chunk_size: int = CHUNK, *, sha256: str | None = None
) -> AsyncIterator[AsyncIterator[bytes]]:
    """Stream a file without blocking the event loop; memory stays at two chunks.

    A context manager rather than a bare async generator because the consumers
    (httpx, obstore) abandon their content iterator when the upload is cancelled
    or fails, and an abandoned generator is only finalised by the event loop --
    which may be gone by then, leaking the open file.  Here the file is closed
    when the upload's block ends, whatever ended it.

    With `sha256`, the bytes are hashed in the same read that sends them, and the
    last chunk is held back until the hash is known: a file that is not the one
    priced (replaced, edited or grown since) raises InputChanged before the upload
    is complete, so the host is left with no whole copy and the upload fails.
    """
    # Opening a local file is quick; only the reads go to a worker thread.  (An
    # open() handed to a thread leaks its handle if the await is cancelled.)  Opened as
    # every input is read (fileio): a file swapped for a pipe or a device is refused.
    with open_regular(path) as fh:
        total = os.fstat(fh.fileno()).st_size

        async def chunks() -> AsyncGenerator[bytes]:
            digest = hashlib.sha256() if sha256 else None
            sent = 0
            chunk = await asyncio.to_thread(fh.read, chunk_size)
            while chunk:
                following = await asyncio.to_thread(fh.read, chunk_size)
                if digest is not None:
                    digest.update(chunk)
                    if sent + len(chunk) > total:
                        raise InputChanged(f"{path.name} grew past {total} bytes while it was uploaded")
                    if not following and digest.hexdigest() != sha256:
                        raise InputChanged(f"{path.name}: sha256 {digest.hexdigest()} is not the priced {sha256}")
                sent += len(chunk)
                if progress:
                    progress(sent, total)
                yield chunk
                chunk = following
            if digest is not None and sent == 0 and digest.hexdigest() != sha256:
                raise InputChanged(f"{path.name} is empty now")

        async with contextlib.aclosing(chunks()) as iterator:
            yield iterator
