"""updates.py's rules without a window: versions, the weekly schedule (an injected clock), the answer's shape."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from aurora_desktop import updates
from aurora_desktop.updates import Address, Verdict, address, due, parse, version_key

RELEASES_PAGE = "https://github.com/owner/repo/releases/latest"  # as build/release.py writes it


def test_versions_compare_as_numbers_with_pre_releases_first() -> None:
    assert version_key("0.10.0") > version_key("0.9.9") > version_key("0.9")  # type: ignore[operator]
    assert version_key("1.2") == version_key("1.2.0") == version_key("v1.2.0")
    assert version_key("1.2.0rc1") < version_key("1.2.0")  # type: ignore[operator]
    assert version_key("1.2.0a1") < version_key("1.2.0b2") < version_key("1.2.0rc1")  # type: ignore[operator]
    for bad in ("", "latest", "1.2.x", "1..2", "<html>"):
        assert version_key(bad) is None, bad


def test_the_week_is_counted_from_the_last_check() -> None:
    start = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)
    last = start.isoformat()
    assert not due("", start + timedelta(days=400), enabled=True)  # the first start never checks
    assert not due(last, start + timedelta(days=6, hours=23, minutes=59), enabled=True)
    assert due(last, start + timedelta(days=7), enabled=True)
    assert not due(last, start + timedelta(days=70), enabled=False)  # the setting turned it off
    assert due(last, start - timedelta(days=1), enabled=True)  # the clock was set back: check again
    assert due("not a time", start, enabled=True)  # a damaged value is written anew


def _answer(**fields: object) -> bytes:
    return json.dumps({"version": "9.0.0", "date": "2027-01-15", "notes": "New.", "files": {}, **fields}).encode()


def test_the_download_is_this_os_file_or_else_the_releases_page() -> None:
    """docs/release.md's kinds: Windows' installer, the .dmg for this Mac's processor; Linux the page."""
    files = {
        "windows": [
            {"name": "portable.zip", "kind": "portable", "url": "https://x.example/portable.zip"},
            {"name": "setup.exe", "kind": "installer", "url": "https://x.example/setup.exe"},
        ],
        "macos": [
            {"name": "aurora-desktop-0.2.0-macos-arm64.dmg", "kind": "dmg", "url": "https://x.example/arm.dmg"},
            {"name": "aurora-desktop-0.2.0-macos-x86_64.dmg", "kind": "dmg", "url": "https://x.example/intel.dmg"},
        ],
        "linux": [{"name": "a.deb", "kind": "deb", "url": "https://x.example/a.deb"}],
    }
    answer = _answer(files=files)
    assert parse(answer, "0.1.0", platform="win32").link == "https://x.example/setup.exe"
    assert parse(answer, "0.1.0", platform="darwin", machine="arm64").link == "https://x.example/arm.dmg"
    assert parse(answer, "0.1.0", platform="darwin", machine="x86_64").link == "https://x.example/intel.dmg"
    assert (
        parse(answer, "0.1.0", platform="linux", releases_page=RELEASES_PAGE).link == RELEASES_PAGE
    )  # the user picks .deb or .tar.xz
    assert (
        parse(_answer(), "0.1.0", platform="win32", releases_page=RELEASES_PAGE).link == RELEASES_PAGE
    )  # no file for this OS
    not_https = {"windows": [{"name": "s.exe", "kind": "installer", "url": "http://x.example/s.exe"}]}
    assert (
        parse(_answer(files=not_https), "0.1.0", platform="win32", releases_page=RELEASES_PAGE).link == RELEASES_PAGE
    )  # never offered


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"null",
        b"[]",
        b'{"version": 9}',
        b"\xff\xfe",
        _answer(version="soon"),
        _answer(files={"linux": 5}),
        # json takes Infinity; int() of it is an OverflowError
        _answer(files={"windows": [{"name": "s.exe", "kind": "installer", "size": float("inf"), "url": "https://x"}]}),
        b"[" * 100_000 + b"]" * 100_000,  # within MAX_BYTES; json meets it with RecursionError
        _answer(version="1" * 5000),  # int() refuses so many digits (ValueError, outside the reading)
    ],
)
def test_anything_else_is_malformed_never_an_exception(body: bytes) -> None:
    result = parse(body, "0.1.0")
    assert result.verdict is Verdict.MALFORMED and not result.newer and "could not be read" in result.message


def test_a_failed_answer_is_a_sentence_not_an_exception() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404 if request.url.path == "/gone" else 200, content=b"x" * (updates.MAX_BYTES + 1))

    transport = httpx.MockTransport(answer)
    for path in ("/gone", "/big"):
        result = asyncio.run(updates.check("0.1.0", url=f"https://x.example{path}", transport=transport))
        assert result.verdict is Verdict.UNREACHABLE and "Try again later" in result.message, path


def test_the_address_is_the_one_the_build_wrote(tmp_path: Path) -> None:
    built = tmp_path / "release.json"
    latest = "https://github.com/owner/repo/releases/latest"
    built.write_text(json.dumps({"update_url": f"{latest}/download/version_info.json", "releases_page": latest}))
    assert address({}, built) == Address(f"{latest}/download/version_info.json", latest)
    mirror = {"AURORA_UPDATE_URL": "https://mirror.example/version_info.json"}
    assert address(mirror, built) == Address("https://mirror.example/version_info.json", latest)
    built.write_text(json.dumps({"update_url": "http://plain.example/v.json", "releases_page": 5}))
    assert address({}, built) == Address("", "")  # https only, text only
    built.write_bytes(b"[" * 50_000)
    assert address({}, built) == Address("", "")  # damaged: no address, no traceback


def test_a_copy_built_without_an_address_says_so_and_asks_nobody(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AURORA_UPDATE_URL", raising=False)
    monkeypatch.setattr(updates, "release_file", lambda: tmp_path / "release.json")  # a run from source: none
    assert address() == Address("", "") and updates.update_url() == ""
    asked: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: asked.append(request) or httpx.Response(200))
    result = asyncio.run(updates.check("0.1.0", transport=transport))
    assert result.verdict is Verdict.NO_ADDRESS and not result.newer and asked == []
    assert result.message.startswith("This copy of Aurora Desktop has no update address")
