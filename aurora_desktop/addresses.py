"""May the app fetch from, or send to, this address? The one owner of that rule.

Every link the app follows that it did not build itself (a finished video, a pasted
link or share link and their redirects, the link a Quick-link host answers with and
the deletion sent to it) must be a well-formed http(s) address of bounded length
whose host is public. This computer's own addresses pass only while the caller says
a local stand-in is in use (the sandbox, a developer's or a test's stand-in host);
private, link-local (cloud metadata, 169.254.169.254) and other special addresses
never do.

`public_only()` is an httpx request hook, so the check runs on each request, each
redirect included. The name is resolved for the check and again by the connection;
a name that changes its answer in between is beyond what this check can see.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable

import httpx

# A pasted link is a few hundred characters; a signed storage link a few thousand.
MAX_LINK_CHARS = 8192

NOT_A_WEB_ADDRESS = "is not a web address (it should start with https://)"
TOO_LONG = f"is longer than {MAX_LINK_CHARS:,} characters, far longer than a real link"
NOT_PUBLIC = "is not a public web address"


class AddressRefused(Exception):
    """A link the app will not follow; `reason` completes "The link …"."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason} ({detail})")
        self.reason = reason
        self.detail = detail


def is_loopback_host(host: str) -> bool:
    """The name or address of this computer itself."""
    if host.lower().rstrip(".") in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_link(url: str) -> httpx.URL:
    """The link parsed, or AddressRefused: not http(s), no host, an address httpx cannot
    read (an octal IPv4 like 0177.0.0.1), or absurdly long. Nothing is resolved here."""
    if len(url) > MAX_LINK_CHARS:
        raise AddressRefused(TOO_LONG, f"{len(url):,} characters")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise AddressRefused(NOT_A_WEB_ADDRESS, "unreadable address") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise AddressRefused(NOT_A_WEB_ADDRESS, f"{parsed.scheme or 'no'} scheme")
    return parsed


async def check_public(url: httpx.URL, *, allow_loopback: bool) -> None:
    """Resolve the link's host; AddressRefused when any of its addresses is not public (this
    computer's own pass when `allow_loopback`). An unresolvable name passes: the connection
    then fails on its own, with the usual message."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(url.host, url.port or 443)
        addresses = {ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos}
    except (OSError, ValueError, UnicodeError):
        return
    for address in addresses:
        if address.is_loopback and allow_loopback:
            continue
        if not address.is_global:
            raise AddressRefused(NOT_PUBLIC, f"refused {url.host} ({address})")


def public_only(
    allow_loopback: Callable[[], bool], refuse: Callable[[AddressRefused], Exception] | None = None
) -> Callable[[httpx.Request], Awaitable[None]]:
    """An httpx request hook: every request (each redirect too) goes only to a public address
    (see the module's docstring). `refuse` turns a refusal into the caller's own error."""

    async def check(request: httpx.Request) -> None:
        try:
            check_link(str(request.url))
            await check_public(request.url, allow_loopback=allow_loopback())
        except AddressRefused as exc:
            raise (refuse(exc) if refuse else exc) from None

    return check


def first_is_loopback(url: str) -> Callable[[], bool]:
    """For links the user gave: one at this computer's own address (a local stand-in) may be
    fetched; its redirects may stay on this computer, but never go to a private network."""
    try:
        local = is_loopback_host(httpx.URL(url).host)
    except (httpx.InvalidURL, ValueError, TypeError):
        local = False
    return lambda: local
