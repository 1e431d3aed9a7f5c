"""Share links over real HTTP: a loopback server imitates what each service's direct
link does (a redirect to the file, a warning page, a sign-in page, a dead link)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from aurora_desktop.jobs.prepare import fetch_link
from aurora_desktop.media.inspect import InputError
from tests.fixtures.loops import run
from tests.fixtures.media_files import SAMPLE_IMAGE

pytestmark = pytest.mark.e2e


def _app() -> Starlette:
    png = SAMPLE_IMAGE.read_bytes()
    return Starlette(
        routes=[
            # Dropbox's ?dl=1 answers with a redirect to its content host, which serves the file.
            Route("/dropbox/s/abc/portrait.png", lambda r: RedirectResponse("/content/portrait.png", 302)),
            Route("/content/portrait.png", lambda r: Response(png, media_type="image/png")),
            # Google Drive shows a "can't scan this file for viruses" page instead of big files.
            Route(
                "/drive/uc",
                lambda r: HTMLResponse("<html><body>Google Drive can't scan this file for viruses.</body></html>"),
            ),
            # A private OneDrive file: the direct link sends the browser to sign in.
            Route("/onedrive/root/content", lambda r: RedirectResponse("/login.live.com", 302)),
            Route("/login.live.com", lambda r: HTMLResponse("<html><body>Sign in</body></html>")),
            # A Box link that was unshared.
            Route("/box/shared/static/abc", lambda r: PlainTextResponse("Not Found", 404)),
        ]
    )


@pytest.fixture(scope="module")
def service_url() -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    server = uvicorn.Server(uvicorn.Config(_app(), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)
    sock.close()


def test_a_redirect_to_the_file_is_followed(service_url: str, tmp_path: Path) -> None:
    path = run(fetch_link(f"{service_url}/dropbox/s/abc/portrait.png", "image", tmp_path, service="Dropbox"))
    assert path.read_bytes() == SAMPLE_IMAGE.read_bytes()


@pytest.mark.parametrize(
    ("route", "service", "words"),
    [
        ("/drive/uc", "Google Drive", "Anyone with the link"),
        ("/onedrive/root/content", "OneDrive", "Anyone with the link can view"),
        ("/box/shared/static/abc", "Box", "People with the link"),
    ],
)
def test_a_page_instead_of_the_file_says_how_to_share_it(
    service_url: str, tmp_path: Path, route: str, service: str, words: str
) -> None:
    with pytest.raises(InputError) as info:
        run(fetch_link(service_url + route, "image", tmp_path, service=service))
    assert f"In {service}" in info.value.message and words in info.value.message


def test_a_web_page_from_an_unknown_site_is_named_plainly(service_url: str, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        run(fetch_link(f"{service_url}/drive/uc", "audio", tmp_path))
    assert "opens a web page, not the file itself" in info.value.message
