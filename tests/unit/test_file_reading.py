"""fileio's reading rule on real files (issue 20 item 6): regular files only, opened without
blocking, read within a bound; what reads the app's own and the user's files goes through it."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from aurora_desktop.api.speech import SCRIPT_MAX
from aurora_desktop.fileio import FileRefused, JsonUnreadable, read_json, read_regular
from aurora_desktop.hosting.base import file_chunks
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


def _within(seconds: float, fifo: Path, work: Callable[[], object]) -> BaseException | None:
    """What `work` raised, run on a thread; a read stuck on the pipe is freed and fails the test."""
    outcome: list[BaseException | None] = []

    def go() -> None:
        try:
            work()
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)

    thread = threading.Thread(target=go, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # the writer it waits for: it ends
        thread.join(5)
        pytest.fail("the read waited on a named pipe")
    return outcome[0]


def test_an_upload_of_an_input_swapped_for_a_pipe_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "voice.wav"
    os.mkfifo(fifo)

    async def upload() -> None:
        async with file_chunks(fifo) as chunks:
            async for _chunk in chunks:
                pass

    assert isinstance(_within(3, fifo, lambda: asyncio.run(upload())), FileRefused)


def test_a_photo_swapped_for_a_pipe_after_its_check_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from aurora_desktop.jobs import prepare
    from aurora_desktop.media.inspect import ImageFacts, InputError

    fifo = tmp_path / "photo.heic"
    os.mkfifo(fifo)

    async def checked(image: str, work_dir: Path) -> ImageFacts:  # the check saw a photo to convert
        return ImageFacts(640, 480, "HEIF", ("converted",))

    monkeypatch.setattr(prepare, "inspect_image_source", checked)
    work = lambda: asyncio.run(prepare._prepare_image(str(fifo), tmp_path / "w", "#ffffff", []))  # noqa: E731
    error = _within(3, fifo, work)
    assert isinstance(error, InputError) and "named pipe" in str(error), error
