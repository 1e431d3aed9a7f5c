"""fileio's reading rule on real files (issue 20 item 6): regular files only, opened without
blocking, read within a bound; what reads the app's own and the user's files goes through it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aurora_desktop.api.speech import SCRIPT_MAX
from aurora_desktop.fileio import FileRefused, JsonUnreadable, read_json, read_regular
from aurora_desktop.jobs.limits import ScriptLimit
from aurora_desktop.jobs.prepare import sha256_file
from aurora_desktop.settings import Settings, SettingsProblem
from aurora_desktop.voices import VoiceCache

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


NESTED = b"[" * 50_000  # JSON that json.loads meets with RecursionError, not ValueError


def _damaged(path: Path, kind: str) -> None:
    if kind == "nested":
        path.write_bytes(NESTED)
    else:
        os.mkfifo(path)  # nobody writes: a plain open() would wait for ever


@pytest.mark.parametrize("kind", ["nested", "fifo"])
def test_read_json_says_why_in_one_exception(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "x.json"
    _damaged(path, kind)
    with pytest.raises(JsonUnreadable, match="nested too deeply" if kind == "nested" else "named pipe") as caught:
        read_json(path, 1_000_000)
    assert not caught.value.missing
    with pytest.raises(JsonUnreadable) as caught:
        read_json(tmp_path / "missing.json", 100)
    assert caught.value.missing
    (tmp_path / "ok.json").write_bytes(b'{"a": [1]}')
    assert read_json(tmp_path / "ok.json", 100) == {"a": [1]}


@pytest.mark.parametrize("kind", ["nested", "fifo"])
def test_settings_limits_and_voice_cache_read_a_damaged_file_without_a_traceback(tmp_path: Path, kind: str) -> None:
    settings = tmp_path / "settings.json"
    _damaged(settings, kind)
    assert Settings.load(settings) == Settings()  # the window opens with the defaults
    with pytest.raises(SettingsProblem, match="nested too deeply" if kind == "nested" else "named pipe"):
        Settings.load_checked(settings)  # doctor, run: a plain sentence
    _damaged(tmp_path / "learned-limits.json", kind)
    assert ScriptLimit(tmp_path, "https://api.creatify.ai").value == SCRIPT_MAX
    cache = VoiceCache(tmp_path, "https://api.creatify.ai")
    _damaged(cache.path, kind)
    assert cache.load() is None
