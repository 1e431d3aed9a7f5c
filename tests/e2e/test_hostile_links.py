"""Hostile servers on loopback against every link the app fetches or sends to (issue 20, items 8
and 9): a Quick-link host with an endless or trickling answer, links to private, link-local or
unreadable addresses from a host's answer, a pasted link or a share link's redirect."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from aurora_desktop.hosting import HostingError
from aurora_desktop.hosting.quick import QuickLinkHoster, configured_hosts
from aurora_desktop.jobs.prepare import fetch_link
from aurora_desktop.media.inspect import InputError
from tests.e2e.helpers.hostile_http import HostileServer, endless, fixed, redirect, trickle
from tests.fixtures.loops import run
from tests.fixtures.media_files import SAMPLE_IMAGE

pytestmark = pytest.mark.e2e

ANSWER_SECONDS = 2.0


def _hoster(spec: str) -> QuickLinkHoster:
    hoster = QuickLinkHoster(configured_hosts(spec), timeout=httpx.Timeout(10.0, connect=5.0))
    hoster.answer_seconds = ANSWER_SECONDS
    return hoster


def _host_then_litterbox(hostile: HostileServer, temp_hosts) -> QuickLinkHoster:
    return _hoster(f"0x0={hostile.url},litterbox={temp_hosts['litterbox'].url}")


# ----------------------------------------------------------------------------- item 8


def test_an_endless_answer_is_cut_short_and_the_next_host_used(temp_hosts) -> None:
    with HostileServer(endless(max_seconds=20)) as hostile:
        started = time.monotonic()
        hosted = run(
            _host_then_litterbox(hostile, temp_hosts).host(SAMPLE_IMAGE, key="j/i.png", content_type="image/png")
        )
        took = time.monotonic() - started
        sent = hostile.sent
    assert hosted.url.startswith(temp_hosts["litterbox"].url)
    assert httpx.get(hosted.url).content == SAMPLE_IMAGE.read_bytes()
    assert took < ANSWER_SECONDS + 3, f"{took:.1f} s"
    assert sent < 50 * 1024 * 1024, f"{sent} bytes were read from the endless answer"


@pytest.mark.parametrize("where", ["upload", "link"])
def test_a_trickling_host_is_given_up_on_within_the_deadline(temp_hosts, where: str) -> None:
    if where == "upload":  # the answer to the upload comes a byte a second
        answer = trickle(interval=0.5, count=60)
    else:  # the answer is a link at once, but the link trickles the file back
        answer = _link_then_trickle()
    with HostileServer(answer) as hostile:
        started = time.monotonic()
        hosted = run(
            _host_then_litterbox(hostile, temp_hosts).host(SAMPLE_IMAGE, key="j/i.png", content_type="image/png")
        )
        took = time.monotonic() - started
    assert hosted.url.startswith(temp_hosts["litterbox"].url)
    # The file is tiny, so the bound is about ANSWER_SECONDS (the slower httpx read timeout never fires).
    assert took < ANSWER_SECONDS + 3, f"{took:.1f} s"


def _link_then_trickle():
    slow = trickle(interval=0.5, count=60)

    def answer(h) -> None:
        if h.command == "POST":
            base = f"http://127.0.0.1:{h.server.server_address[1]}"
            fixed(f"{base}/f/x.png\n".encode())(h)
        else:
            slow(h)

    return answer


# ----------------------------------------------------------------------------- item 9

PRIVATE_LINKS = [
    "http://169.254.169.254/latest/meta-data/iam/x.png",  # cloud metadata (link-local)
    "http://10.255.255.1:9/x.png",  # a private network
    "http://[::ffff:169.254.169.254]/x.png",  # the same in IPv6 dress
]


@pytest.mark.parametrize("link", PRIVATE_LINKS)
def test_a_host_answering_a_private_link_is_not_followed(link: str) -> None:
    with HostileServer(fixed(link.encode() + b"\n", headers={"X-Token": "t"})) as hostile:
        started = time.monotonic()
        with pytest.raises(HostingError) as info:
            run(_hoster(f"0x0={hostile.url}").host(SAMPLE_IMAGE, key="j/i.png", content_type="image/png"))
    assert "not public" in info.value.detail
    assert time.monotonic() - started < 3  # refused, not tried until a connection timeout


def test_a_removal_key_with_a_private_link_is_not_sent() -> None:
    key = json.dumps(["0x0", "http://169.254.169.254/latest/x.png", "token"])
    started = time.monotonic()
    with pytest.raises(HostingError) as info:
        run(_hoster("0x0=http://127.0.0.1:9").remove(key))
    assert "not public" in info.value.detail
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "http://192.168.0.1:9/x.png"])
@pytest.mark.parametrize("service", [None, "Dropbox"])
def test_a_pasted_or_share_link_redirecting_to_a_private_address_is_refused(
    tmp_path: Path, target: str, service: str | None
) -> None:
    with HostileServer(redirect(target)) as hostile:
        started = time.monotonic()
        with pytest.raises(InputError) as info:
            run(fetch_link(f"{hostile.url}/s/abc/portrait.png", "image", tmp_path, service=service))
    assert "not public" in info.value.message
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("link", ["http://10.1.2.3/portrait.png", "http://169.254.169.254/portrait.png"])
def test_a_pasted_private_link_is_refused(tmp_path: Path, link: str) -> None:
    with pytest.raises(InputError) as info:
        run(fetch_link(link, "image", tmp_path))
    assert "not public" in info.value.message


def test_a_loopback_link_may_redirect_on_this_computer(tmp_path: Path) -> None:
    """The local stand-ins (demo, tests) serve pasted links from this computer, through redirects."""
    png = SAMPLE_IMAGE.read_bytes()

    def answer(h) -> None:
        if h.path.startswith("/s/"):
            redirect(f"http://localhost:{h.server.server_address[1]}/file.png")(h)
        else:
            fixed(png, headers={"Content-Type": "image/png"})(h)

    with HostileServer(answer) as server:
        path = run(fetch_link(f"{server.url}/s/abc/portrait.png", "image", tmp_path))
    assert path.read_bytes() == png


# ----------------------------------------------------------------------------- item 14: odd links at the command line


@pytest.mark.parametrize(
    ("link", "words"),
    [
        ("http://0177.0.0.1/portrait.png", "is not a web address"),  # octal IPv4 (127.0.0.1)
        ("https://example.com/" + "a" * 120_000 + ".png", "longer than 8,192 characters"),
        ("http://169.254.169.254/latest/meta-data/portrait.png", "not public"),
    ],
)
def test_an_odd_pasted_link_is_a_plain_refusal_with_exit_2(tmp_path: Path, link: str, words: str) -> None:
    import sys

    from tests.fixtures.cli import cli_env, run_cli
    from tests.fixtures.media_files import SAMPLE_AUDIO

    args = [sys.executable, "-m", "aurora_desktop", "run", "--image", link, "--audio", str(SAMPLE_AUDIO)]
    result = run_cli([*args, "--profile", str(tmp_path / "p"), "--api-base", "http://127.0.0.1:9"], cli_env())
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and words in result.stderr
