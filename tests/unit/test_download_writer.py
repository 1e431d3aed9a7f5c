"""The download writer: blocks land in order, syncs overlap writes, errors surface."""

from __future__ import annotations

import asyncio
import errno
import io
from pathlib import Path

import pytest

from aurora_desktop.jobs import download


def test_blocks_land_in_order_with_syncs_between(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_sync = download._datasync
    monkeypatch.setattr(download, "SYNC_BYTES", 3000)
    monkeypatch.setattr(download, "_datasync", lambda fd: (synced.append(fd), real_sync(fd)))
    blocks = [bytes([i]) * 1000 for i in range(20)]

    async def write_all(path: Path) -> None:
        with open(path, "wb") as fh:
            writer = download._Writer(fh)
            for block in blocks:
                await writer.write(block)
            await writer.finish()

    target = tmp_path / "out.bin"
    asyncio.run(write_all(target))
    assert target.read_bytes() == b"".join(blocks)
    assert 1 <= len(synced) <= 6  # one every ~3000 bytes at most, never piling up


class FullDisk(io.BytesIO):
    def write(self, data: bytes) -> int:  # type: ignore[override]
        raise OSError(errno.ENOSPC, "No space left on device")

    def fileno(self) -> int:
        return -1


def test_a_failed_write_surfaces_from_finish() -> None:
    async def scenario() -> None:
        writer = download._Writer(FullDisk())
        await writer.write(b"x" * 10)
        await writer.finish()

    with pytest.raises(OSError, match="No space left"):
        asyncio.run(scenario())


def test_abandon_waits_quietly() -> None:
    async def scenario() -> bool:
        writer = download._Writer(FullDisk())
        await writer.write(b"x" * 10)
        await writer.abandon()  # in a finally: must not replace the first error
        return writer.busy is None and writer.syncing is None

    assert asyncio.run(scenario())
