"""The hosting interface and its error."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from aurora_desktop.errors import UserError

ProgressCallback = Callable[[int, int], None]  # (bytes sent, total bytes)
CHUNK = 1024 * 1024


class HostingError(UserError):
    default_message = "The file could not be put where Creatify can fetch it."

    def __init__(self, user_message: str, *, detail: str = "", retryable: bool = False) -> None:
        self.retryable = retryable
        super().__init__(user_message, detail=detail)


@dataclass(frozen=True, slots=True)
class HostedFile:
    url: str
    expires_at: datetime | None  # None: does not expire (as far as we know)
    key: str | None  # what remove() needs; None when nothing to remove


class Hoster(Protocol):
    name: str

    async def host(
        self, path: Path, *, key: str, content_type: str, progress: ProgressCallback | None = None
    ) -> HostedFile: ...

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
        self, path: Path, *, key: str, content_type: str, progress: ProgressCallback | None = None
    ) -> HostedFile:
        raise HostingError(NO_STORAGE_MESSAGE)

    async def remove(self, key: str) -> None:
        return None

    async def test(self) -> str:
        raise HostingError(NO_STORAGE_MESSAGE)


@contextlib.asynccontextmanager
async def file_chunks(
    path: Path, progress: ProgressCallback | None = None, chunk_size: int = CHUNK
) -> AsyncIterator[AsyncIterator[bytes]]:
    """Stream a file without blocking the event loop; memory stays at one chunk.

    A context manager rather than a bare async generator because the consumers
    (httpx, obstore) abandon their content iterator when the upload is cancelled
    or fails, and an abandoned generator is only finalised by the event loop --
    which may be gone by then, leaking the open file.  Here the file is closed
    when the upload's block ends, whatever ended it.
    """
    total = path.stat().st_size
    # Opening a local file is quick; only the reads go to a worker thread.  (An
    # open() handed to a thread leaks its handle if the await is cancelled.)
    with open(path, "rb") as fh:

        async def chunks() -> AsyncGenerator[bytes]:
            sent = 0
            while chunk := await asyncio.to_thread(fh.read, chunk_size):
                sent += len(chunk)
                if progress:
                    progress(sent, total)
                yield chunk

        async with contextlib.aclosing(chunks()) as iterator:
            yield iterator
