"""Check for updates, in the real window, against a loopback stand-in for the release's
version_info.json (issue 22 §6): newer, same, older, malformed, huge, slow and offline,
from Help → Check for updates; and the weekly check with an injected clock."""

from __future__ import annotations

import functools
import json
import platform
import socket
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from aurora_desktop import __version__, updates
from aurora_desktop.settings import Settings
from aurora_desktop.updates import Verdict

RELEASES_PAGE = "https://github.com/owner/repo/releases/latest"  # the build's release.json says so
SLOW_SECONDS = 3.0  # the stand-in's slow answer; the check's deadline is set below it
FILE_URL = "https://example.invalid/releases/v9.0.0"


def _info(version: str) -> bytes:
    def file(name: str, kind: str, url: str) -> dict[str, object]:
        return {"name": name, "kind": kind, "size": 1, "sha256": "0" * 64, "url": url}

    files = {
        "windows": [file("setup.exe", "installer", f"{FILE_URL}/setup.exe"), file("p.zip", "portable", "")],
        "macos": [file(f"aurora-{arch}.dmg", "dmg", f"{FILE_URL}/aurora-{arch}.dmg") for arch in ("arm64", "x86_64")],
        "linux": [file("a.tar.xz", "tarball", f"{FILE_URL}/a.tar.xz"), file("a.deb", "deb", f"{FILE_URL}/a.deb")],
    }
    notes = "Faster videos.\nA new voice."
    return json.dumps({"version": version, "date": "2027-01-15", "notes": notes, "files": files}).encode()


class StandIn(BaseHTTPRequestHandler):
    """GET /newer, /same, /older, /malformed, /infinite, /huge, /slow: each kind of answer a release host could give."""

    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        StandIn.requests.append(self.path)
        name = self.path.strip("/")
        try:
            if name == "slow":
                time.sleep(SLOW_SECONDS)  # bounded: the client gave up long before
                self._send(_info("9.0.0"))
            elif name == "huge":
                self.send_response(200)
                self.end_headers()  # no length: the client must stop reading by itself
                chunk = b" " * 65536
                for _ in range(64):  # 4 MB at most
                    self.wfile.write(chunk)
            else:
                body = {
                    "newer": _info("9.0.0"),
                    "same": _info(__version__),
                    "older": _info("0.0.1"),
                    "malformed": b"<html>Rate limit exceeded</html>",
                    "infinite": _info("9.0.0").replace(b'"size": 1', b'"size": Infinity'),  # json allows it
                }[name]
                self._send(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: as it should

    def _send(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stand_in() -> Iterator[str]:
    StandIn.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def opened_links(qapp) -> Iterator[list[str]]:
    """What QDesktopServices.openUrl would hand to the browser, caught by Qt's own URL handler hook."""
    links: list[str] = []

    class Catcher(QObject):
        @Slot(QUrl)
        def open(self, url: QUrl) -> None:
            links.append(url.toString())

    catcher = Catcher()
    QDesktopServices.setUrlHandler("https", catcher, "open")
    yield links
    QDesktopServices.unsetUrlHandler("https")


def _offline_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/version_info.json"  # nothing listens there now


def _ask(qtbot, window) -> tuple[updates.UpdateCheck, QMessageBox]:
    with qtbot.waitSignal(window.updates.answered, timeout=15_000) as answer:
        window.update_action.trigger()  # Help → Check for updates…
    box = window.updates.box
    assert box is not None and box.isVisible()
    return answer.args[0], box


def test_check_for_updates_from_the_menu_answers_every_kind_of_reply(
    qtbot, open_window, stand_in: str, opened_links: list[str], tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(updates, "DEADLINE", 1.0)
    built = tmp_path / "release.json"  # what build/release.py writes into the frozen app
    built.write_text(
        json.dumps({"update_url": f"{RELEASES_PAGE}/download/version_info.json", "releases_page": RELEASES_PAGE})
    )
    monkeypatch.setattr(updates, "release_file", lambda: built)
    window = open_window(wait_ready=False)

    monkeypatch.setenv("AURORA_UPDATE_URL", f"{stand_in}/newer")
    result, box = _ask(qtbot, window)
    assert result.verdict is Verdict.NEWER
    assert f"Aurora Desktop 9.0.0 is out, released 2027-01-15 (you have {__version__})" in box.text()
    assert "Faster videos." in box.text()  # what is new
    [download] = [b for b in box.buttons() if b.text() == "Download"]
    assert opened_links == []  # nothing is fetched or opened by itself
    download.click()
    # This OS's file in the browser (Windows: the installer; macOS: this Mac's .dmg); Linux: the
    # releases page, where the user picks the .deb or the .tar.xz.
    expected = RELEASES_PAGE
    if sys.platform == "win32":
        expected = f"{FILE_URL}/setup.exe"
    elif sys.platform == "darwin":
        expected = f"{FILE_URL}/aurora-{'arm64' if platform.machine() == 'arm64' else 'x86_64'}.dmg"
    assert opened_links == [expected]

    quiet = {
        "same": (Verdict.SAME, f"You have the latest version ({__version__})."),
        "older": (Verdict.OLDER, "You have the latest version"),
        "malformed": (Verdict.MALFORMED, "The update information could not be read"),
        "infinite": (Verdict.MALFORMED, "The update information could not be read"),  # an OverflowError before
        "huge": (Verdict.UNREACHABLE, "Could not check for updates right now"),
        "slow": (Verdict.UNREACHABLE, "Could not check for updates right now"),
    }
    for name, (verdict, sentence) in quiet.items():
        monkeypatch.setenv("AURORA_UPDATE_URL", f"{stand_in}/{name}")
        started = time.monotonic()
        result, box = _ask(qtbot, window)
        assert result.verdict is verdict, name
        assert sentence in box.text(), name
        assert "Download" not in [b.text() for b in box.buttons()], name
        assert time.monotonic() - started < 1.0 + 2.0, name  # the deadline holds, slow or huge
    monkeypatch.setenv("AURORA_UPDATE_URL", _offline_url())
    result, box = _ask(qtbot, window)
    assert result.verdict is Verdict.UNREACHABLE and "no connection" in box.text()
    assert opened_links == [expected]  # still only the one the user clicked
    assert StandIn.requests == ["/newer", "/same", "/older", "/malformed", "/infinite", "/huge", "/slow"]


def test_weekly_check_never_on_the_first_start_then_once_a_week_and_off_when_turned_off(
    qtbot, open_window, stand_in: str, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AURORA_UPDATE_URL", f"{stand_in}/newer")
    window = open_window(wait_ready=False)  # a first start: start() has run, after the first paint
    qtbot.wait(300)
    assert StandIn.requests == []  # nothing asked on the very first start: only the time noted
    first = datetime.fromisoformat(window.settings.last_update_check)
    assert abs(first - datetime.now(UTC)) < timedelta(minutes=5)
    assert Settings.load().last_update_check == first.isoformat()  # kept in the settings file
    now = [first]
    window.updates.clock = lambda: now[0]  # the injected clock from here

    now[0] = first + timedelta(days=6, hours=23)
    window.updates.maybe_check()
    qtbot.wait(300)
    assert StandIn.requests == []  # not a week yet

    now[0] = first + timedelta(days=7)
    with qtbot.waitSignal(window.updates.answered, timeout=15_000) as answer:
        window.updates.maybe_check()
    assert answer.args[0].verdict is Verdict.NEWER and StandIn.requests == ["/newer"]
    assert window.updates.box is not None and "9.0.0 is out" in window.updates.box.text()  # newer: it says so
    assert window.settings.last_update_check == now[0].isoformat()

    window.updates.box.close()
    window.updates.box = None
    monkeypatch.setenv("AURORA_UPDATE_URL", f"{stand_in}/same")
    now[0] += timedelta(days=7)
    with qtbot.waitSignal(window.updates.answered, timeout=15_000):
        window.updates.maybe_check()
    assert window.updates.box is None  # same version: the weekly check stays quiet

    window.settings.check_updates = False  # Settings → "Check for a new version once a week" off
    now[0] += timedelta(days=30)
    window.updates.maybe_check()
    qtbot.wait(300)
    assert StandIn.requests == ["/newer", "/same"]
    window.update_action.trigger()  # the menu still works
    qtbot.waitUntil(lambda: len(StandIn.requests) == 3, timeout=15_000)


def test_a_copy_without_an_update_address_never_checks_and_the_menu_says_why(
    qtbot, open_window, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AURORA_UPDATE_URL", raising=False)
    monkeypatch.setattr(updates, "release_file", lambda: tmp_path / "release.json")  # run from source: none
    window = open_window(wait_ready=False)
    qtbot.wait(300)
    assert window.settings.last_update_check == ""  # the automatic check is off: not even the time noted
    window.settings.last_update_check = "2020-01-01T00:00:00+00:00"  # long overdue
    window.updates.maybe_check()
    qtbot.wait(300)
    assert window.updates.box is None
    result, box = _ask(qtbot, window)
    assert result.verdict is Verdict.NO_ADDRESS
    assert "This copy of Aurora Desktop has no update address" in box.text()
    assert "Download" not in [b.text() for b in box.buttons()]


def test_the_first_start_notes_the_time_without_destroying_a_damaged_settings_file(
    qtbot, open_window, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A settings.json the window cannot use (a trailing comma) gives it the defaults; the update
    checker's first run saves the time it noted, and the user's file is kept aside, byte for byte."""
    from aurora_desktop import paths

    damaged = b'{"output_dir": "/home/me/My videos", "storage": {"provider": "r2", "bucket": "mine"},}'
    profile = tmp_path / "profile"
    paths.use_profile(profile)
    (paths.config_dir() / "settings.json").write_bytes(damaged)
    window = open_window(profile=profile, wait_ready=False)
    qtbot.waitUntil(lambda: window.settings.last_update_check != "", timeout=10_000)
    [aside] = paths.config_dir().glob("settings.json.damaged-*")
    assert aside.read_bytes() == damaged
    assert Settings.load_checked().last_update_check == window.settings.last_update_check


def test_settings_turn_the_weekly_check_off_and_refuse_a_folder_windows_cannot_use(
    qtbot, open_window, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The two settings of this area: 'Check for a new version once a week', and the library
    folder checked for what Windows refuses (platform injected: folder_problem as on Windows)."""
    from aurora_desktop import paths

    window = open_window(wait_ready=False)
    window.open_settings()
    dialog = window.settings_dialog
    assert dialog.check_updates.isChecked()  # on by default

    monkeypatch.setattr(paths, "folder_problem", functools.partial(paths.folder_problem, platform="win32"))
    dialog.output_dir.setText(r"D:\Videos\AUX")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "a name Windows keeps for itself" in dialog.status.text(), timeout=10_000)
    assert dialog.isVisible() and Settings.load().output_dir == ""  # not saved

    dialog.output_dir.setText(str(tmp_path / "my videos"))
    dialog.check_updates.setChecked(False)
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_button.click()
    assert Settings.load().check_updates is False and window.settings.check_updates is False
