"""Share links people already have, turned into links that give the file itself.

A "share" link from Dropbox, Google Drive, OneDrive or Box opens a web page
with a preview; Creatify needs the file. Each service documents (or long
keeps) a direct-download form of the same link. The conversion is pure and
idempotent (a converted link converts to itself), so it can run wherever a
link enters: the window shows the link that will be sent, and the order
layer sends exactly that.

When the direct form still answers with a web page (the file is private, or
the service shows a warning first), `how_to_share` says what to do on that
service, in its own words.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit


@dataclass(frozen=True, slots=True)
class ShareLink:
    service: str  # "Dropbox"
    original: str
    direct: str  # what is inspected and sent

    @property
    def changed(self) -> bool:
        return self.direct != self.original

    @property
    def how_to_share(self) -> str:
        return HOW_TO_SHARE[self.service]


HOW_TO_SHARE = {
    "Dropbox": "In Dropbox, choose Share → “Anyone with this link can view”, then Copy link, and paste it here.",
    "Google Drive": (
        "In Google Drive, choose Share → General access → “Anyone with the link”, then Copy link, "
        "and paste it here. Files over 100 MB cannot be fetched from Drive directly."
    ),
    "OneDrive": "In OneDrive, choose Share → “Anyone with the link can view”, then Copy link, and paste it here.",
    "Box": ("In Box, choose Share → “People with the link”, allow downloads, then Copy link, and paste it here."),
}

_DRIVE_ID = re.compile(r"/file/d/([A-Za-z0-9_-]{10,})")


def _with_query(parts: SplitResult, **changes: str | None) -> str:
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in changes]
    query += [(k, v) for k, v in changes.items() if v is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _dropbox(parts: SplitResult) -> str:
    # ?dl=1 asks for the file; /s/ and /scl/fi/ links keep their rlkey.
    return _with_query(parts, dl="1", raw=None)


def _google_drive(parts: SplitResult) -> str | None:
    query = dict(parse_qsl(parts.query))
    match = _DRIVE_ID.search(parts.path)
    file_id = match.group(1) if match else query.get("id")
    if not file_id:
        return None  # a folder or the Drive home page: nothing to convert
    return f"https://drive.google.com/uc?export=download&id={file_id}"


def _onedrive(parts: SplitResult, url: str) -> str:
    host = parts.netloc.lower()
    if host.endswith("sharepoint.com"):
        return _with_query(parts, download="1")  # work and school accounts
    # Personal OneDrive: the documented "shares" API takes the share link itself, base64url-encoded.
    token = base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")
    return f"https://api.onedrive.com/v1.0/shares/u!{token}/root/content"


def _box(parts: SplitResult) -> str | None:
    match = re.match(r"^/s/([A-Za-z0-9]+)", parts.path)
    if not match:
        return None
    return urlunsplit(parts._replace(path=f"/shared/static/{match.group(1)}", query="", fragment=""))


def real_host(url: str) -> str:
    """The host a link really goes to, as DNS sees it: lowercase ASCII (IDNA), without
    userinfo ("www.dropbox.com:80@127.0.0.1" goes to 127.0.0.1), port or final dot;
    "" when there is none or it is not a valid name."""
    try:
        host = urlsplit(url.strip()).hostname or ""
        return host.rstrip(".").encode("idna").decode("ascii").lower()
    except (ValueError, UnicodeError):
        return ""


def _within(host: str, domain: str) -> bool:
    """`host` is `domain` or one of its subdomains (never a name that merely ends alike)."""
    return host == domain or host.endswith("." + domain)


def direct_link(url: str) -> ShareLink | None:
    """The direct-download form of a share link from a service we know; None for other links.
    A service is named only for its own host (see `real_host`)."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        return None
    host = real_host(text)
    direct: str | None
    if host in ("dropbox.com", "www.dropbox.com") and (parts.path.startswith(("/s/", "/scl/fi/"))):
        service, direct = "Dropbox", _dropbox(parts)
    elif host == "drive.google.com":
        service, direct = "Google Drive", _google_drive(parts)
    elif host in ("1drv.ms", "onedrive.live.com") or (_within(host, "sharepoint.com") and "/:" in parts.path):
        service, direct = "OneDrive", _onedrive(parts, text)
    elif _within(host, "box.com"):
        service, direct = "Box", _box(parts)
    else:
        return None
    if direct is None:
        return None
    return ShareLink(service, text, direct)


def service_of(url: str) -> str | None:
    """Which known service a link (original or direct form) belongs to, for messages."""
    host = real_host(url)
    if _within(host, "dropbox.com") or _within(host, "dropboxusercontent.com"):
        return "Dropbox"
    if host in ("drive.google.com", "drive.usercontent.google.com"):
        return "Google Drive"
    if host in ("1drv.ms", "onedrive.live.com", "api.onedrive.com") or _within(host, "sharepoint.com"):
        return "OneDrive"
    if _within(host, "box.com"):
        return "Box"
    return None


def sendable(url: str) -> str:
    """The link to inspect and send: the direct form when there is one."""
    link = direct_link(url)
    return link.direct if link else url.strip()


# Where the fetched copy of a pasted link is kept: the order layer inspects it, the window
# previews it and the library shows it as the thumbnail.


def link_copy(url: str, what: str, folder: Path) -> Path:
    """Where the fetched copy of a pasted link is kept (named by the link)."""
    return folder / f"{what}-{hashlib.sha256(url.encode()).hexdigest()[:16]}"


def image_link_copy(url: str, work_dir: Path) -> Path:
    """The kept copy of a pasted image link: the window's preview and library thumbnail."""
    return link_copy(sendable(url), "image", work_dir / "links")
