"""The upload reader closes its file however the upload ends."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from aurora_desktop.hosting.base import file_chunks


def open_handles(path: Path) -> int:
    fd_dir = Path("/proc/self/fd")
    count = 0
    for fd in os.listdir(fd_dir):
        try:
            if os.readlink(fd_dir / fd) == str(path):
                count += 1
        except OSError:  # the listing's own descriptor is gone by now
            pass
    return count


@pytest.fixture()
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "input.bin"
    path.write_bytes(os.urandom(64 * 1024))
    return path


def test_streams_whole_file_with_progress(big_file: Path) -> None:
    seen: list[tuple[int, int]] = []

    async def read_all() -> bytes:
        async with file_chunks(big_file, lambda s, t: seen.append((s, t)), chunk_size=10_000) as chunks:
            return b"".join([c async for c in chunks])

    assert asyncio.run(read_all()) == big_file.read_bytes()
    assert len(seen) == 7 and seen[-1] == (65536, 65536)
    assert open_handles(big_file) == 0


def test_abandoned_iterator_closes_file(big_file: Path) -> None:
    """Like httpx when a PUT is cancelled: one chunk taken, the iterator dropped mid-way."""

    async def scenario() -> int:
        async with file_chunks(big_file, chunk_size=1000) as chunks:
            await anext(aiter(chunks))
            assert open_handles(big_file) == 1
        return open_handles(big_file)

    assert asyncio.run(scenario()) == 0


def test_cancelled_upload_closes_file(big_file: Path) -> None:
    async def slow_consumer() -> None:
        async with file_chunks(big_file, chunk_size=1000) as chunks:
            async for _ in chunks:
                await asyncio.sleep(10)

    async def scenario() -> int:
        task = asyncio.create_task(slow_consumer())
        await asyncio.sleep(0.05)
        assert open_handles(big_file) == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return open_handles(big_file)

    assert asyncio.run(scenario()) == 0


def test_a_file_edited_while_it_is_sent_stops_before_its_last_byte(big_file: Path) -> None:
    """Issue 20.1: the bytes sent are hashed as they go, and the last chunk is held back until
    the hash is known, so a receiver never gets a whole copy of a file that is not the priced one."""
    import hashlib

    from aurora_desktop.hosting import InputChanged

    priced = hashlib.sha256(big_file.read_bytes()).hexdigest()
    received: list[bytes] = []

    async def send(edit: bool) -> None:
        async with file_chunks(big_file, chunk_size=16 * 1024, sha256=priced) as chunks:
            async for chunk in chunks:
                received.append(chunk)
                if edit and len(received) == 1:
                    with open(big_file, "r+b") as fh:  # edited in place, after the first chunk left
                        fh.seek(40 * 1024)
                        fh.write(b"changed")

    asyncio.run(send(edit=False))
    assert b"".join(received) == big_file.read_bytes()  # the priced file goes through whole
    received.clear()
    with pytest.raises(InputChanged):
        asyncio.run(send(edit=True))
    assert sum(map(len, received)) < big_file.stat().st_size
