"""Is there a newer Aurora Desktop? (Qt-free; the window's part is thin.)

Each release carries a `version_info.json` (build/release.py writes it; its shape is in
docs/release.md): `version`, `date`, `notes`, and `files` {windows|macos|linux: [{name,
kind, size, sha256, url}]}.

`check()` reads it (at most MAX_BYTES, within DEADLINE seconds in all), compares its
version with ours and says, in a plain sentence, newer / same / older / malformed /
unreachable. It never downloads or installs anything: the window offers to open the
download (this OS's file, else the releases page) in the browser.

When: once a week when `Settings.check_updates` is on (`due()`), never on the very
first start (the user has not seen the window, nor the setting, yet: that start only
notes the time), and from the window's Help menu at any time.

Where: the address is the build's, never a guess. build/release.py writes it into the
frozen app (resources/release.json: `update_url`, `releases_page`, from the release's
GitHub repository); AURORA_UPDATE_URL replaces the first (tests, a mirror). A copy run
from source has none: no automatic check, and the menu's check says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from aurora_desktop import APP_NAME, __version__, paths
from aurora_desktop.fileio import JsonUnreadable, read_json
from aurora_desktop.http_body import read_bounded

log = logging.getLogger(__name__)

# The address comes from the build (docs/release.md): resources/release.json in the frozen app.
RELEASE_FILE = "release.json"
RELEASE_FILE_LIMIT = 64 * 1024
ENV_UPDATE_URL = "AURORA_UPDATE_URL"
NO_ADDRESS = (
    "This copy of Aurora Desktop has no update address (it was not built as a release), so it cannot "
    "check for updates. Newer versions are on the page you downloaded it from."
)
MAX_BYTES = 256 * 1024  # a version_info.json is a few kB; anything bigger is not one
DEADLINE = 15.0  # seconds for the whole check: a slow answer is no answer
CHECK_EVERY = timedelta(days=7)
OS_KEYS = {"win32": "windows", "darwin": "macos"}  # anything else: "linux"
_VERSION = re.compile(r"v?(\d+(?:\.\d+){0,3})(?:[.-]?(a|b|rc)(\d+))?", re.IGNORECASE)


def _machine() -> str:
    import platform

    return platform.machine()


class Verdict(enum.StrEnum):
    NEWER = "newer"
    SAME = "same"
    OLDER = "older"  # the release says an older version than this one (a development build)
    MALFORMED = "malformed"  # an answer that is not a version_info.json
    UNREACHABLE = "unreachable"  # offline, slow, too big, or not there
    NO_ADDRESS = "no address"  # this copy was not built with an update address (run from source)


@dataclass(frozen=True, slots=True)
class Download:
    name: str
    kind: str  # "installer", "portable", "dmg", "deb", "tar.xz"...
    size: int
    sha256: str
    url: str


@dataclass(frozen=True, slots=True)
class Release:
    version: str
    date: str
    notes: str
    files: dict[str, list[Download]] = field(default_factory=dict)

    def download_for(self, platform: str = sys.platform, machine: str = "") -> Download | None:
        """This OS's file to offer (docs/release.md): Windows' installer, macOS's .dmg for this
        Mac's processor (arm64 or x86_64 in its name). Linux: None, the releases page, where
        the user picks the .deb or the .tar.xz."""
        files = self.files.get(os_key(platform), [])
        if platform == "win32":
            return next((f for f in files if f.kind == "installer"), None)
        if platform == "darwin":
            arch = "arm64" if (machine or _machine()).lower() in ("arm64", "aarch64") else "x86_64"
            return next((f for f in files if f.kind == "dmg" and arch in f.name), None)
        return None


@dataclass(frozen=True, slots=True)
class UpdateCheck:
    verdict: Verdict
    message: str  # one plain sentence (or a few lines, with what is new) for the Help menu's answer
    release: Release | None = None
    link: str = ""  # what "Download" opens: this OS's file, else the releases page

    @property
    def newer(self) -> bool:
        return self.verdict is Verdict.NEWER


@dataclass(frozen=True, slots=True)
class Address:
    update_url: str  # the latest release's version_info.json; "" = none known: no check
    releases_page: str  # what "Download" opens when there is no file for this OS ("" = none)


def release_file() -> Path:
    return paths.resource(RELEASE_FILE)


def address(env: Mapping[str, str] | None = None, file: Path | None = None) -> Address:
    """Where this copy looks for updates: the build's release.json (https addresses only),
    its update_url replaced by AURORA_UPDATE_URL when set. Empty when the build wrote none."""
    env = os.environ if env is None else env
    file = file or release_file()
    try:
        raw = read_json(file, RELEASE_FILE_LIMIT)
    except JsonUnreadable as exc:
        if not exc.missing:
            log.warning("update address %s unreadable: %s", file, exc)
        raw = {}
    raw = raw if isinstance(raw, dict) else {}
    built = {k: v for k in ("update_url", "releases_page") if isinstance(v := raw.get(k), str) and _https(v)}
    return Address(env.get(ENV_UPDATE_URL) or built.get("update_url", ""), built.get("releases_page", ""))


def _https(url: str) -> bool:
    return url.startswith("https://") and len(url) > len("https://")


def update_url(env: Mapping[str, str] | None = None) -> str:
    return address(env).update_url


def os_key(platform: str = sys.platform) -> str:
    return OS_KEYS.get(platform, "linux")


def version_key(text: str) -> tuple[int, ...] | None:
    """A version as a comparable tuple ("1.2" == "1.2.0"; "1.2.0rc1" < "1.2.0"); None if it is none."""
    match = _VERSION.fullmatch(text.strip())
    if not match:
        return None
    numbers = [int(n) for n in match.group(1).split(".")]
    numbers += [0] * (4 - len(numbers))
    pre = match.group(2)
    # A release sorts after its pre-releases: (…, 3, 0) for the release, (…, rank, n) before it.
    tail = (3, 0) if pre is None else ({"a": 0, "b": 1, "rc": 2}[pre.lower()], int(match.group(3)))
    return (*numbers, *tail)


def due(last_check: str, now: datetime, *, enabled: bool) -> bool:
    """Whether the weekly check is due. `last_check` is the ISO time kept in the settings;
    "" means the very first start, which never checks (the window notes the time instead)."""
    if not enabled or not last_check:
        return False
    try:
        last = datetime.fromisoformat(last_check)
        return not (timedelta(0) <= now - last < CHECK_EVERY)  # a clock set back also checks again
    except (ValueError, TypeError):
        return True  # a damaged time: check, and it is written anew


def parse(
    data: bytes,
    current: str = __version__,
    *,
    platform: str = sys.platform,
    machine: str = "",
    releases_page: str = "",
) -> UpdateCheck:
    """The answer's verdict. Never raises: anything unexpected is MALFORMED. The answer is
    anyone's bytes, and json and int() fail in more ways than ValueError ("size": Infinity is
    an OverflowError, a deeply nested body a RecursionError): every failure is caught here."""
    try:
        return _verdict(data, current, platform, machine, releases_page)
    except Exception as exc:  # noqa: BLE001 - whatever the answer holds, the check answers in a sentence
        log.info("update check: the answer is not a version_info.json (%s)", type(exc).__name__)
        return UpdateCheck(Verdict.MALFORMED, "The update information could not be read. Try again later.")


def _verdict(data: bytes, current: str, platform: str, machine: str, releases_page: str) -> UpdateCheck:
    release = _release(json.loads(data.decode("utf-8")))
    theirs, ours = version_key(release.version), version_key(current)
    if theirs is None or ours is None:
        log.info("update check: unreadable version %r (ours %r)", release.version[:40], current)
        return UpdateCheck(Verdict.MALFORMED, "The update information could not be read. Try again later.")
    if theirs == ours:
        return UpdateCheck(Verdict.SAME, f"You have the latest version ({current}).", release)
    if theirs < ours:
        return UpdateCheck(
            Verdict.OLDER, f"You have the latest version ({current}; the latest release is {release.version}).", release
        )
    download = release.download_for(platform, machine)
    what = f"\n\nWhat is new:\n{release.notes}" if release.notes else ""
    when = f", released {release.date}" if release.date else ""
    return UpdateCheck(
        Verdict.NEWER,
        f"{APP_NAME} {release.version} is out{when} (you have {current}).{what}",
        release,
        download.url if download else releases_page,
    )


def _release(raw: Any) -> Release:
    if not isinstance(raw, dict) or not isinstance(raw.get("version"), str):
        raise ValueError("no version")
    files: dict[str, list[Download]] = {}
    for key, listed in (raw.get("files") or {}).items():
        files[str(key)] = [
            Download(str(f["name"]), str(f.get("kind", "")), int(f.get("size", 0)), str(f.get("sha256", "")), url)
            for f in listed
            if isinstance(f, dict) and isinstance(url := f.get("url"), str) and url.startswith("https://")
        ]
    notes = raw.get("notes") or ""
    return Release(raw["version"], str(raw.get("date") or ""), str(notes)[:2000].strip(), files)


class _Unavailable(Exception):
    pass


async def fetch(
    url: str, *, max_bytes: int, deadline: float, transport: httpx.AsyncBaseTransport | None = None
) -> bytes:
    """The body of `url`, bounded in size and in total time; _Unavailable otherwise."""
    try:
        async with asyncio.timeout(deadline):
            async with (
                httpx.AsyncClient(
                    transport=transport, timeout=deadline, follow_redirects=True, headers={"User-Agent": APP_NAME}
                ) as client,
                client.stream("GET", url) as response,
            ):
                if response.status_code != 200:
                    raise _Unavailable(f"HTTP {response.status_code}")
                if int(response.headers.get("content-length") or 0) > max_bytes:
                    raise _Unavailable("too big")
                body = await read_bounded(response, max_bytes)
                if body is None:
                    raise _Unavailable("too big")
                return body
    except TimeoutError:
        raise _Unavailable("too slow") from None
    except (httpx.HTTPError, ValueError) as exc:
        raise _Unavailable(type(exc).__name__) from None


async def _on_own_thread(work: Coroutine[Any, Any, bytes]) -> bytes:
    """Run `work` on its own event loop in a daemon thread.

    Its own loop: an answer cut short leaves httpx's inner async generators to be finalised by
    their loop, which the window's qasync loop does not do (they would be collected later,
    outside any loop: "no running event loop"). A daemon thread, not the loop's executor: the
    app's loop joins its executor's threads when it closes, so quitting during a slow check
    would wait for it; a daemon thread is simply dropped at exit."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[bytes] = loop.create_future()

    def settle(result: bytes | None, error: BaseException | None) -> None:
        if done.done():
            return  # the caller stopped waiting
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result or b"")

    def run() -> None:
        try:
            result, error = asyncio.run(work), None
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting coroutine
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the app's loop closed meanwhile: nobody waits
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name="update-check", daemon=True).start()
    return await done


async def check(
    current: str = __version__,
    *,
    url: str | None = None,
    platform: str = sys.platform,
    transport: httpx.AsyncBaseTransport | None = None,
) -> UpdateCheck:
    """Ask whether a newer version is out. Never raises; a failure is a line in the log
    and a plain sentence in the answer."""
    where = address()
    url = url or where.update_url
    if not url:
        log.info("update check: this copy has no update address")
        return UpdateCheck(Verdict.NO_ADDRESS, NO_ADDRESS)
    try:
        data = await _on_own_thread(fetch(url, max_bytes=MAX_BYTES, deadline=DEADLINE, transport=transport))
    except _Unavailable as exc:
        log.info("update check: no answer (%s)", exc)
        return UpdateCheck(
            Verdict.UNREACHABLE,
            "Could not check for updates right now (no connection, or the update server did not answer). "
            "Try again later.",
        )
    result = parse(data, current, platform=platform, releases_page=where.releases_page)
    log.info(
        "update check: %s (latest %s, ours %s)", result.verdict, result.release and result.release.version, current
    )
    return result
