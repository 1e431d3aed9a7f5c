"""Reading an httpx answer's body piece by piece, and stopping early without leaving readers behind.

httpx reads a streamed body through a chain of async generators (httpx's `aiter_bytes` down to
httpcore's connection stream). A loop that stops early (`break`, `return`, a raise for a body too
large) lets go of the outermost one at once, and Python finalises the chain there and then: with
no asyncio async-generator hooks installed (qasync installs none), each one runs its clean-up,
which closes the connection with awaits, outside any task. That is "async generator ignored
GeneratorExit" and "Attempted to exit cancel scope in a different task", and a connection that is
never given back. Closing the response first, while the reader is still held, makes each
generator's clean-up a no-op (their streams are closed already); only then is the reader let go.
Every early stop in a body goes through `body_chunks` (or `read_bounded`), never a bare
`response.aiter_bytes()` loop.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator

import httpx


@contextlib.asynccontextmanager
async def body_chunks(response: httpx.Response, chunk_size: int | None = None) -> AsyncGenerator[AsyncIterator[bytes]]:
    """The body's chunks; on leaving, however early, the response is closed before the reader."""
    chunks = response.aiter_bytes(chunk_size)
    try:
        yield chunks
    finally:
        await response.aclose()
        closing = getattr(chunks, "aclose", None)
        if closing is not None:
            await closing()


async def read_bounded(response: httpx.Response, limit: int) -> bytes | None:
    """The whole body, or None (and nothing more read) once it passes `limit` bytes. Closes the response."""
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        await response.aclose()
        return None
    body = bytearray()
    async with body_chunks(response) as chunks:
        async for chunk in chunks:
            body += chunk
            if len(body) > limit:
                return None
    return bytes(body)
