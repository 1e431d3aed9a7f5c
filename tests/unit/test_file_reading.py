"""fileio's reading rule on real files (issue 20 item 6): regular files only, opened without
blocking, read within a bound; what reads the app's own and the user's files goes through it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aurora_desktop.fileio import FileRefused, read_regular
from aurora_desktop.jobs.prepare import sha256_file

pytestmark = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero")


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(FileRefused, match="it is a named pipe, not a file"):
        read_regular(fifo, 100)
    with pytest.raises(FileRefused):  # an input swapped for a pipe after its check: refused, not waited on
        sha256_file(fifo)


def test_a_device_and_a_folder_are_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero"
    link.symlink_to("/dev/zero")
    with pytest.raises(FileRefused, match="it is a device") as caught:
        read_regular(link, 100)
    assert caught.value.kind == "a device" and isinstance(caught.value, OSError)
    with pytest.raises(FileRefused, match="it is a folder"):
        read_regular(tmp_path, 100)


def test_a_regular_file_is_read_within_its_bound(tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_bytes(b"x" * 100)
    assert read_regular(path, 100) == b"x" * 100
    with pytest.raises(FileRefused, match="larger than 99"):
        read_regular(path, 99)
    with pytest.raises(FileNotFoundError):
        read_regular(tmp_path / "missing", 100)
