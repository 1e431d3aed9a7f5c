"""Which API address and which keys: the one answer for the window, the settings, the services
and the commands, and where each came from, so a message can say it.

- The address: `--api-base` (the window's or a command's) first, then the one in Settings,
  then Creatify's own.
- The keys: AURORA_API_ID and AURORA_API_KEY in the environment (both set; headless use)
  first, then the password store (or what the user chose to keep for this session only).
- Demo mode: the local stand-in's own address and keys (`Endpoint.demo`).

An `Endpoint` holds the keys but never shows them: not in its repr, its str or its equality.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from aurora_desktop.api.credentials import Credentials
from aurora_desktop.secrets import API_ID, API_KEY, ENV_API_ID, ENV_API_KEY, SecretStore
from aurora_desktop.settings import Settings


class Source(StrEnum):
    FLAG = "flag"
    ENVIRONMENT = "environment"
    KEYRING = "keyring"
    SESSION = "session"
    SETTINGS = "settings"
    DEFAULT = "default"
    DEMO = "demo"

    @property
    def where(self) -> str:
        """Plain words for a message: "... from {where}"."""
        return _WHERE[self]


_WHERE = {
    Source.FLAG: "--api-base",
    Source.ENVIRONMENT: f"{ENV_API_ID} and {ENV_API_KEY} in the environment",
    Source.KEYRING: "your system's password store",
    Source.SESSION: "this session (kept until the app closes)",
    Source.SETTINGS: "Settings",
    Source.DEFAULT: "Creatify's own address",
    Source.DEMO: "demo mode",
}


@dataclass(frozen=True)
class Endpoint:
    base_url: str
    base_from: Source
    credentials: Credentials | None = field(default=None, repr=False, compare=False)
    keys_from: Source | None = None  # None: no keys are set up

    @classmethod
    def demo(cls, base_url: str, credentials: Credentials) -> Endpoint:
        return cls(base_url, Source.DEMO, credentials, Source.DEMO)

    def __str__(self) -> str:
        keys = f"keys from {self.keys_from.where}" if self.keys_from else "no keys set up"
        return f"{self.base_url} (from {self.base_from.where}), {keys}"


def address(flag: str | None, settings: Settings) -> tuple[str, Source]:
    """The API address and where it came from; `flag` is --api-base ("" or None: not given)."""
    if flag:
        return flag, Source.FLAG
    if settings.api_base:
        return settings.api_base, Source.SETTINGS
    from aurora_desktop.api.client import DEFAULT_BASE_URL  # httpx: only when an address is asked for

    return DEFAULT_BASE_URL, Source.DEFAULT


async def keys(secrets: SecretStore, env: Mapping[str, str] | None = None) -> tuple[Credentials | None, Source | None]:
    """The account's keys and where they came from, or (None, None). The store is not asked
    when the environment has both; SecretsUnavailable comes from the store (locked, none)."""
    env = os.environ if env is None else env
    api_id, api_key = env.get(ENV_API_ID), env.get(ENV_API_KEY)
    if api_id and api_key:
        return Credentials(api_id, api_key), Source.ENVIRONMENT
    api_id, api_key = await secrets.get(API_ID), await secrets.get(API_KEY)
    if api_id and api_key:
        return Credentials(api_id, api_key), Source.SESSION if secrets.session_only else Source.KEYRING
    return None, None


async def resolve(
    *, flag: str | None, settings: Settings, secrets: SecretStore, env: Mapping[str, str] | None = None
) -> Endpoint:
    """Which API address and which keys (`credentials` None when none are set up)."""
    base_url, base_from = address(flag, settings)
    credentials, keys_from = await keys(secrets, env)
    return Endpoint(base_url, base_from, credentials, keys_from)
