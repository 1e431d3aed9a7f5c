"""Quick links: a local file at a short-lived public link on a no-account file host.

Creatify fetches inputs from links and offers API keys no upload, so a creator
without cloud storage needs somewhere to put a photo for the minutes Creatify
needs it. Each host below is a public temporary file host with a documented
HTTP API. They are tried in order: one being down, full or refusing a file
falls through to the next. Every upload:
- goes under a random file name (never the user's), with the shortest
  retention the host offers (1 hour), and no account or key of ours;
- is fetched back through its link and compared by hash before Creatify is
  given the link, so an HTML page, a block page or a login redirect in place
  of the file is caught before any credit is spent;
- is deleted through the host's API once the job no longer needs it, where the
  host has one (0x0.st).

The consent to upload (what, where, who can see it, how long) is asked by the
window before the first use; this module only does what it was told.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import secrets
import tempfile
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from aurora_desktop.addresses import NOT_PUBLIC, AddressRefused, is_loopback_host, public_only
from aurora_desktop.hosting.base import HostedFile, HostingError, InputChanged, ProgressCallback, file_chunks, placed
from aurora_desktop.http_body import body_chunks, read_bounded

log = logging.getLogger(__name__)

# Developers and tests point the hosts elsewhere ("0x0=http://127.0.0.1:9001,litterbox=...");
# only the hosts named are used, in the order given.
HOSTS_ENV = "AURORA_QUICK_LINK_HOSTS"
LIFETIME = timedelta(hours=1)
# The link must give back exactly what was uploaded; a little more is read to tell "longer".
_VERIFY_SLACK = 1
# A host's answer to an upload or a deletion is a link or a short JSON: a few hundred bytes.
# More than this is not an answer (an endless body must not fill the memory).
MAX_ANSWER_BYTES = 64 * 1024
# Each exchange with a host (upload and answer, the check, a deletion) ends within
# ANSWER_SECONDS plus the time the file takes at MIN_RATE, even when the host trickles
# its answer a byte at a time (httpx's timeout is per read, so it never fires then).
ANSWER_SECONDS = 60.0
MIN_RATE = 50_000  # bytes per second: a slow upload link


@dataclass(frozen=True, slots=True)
class Upload:
    url: str
    token: str | None = None  # what deleting needs, when the host can delete


@dataclass(frozen=True, slots=True)
class FilePart:
    """The file of an upload, as the multipart body's last part: its bytes are streamed from
    `hosting.base.file_chunks`, and `sent` hashes them as they go (what the link must serve)."""

    name: str
    mime: str
    size: int
    chunks: AsyncIterator[bytes]
    sent: hashlib._Hash = field(default_factory=hashlib.sha256)


Uploader = Callable[["TempHost", httpx.AsyncClient, FilePart], Awaitable[Upload]]
Deleter = Callable[["TempHost", httpx.AsyncClient, Upload], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class TempHost:
    key: str
    label: str  # as the consent screen names it
    base: str  # where its API lives
    max_bytes: int
    upload: Uploader
    delete: Deleter | None = None  # None: the file simply expires

    @property
    def deletes(self) -> bool:
        return self.delete is not None


class _Refused(Exception):
    """This host will not take this file; the next one may."""

    def __init__(self, reason: str, *, retryable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class _Answer:
    """A host's whole answer, read within MAX_ANSWER_BYTES."""

    status_code: int
    headers: httpx.Headers
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> object:
        return json.loads(self.content)


def _multipart(fields: dict[str, str], name: str, part: FilePart) -> tuple[dict[str, str], AsyncGenerator[bytes]]:
    """A multipart/form-data body (the headers, the body) whose file part is streamed as read.
    httpx's own multipart reads a file object synchronously and cannot take an async stream."""
    boundary = secrets.token_hex(16)
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{part.name}"\r\n'
        f"Content-Type: {part.mime}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(len(head) + part.size + len(tail)),
    }

    async def body() -> AsyncGenerator[bytes]:
        yield head
        sent = 0
        async for chunk in part.chunks:
            sent += len(chunk)
            if sent > part.size:
                raise InputChanged(f"{part.name} grew past {part.size} bytes while it was uploaded")
            part.sent.update(chunk)
            yield chunk
        if sent != part.size:
            raise InputChanged(f"{part.name} shrank to {sent} bytes while it was uploaded")
        yield tail

    return headers, body()


async def _post(
    host: TempHost,
    http: httpx.AsyncClient,
    url: str,
    *,
    data: dict[str, str] | None = None,
    file: tuple[str, FilePart] | None = None,
) -> _Answer:
    """POST a form (with `file`, as multipart, the file streamed), reading at most
    MAX_ANSWER_BYTES of the answer (more is refused, unread)."""
    if file is None:
        response = await http.send(http.build_request("POST", url, data=data), stream=True)
    else:
        headers, content = _multipart(data or {}, *file)
        async with contextlib.aclosing(content):  # closed here even when httpx drops it midway
            response = await http.send(http.build_request("POST", url, headers=headers, content=content), stream=True)
    body = await read_bounded(response, MAX_ANSWER_BYTES)
    if body is None:
        raise _Refused(f"{host.label} answered with far more than a link", retryable=True)
    return _Answer(response.status_code, response.headers, body)


def _link_in(text: str, host: TempHost) -> str:
    """The body of an answer that should be one link; anything else (an HTML page) is refused."""
    link = text.strip()
    if "\n" in link or not link.startswith(("https://", "http://")) or len(link) > 500:
        raise _Refused(f"{host.label} answered with a page instead of a link")
    return link


def _check_status(response: _Answer, host: TempHost) -> None:
    if response.status_code == 413:
        raise _Refused(f"the file is too large for {host.label}")
    if response.status_code >= 500 or response.status_code == 429:
        raise _Refused(f"{host.label} is not available (HTTP {response.status_code})", retryable=True)
    if response.status_code >= 400:
        raise _Refused(f"{host.label} refused the file (HTTP {response.status_code})")


# ---------------------------------------------------------------------- the hosts' protocols


async def _upload_0x0(host: TempHost, http: httpx.AsyncClient, part: FilePart) -> Upload:
    # https://0x0.st: `expires` in hours, `secret` for a long unguessable link, X-Token to delete.
    response = await _post(host, http, host.base + "/", data={"expires": "1", "secret": ""}, file=("file", part))
    _check_status(response, host)
    return Upload(_link_in(response.text, host), response.headers.get("X-Token"))


async def _delete_0x0(host: TempHost, http: httpx.AsyncClient, upload: Upload) -> None:
    if upload.token:
        response = await _post(host, http, upload.url, data={"token": upload.token, "delete": ""})
        if response.status_code not in (200, 404):
            raise _Refused(f"{host.label} did not delete the file (HTTP {response.status_code})", retryable=True)


async def _upload_litterbox(host: TempHost, http: httpx.AsyncClient, part: FilePart) -> Upload:
    # https://litterbox.catbox.moe: reqtype=fileupload, time=1h; the answer is the link.
    response = await _post(
        host,
        http,
        host.base + "/resources/internals/api.php",
        data={"reqtype": "fileupload", "time": "1h"},
        file=("fileToUpload", part),
    )
    _check_status(response, host)
    return Upload(_link_in(response.text, host))


async def _upload_tmpfiles(host: TempHost, http: httpx.AsyncClient, part: FilePart) -> Upload:
    # https://tmpfiles.org/api: kept 60 minutes; the page link's direct form has /dl/ in front.
    response = await _post(host, http, host.base + "/api/v1/upload", file=("file", part))
    _check_status(response, host)
    try:
        page = response.json()["data"]["url"]  # type: ignore[index]
    except (ValueError, KeyError, TypeError, RecursionError):
        raise _Refused(f"{host.label} answered with a page instead of a link") from None
    parts = urlsplit(_link_in(str(page), host))
    return Upload(urlunsplit(parts._replace(path="/dl" + parts.path)))


MB = 1024 * 1024
HOSTS: tuple[TempHost, ...] = (
    TempHost("0x0", "0x0.st", "https://0x0.st", 512 * MB, _upload_0x0, _delete_0x0),
    TempHost("litterbox", "Litterbox (catbox.moe)", "https://litterbox.catbox.moe", 1024 * MB, _upload_litterbox),
    TempHost("tmpfiles", "tmpfiles.org", "https://tmpfiles.org", 100 * MB, _upload_tmpfiles),
)


def configured_hosts(env: str | None = None) -> tuple[TempHost, ...]:
    """The hosts in use: all of them, or those named in AURORA_QUICK_LINK_HOSTS at the given addresses."""
    spec = os.environ.get(HOSTS_ENV, "") if env is None else env
    if not spec.strip():
        return HOSTS
    by_key = {h.key: h for h in HOSTS}
    chosen = []
    for item in spec.split(","):
        key, _, base = item.strip().partition("=")
        if key in by_key:
            chosen.append(replace(by_key[key], base=(base or by_key[key].base).rstrip("/")))
        else:
            log.warning("%s: unknown host %r ignored", HOSTS_ENV, key)
    return tuple(chosen) or HOSTS


def host_names(hosts: Sequence[TempHost] | None = None) -> str:
    return ", ".join(h.label for h in (hosts or configured_hosts()))


# ---------------------------------------------------------------------- the hoster


@dataclass
class QuickLinkHoster:
    """Hosts each file on the first temporary host that takes it and gives it back intact."""

    hosts: tuple[TempHost, ...] = field(default_factory=configured_hosts)
    timeout: httpx.Timeout = field(default_factory=lambda: httpx.Timeout(60.0, connect=10.0))
    name: str = "quick"
    answer_seconds: float = ANSWER_SECONDS  # see ANSWER_SECONDS and MIN_RATE
    min_rate: float = MIN_RATE

    def __repr__(self) -> str:
        return f"QuickLinkHoster({[h.key for h in self.hosts]})"

    def _deadline(self, size: int) -> float:
        return self.answer_seconds + size / self.min_rate

    def _client(self) -> httpx.AsyncClient:
        # The links a host answers with (fetched to check them, sent deletions) must be public
        # addresses; this computer's own only when the hosts themselves are local stand-ins.
        local = any(is_loopback_host(urlsplit(h.base).hostname or "") for h in self.hosts)
        return httpx.AsyncClient(
            timeout=self.timeout,
            trust_env=False,
            follow_redirects=False,
            # some hosts refuse requests with no User-Agent; an uncompressed answer is read as sent
            headers={"User-Agent": "AuroraDesktop", "Accept-Encoding": "identity"},
            event_hooks={"request": [public_only(lambda: local, _not_public)]},
        )

    async def host(
        self,
        path: Path,
        *,
        key: str,
        content_type: str,
        progress: ProgressCallback | None = None,
        sha256: str | None = None,
    ) -> HostedFile:
        size = path.stat().st_size
        name = secrets.token_urlsafe(16) + path.suffix.lower()  # never the user's file name
        reasons: list[str] = []
        retryable = False
        async with self._client() as http:
            for host in self.hosts:
                if size > host.max_bytes:
                    reasons.append(f"the file is too large for {host.label}")
                    continue
                try:
                    upload, digest = await self._upload(host, http, path, name, content_type, size, progress, sha256)
                except _Refused as exc:
                    log.warning("quick link: %s", exc.reason)
                    reasons.append(exc.reason)
                    retryable |= exc.retryable
                    continue
                token = json.dumps([host.key, upload.url, upload.token]) if host.deletes else None
                if token:
                    await placed(token)  # recorded before the check: a crash during it still deletes it
                problem = await self._verify(http, upload.url, digest, size)
                if problem:
                    log.warning("quick link on %s does not serve the file: %s", host.key, problem)
                    await self._delete(host, http, upload)
                    reasons.append(f"the link from {host.label} {problem}")
                    continue
                return HostedFile(url=upload.url, expires_at=datetime.now(UTC) + LIFETIME, key=token)
        detail = "; ".join(reasons)
        if retryable:
            raise HostingError(
                f"The quick-link services ({host_names(self.hosts)}) could not take the file just now. "
                "The app will try again.",
                detail=detail,
                retryable=True,
            )
        raise HostingError(
            "None of the quick-link services would share this file "
            f"({detail}). Nothing was spent. Set up your own storage in Settings, or paste links instead.",
            detail=detail,
        )

    async def _upload(
        self,
        host: TempHost,
        http: httpx.AsyncClient,
        path: Path,
        name: str,
        mime: str,
        size: int,
        progress: ProgressCallback | None,
        sha256: str | None,
    ) -> tuple[Upload, str]:
        """The upload and the sha256 of the bytes it sent, hashed as they were read and sent.
        With `sha256`, a file that is not the priced one stops before its last chunk leaves
        (InputChanged, from `file_chunks`): the host never holds a whole copy of it."""
        try:
            async with file_chunks(path, progress, sha256=sha256) as chunks, asyncio.timeout(self._deadline(size)):
                part = FilePart(name, mime, size, chunks)
                upload = await host.upload(host, http, part)
            return upload, part.sent.hexdigest()
        except (httpx.TimeoutException, TimeoutError):
            raise _Refused(f"{host.label} did not answer in time", retryable=True) from None
        except httpx.HTTPError as exc:
            raise _Refused(f"{host.label} could not be reached ({type(exc).__name__})", retryable=True) from None

    async def _verify(self, http: httpx.AsyncClient, url: str, digest: str, size: int) -> str:
        """ "" when `url` serves exactly the uploaded bytes; otherwise what is wrong, in a few words."""
        try:
            async with asyncio.timeout(self._deadline(size)):
                return await _verify(http, url, digest, size)
        except TimeoutError:
            return "could not be fetched back in time"
        except _Refused as exc:
            return exc.reason

    async def _delete(self, host: TempHost, http: httpx.AsyncClient, upload: Upload) -> None:
        if host.delete is None:
            return
        try:
            async with asyncio.timeout(self.answer_seconds):
                await host.delete(host, http, upload)
        except (httpx.HTTPError, _Refused, TimeoutError) as exc:
            log.warning("quick link on %s not deleted: %s", host.key, type(exc).__name__)

    async def remove(self, key: str) -> None:
        try:
            host_key, url, token = json.loads(key)
        except (ValueError, TypeError):
            return  # not ours (a link from another way of sharing)
        host = next((h for h in self.hosts if h.key == host_key), None) or next(
            (h for h in HOSTS if h.key == host_key), None
        )
        if host is None or host.delete is None:
            return
        try:
            async with self._client() as http, asyncio.timeout(self.answer_seconds):
                await host.delete(host, http, Upload(url, token))
        except (httpx.HTTPError, _Refused, TimeoutError) as exc:
            raise HostingError(
                f"Could not delete the file from {host.label}; it expires within the hour anyway.",
                detail=f"{type(exc).__name__}: {exc}",
                retryable=True,
            ) from None

    async def test(self) -> str:
        """Share a tiny file through the first host that works, check it, delete it where possible."""
        with tempfile.TemporaryDirectory(prefix="aurora-quick-") as tmp:
            probe = Path(tmp) / "test.txt"
            probe.write_bytes(b"Aurora Desktop quick link test " + secrets.token_bytes(8).hex().encode())
            try:
                hosted = await self.host(probe, key="test", content_type="text/plain")
            except HostingError as exc:
                if not exc.retryable:
                    raise
                raise HostingError(
                    f"The quick-link services ({host_names(self.hosts)}) could not take a test file just now. "
                    "Test again later.",
                    detail=exc.detail,
                ) from None
        host = urlsplit(hosted.url).netloc
        if hosted.key:
            await self.remove(hosted.key)
        return f"Quick links work: a test file was shared through {host}, fetched back intact, and removed."


def _not_public(exc: AddressRefused) -> _Refused:
    if exc.reason == NOT_PUBLIC:
        return _Refused(f"leads to an address that is not public ({exc.detail})")
    return _Refused(f"{exc.reason} ({exc.detail})")


async def _verify(http: httpx.AsyncClient, url: str, digest: str, size: int) -> str:
    """ "" when `url` serves exactly the uploaded bytes; otherwise what is wrong, in a few words."""
    try:
        async with http.stream("GET", url) as response:
            if response.is_redirect:
                return "leads somewhere else (a sign-in or warning page)"
            if response.status_code != 200:
                return f"does not work (HTTP {response.status_code})"
            h, got = hashlib.sha256(), 0
            async with body_chunks(response) as chunks:
                async for chunk in chunks:
                    got += len(chunk)
                    if got > size + _VERIFY_SLACK:
                        return "serves something else (a web page)"
                    h.update(chunk)
    except httpx.HTTPError as exc:
        return f"could not be fetched back ({type(exc).__name__})"
    if got != size or h.hexdigest() != digest:
        return "serves something else (a web page)"
    return ""
