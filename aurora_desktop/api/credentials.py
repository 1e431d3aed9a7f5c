"""The account's API ID and key, and the one way they leave the app: as request headers.

A module of its own (no HTTP client) so the keychain and the window can hold keys without
loading httpx.
"""

from __future__ import annotations

from aurora_desktop.redact import remember


class Credentials:
    """An API ID and key. Not a dataclass on purpose: nothing generic (asdict, a debugger's
    field dump, vars()) can spill the key; only `headers()` hands it out."""

    __slots__ = ("api_id", "api_key")

    def __init__(self, api_id: str, api_key: str) -> None:
        self.api_id = api_id
        self.api_key = api_key
        remember(api_id, api_key)  # hidden from every error, stored reason and log line from now on

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Credentials) and (self.api_id, self.api_key) == (other.api_id, other.api_key)

    def __hash__(self) -> int:
        return hash((self.api_id, self.api_key))

    def __repr__(self) -> str:  # the key is never shown, not even its length
        return f"Credentials(api_id={self.api_id!r}, api_key=<hidden>)"

    def headers(self) -> dict[str, str]:
        return {"X-API-ID": self.api_id, "X-API-KEY": self.api_key}
