"""Links the user pasted: accepted as they are (http/https), checked before spending."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from aurora_desktop.hosting.base import HostingError


def validate_link(url: str, what: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise HostingError(f"The {what} link must start with http:// or https://.")
    return url


async def check_link(url: str, what: str, *, timeout: float = 15.0) -> str | None:
    """HEAD the link (or GET its first byte when HEAD is refused). Returns the
    content type when known; raises HostingError when the link is dead."""
    url = validate_link(url, what)
    try:
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=True, trust_env=False) as http:
            response = await http.head(url)
            if response.status_code in (403, 405, 501):  # pre-signed GET URLs refuse HEAD
                response = await http.get(url, headers={"Range": "bytes=0-0"})
    except httpx.HTTPError as exc:
        raise HostingError(f"The {what} link could not be opened. Check it in a browser.",
                           detail=f"{type(exc).__name__}: {exc}", retryable=True) from None
    if response.status_code not in (200, 206):
        raise HostingError(f"The {what} link does not work (the server answered HTTP {response.status_code}). "
                           "It may have expired or be private.", detail=url[:200])
    return response.headers.get("content-type")
