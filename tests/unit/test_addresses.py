"""The one rule for the addresses the app fetches from or sends to (aurora_desktop/addresses.py)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from aurora_desktop.addresses import (
    MAX_LINK_CHARS,
    AddressRefused,
    check_link,
    check_public,
    first_is_loopback,
    is_loopback_host,
)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x.png",
        "file:///etc/passwd",
        "http://0177.0.0.1/x.png",  # octal: httpx cannot read it (curl would go to 127.0.0.1)
        "http:///x.png",
        "https://example.com/" + "a" * MAX_LINK_CHARS,
    ],
)
def test_unreadable_or_odd_links_are_refused_before_any_lookup(url: str) -> None:
    with pytest.raises(AddressRefused):
        check_link(url)


@pytest.mark.parametrize(
    ("url", "allow_loopback", "refused"),
    [
        ("http://169.254.169.254/", True, True),
        ("http://10.0.0.1/", True, True),
        ("http://[fe80::1]/", True, True),
        ("http://[::ffff:10.0.0.1]/", True, True),
        ("http://0.0.0.0/", True, True),
        ("http://127.0.0.1/", False, True),
        ("http://127.0.0.1/", True, False),
        ("http://[::1]/", True, False),
        ("http://8.8.8.8/", False, False),
        # 169.254.169.254 (cloud metadata) carried inside an IPv6 address, which Python calls global
        ("http://[64:ff9b::a9fe:a9fe]/", True, True),  # NAT64
        ("http://[64:ff9b::10.0.0.1]/", True, True),
        ("http://[2002:a9fe:a9fe::1]/", True, True),  # 6to4
        ("http://[::ffff:169.254.169.254]/", True, True),  # IPv4-mapped
        ("http://[::169.254.169.254]/", True, True),  # IPv4-compatible
        ("http://[64:ff9b:1::a9fe:a9fe]/", True, True),  # local-use NAT64
        ("http://[64:ff9b:1::808:808]/", False, True),
        ("http://[64:ff9b::127.0.0.1]/", False, True),
        # the same forms carrying a public address pass
        ("http://[64:ff9b::808:808]/", False, False),
        ("http://[2002:808:808::1]/", False, False),
        ("http://[::ffff:8.8.8.8]/", False, False),
        ("http://[2606:4700:4700::1111]/", False, False),
    ],
)
def test_only_public_addresses_pass(url: str, allow_loopback: bool, refused: bool) -> None:
    async def check() -> None:
        await check_public(httpx.URL(url), allow_loopback=allow_loopback)

    if refused:
        with pytest.raises(AddressRefused):
            asyncio.run(check())
    else:
        asyncio.run(check())


def test_loopback_is_recognised_by_name_and_address() -> None:
    assert is_loopback_host("localhost") and is_loopback_host("LOCALHOST.") and is_loopback_host("[::1]")
    assert not is_loopback_host("example.com") and not is_loopback_host("10.0.0.1")
    assert first_is_loopback("http://127.0.0.1:8000/x")() and not first_is_loopback("https://example.com/x")()
    assert not first_is_loopback("http://0177.0.0.1/")()
