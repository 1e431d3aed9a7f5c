"""Share links people already have (the shapes each service hands out) and their direct forms."""

from __future__ import annotations

import base64

import pytest

from aurora_desktop.jobs.share_links import direct_link, sendable, service_of

CASES = [
    # Dropbox: old /s/ links and new /scl/fi/ links with their rlkey
    (
        "https://www.dropbox.com/s/a1b2c3d4e5/portrait.jpg?dl=0",
        "Dropbox",
        "https://www.dropbox.com/s/a1b2c3d4e5/portrait.jpg?dl=1",
    ),
    (
        "https://www.dropbox.com/scl/fi/x9y8z7w6v5/voice.mp3?rlkey=abcdef123456&e=1&dl=0",
        "Dropbox",
        "https://www.dropbox.com/scl/fi/x9y8z7w6v5/voice.mp3?rlkey=abcdef123456&e=1&dl=1",
    ),
    (
        "https://www.dropbox.com/scl/fi/x9y8z7w6v5/voice.mp3?rlkey=abc&raw=1",
        "Dropbox",
        "https://www.dropbox.com/scl/fi/x9y8z7w6v5/voice.mp3?rlkey=abc&dl=1",
    ),
    # Google Drive: the viewer link, the open?id= link, an already direct link
    (
        "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz012345/view?usp=sharing",
        "Google Drive",
        "https://drive.google.com/uc?export=download&id=1AbCdEfGhIjKlMnOpQrStUvWxYz012345",
    ),
    (
        "https://drive.google.com/open?id=1AbCdEfGhIjKlMnOpQrStUvWxYz012345",
        "Google Drive",
        "https://drive.google.com/uc?export=download&id=1AbCdEfGhIjKlMnOpQrStUvWxYz012345",
    ),
    (
        "https://drive.google.com/uc?export=download&id=1AbCdEfGhIjKlMnOpQrStUvWxYz012345",
        "Google Drive",
        "https://drive.google.com/uc?export=download&id=1AbCdEfGhIjKlMnOpQrStUvWxYz012345",
    ),
    # Box: the shared link and a company's own Box address
    ("https://app.box.com/s/abc123def456ghi789", "Box", "https://app.box.com/shared/static/abc123def456ghi789"),
    ("https://acme.app.box.com/s/abc123def456", "Box", "https://acme.app.box.com/shared/static/abc123def456"),
    # OneDrive for work or school (SharePoint): download=1
    (
        "https://contoso-my.sharepoint.com/:u:/g/personal/ana_contoso_com/EaBcD123?e=XyZ12",
        "OneDrive",
        "https://contoso-my.sharepoint.com/:u:/g/personal/ana_contoso_com/EaBcD123?e=XyZ12&download=1",
    ),
]


@pytest.mark.parametrize(("url", "service", "direct"), CASES)
def test_share_link_becomes_its_direct_form(url: str, service: str, direct: str) -> None:
    link = direct_link(url)
    assert link is not None and link.service == service and link.direct == direct
    assert service_of(url) == service and service_of(direct) == service
    assert sendable(direct) == direct  # converting again changes nothing
    assert link.how_to_share.startswith(f"In {service}")


def test_personal_onedrive_links_go_through_the_shares_api() -> None:
    url = "https://1drv.ms/u/s!AkLmNoPqRsTuVwXyZ?e=abc123"
    link = direct_link(url)
    assert link is not None and link.service == "OneDrive"
    token = base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")
    assert link.direct == f"https://api.onedrive.com/v1.0/shares/u!{token}/root/content"
    assert direct_link(link.direct) is None and sendable(link.direct) == link.direct


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/portrait.jpg",
        "https://drive.google.com/drive/folders/1AbCdEfGhIjKlMn",  # a folder: nothing to convert
        "https://www.dropbox.com/home/Photos",  # the web app, not a share link
        "https://app.box.com/folder/12345",
        "ftp://dropbox.com/s/abc/x.jpg",
    ],
)
def test_other_links_are_left_alone(url: str) -> None:
    assert direct_link(url) is None
    assert sendable(url) == url


@pytest.mark.parametrize(
    "url",
    [
        # userinfo that looks like a host: the real host is 127.0.0.1
        "http://www.dropbox.com:80@127.0.0.1:8123/s/abc123/portrait.jpg",
        "https://drive.google.com@10.0.0.5/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz012345/view",
        "https://user:pw@app.box.com.evil.example/s/abc123",
        # look-alike names: a Greek omicron, a name that only ends like the service's
        "https://www.dr\u03bfpbox.com/s/abc123/portrait.jpg",
        "https://evildropbox.com/s/abc123/portrait.jpg",
        "https://notbox.com/s/abc123",
        "https://dropbox.com.evil.example/s/abc123/x.jpg",
        "https://evilsharepoint.com/:u:/g/x",
    ],
)
def test_a_service_is_named_only_for_its_real_host(url: str) -> None:
    assert direct_link(url) is None
    assert service_of(url) is None
    assert sendable(url) == url


def test_the_real_host_is_read_after_idna_and_case() -> None:
    # An uppercase or fully-qualified host is still the service's own; the link keeps its form.
    link = direct_link("https://WWW.Dropbox.com./s/a1b2c3/portrait.jpg?dl=0")
    assert link is not None and link.service == "Dropbox"
    assert service_of("https://www.dropbox.com:443/s/a1b2c3/p.jpg") == "Dropbox"
    # A name that is not a valid international name names no service, and does not raise.
    assert service_of("https://\u2488.example/s/x") is None and direct_link("https://a..b/s/x") is None
