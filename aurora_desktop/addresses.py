"""May the app fetch from, or send to, this address? The one owner of that rule.

Every link the app follows that it did not build itself (a finished video, a pasted
link or share link and their redirects, the link a Quick-link host answers with and
the deletion sent to it) must be a well-formed http(s) address of bounded length
whose host is public. This computer's own addresses pass only while the caller says
a local stand-in is in use (the sandbox, a developer's or a test's stand-in host);
private, link-local (cloud metadata, 169.254.169.254) and other special addresses
never do.

An IPv6 address that carries an IPv4 one (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
`::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) is judged by the IPv4 address it
carries: Python calls `64:ff9b::a9fe:a9fe` global, yet it reaches 169.254.169.254. The
local-use NAT64 prefix `64:ff9b:1::/48` is refused: where it carries the IPv4 address
depends on the local network's choice of prefix length.

`public_only()` is an httpx request hook, so the check runs on each request, each
redirect included. What remains: the name is resolved for the check and again by the
connection, so a name that changes its answer in between (DNS rebinding, a very short
TTL) can still lead the connection to an address this check never saw.
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


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_COMPAT = ipaddress.ip_network("::/96")


def _carried_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, compatible, NAT64, 6to4), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _COMPAT and int(address) > 1):  # :: and ::1 are themselves
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address, *, allow_loopback: bool) -> bool:
    """May the app go to this address? Public only (this computer's own when `allow_loopback`);
    an IPv6 address carrying an IPv4 one is judged by the IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64_LOCAL:
            return False
        carried = _carried_ipv4(address)
        if carried is not None:
            return is_public(carried, allow_loopback=allow_loopback)
    if address.is_loopback and allow_loopback:
        return True
    return address.is_global


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
        if not is_public(address, allow_loopback=allow_loopback):
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
