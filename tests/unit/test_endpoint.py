"""endpoint.py: which API address and which keys, each source winning over the next, and the
keys never shown."""

from __future__ import annotations

import asyncio
import dataclasses

import keyring.errors
import pytest

from aurora_desktop import endpoint
from aurora_desktop.api.client import DEFAULT_BASE_URL
from aurora_desktop.api.credentials import Credentials
from aurora_desktop.endpoint import Endpoint, Source
from aurora_desktop.secrets import API_ID, API_KEY, SecretStore, SecretsUnavailable
from aurora_desktop.settings import Settings

ENV = {"AURORA_API_ID": "env-id", "AURORA_API_KEY": "env-key-1234"}


class _Store:
    """A system keyring (priority > 0) that holds keys, or fails as a locked one does. Shaped
    like a backend, not a KeyringBackend subclass (keyring would register it for every test)."""

    priority = 5

    def __init__(self, saved: dict[str, str] | None = None, *, locked: bool = False) -> None:
        self.saved = dict(saved or {})
        self.locked = locked
        self.asked = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.asked += 1
        if self.locked:
            raise keyring.errors.KeyringLocked("locked")
        return self.saved.get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[username] = password

    def delete_password(self, service: str, username: str) -> None:
        self.saved.pop(username, None)


SAVED = {API_ID: "store-id", API_KEY: "store-key-5678"}
Found = tuple[Credentials | None, Source | None]


def _keys(store: _Store, env: dict[str, str], *, session_only: bool = False) -> Found:
    async def ask() -> Found:
        secrets = SecretStore(store)  # type: ignore[arg-type]
        try:
            if session_only:
                secrets.use_session_only()
                await secrets.set(API_ID, "memory-id")
                await secrets.set(API_KEY, "memory-key-9012")
            return await endpoint.keys(secrets, env)
        finally:
            secrets.close()

    return asyncio.run(ask())


def test_the_address_flag_beats_settings_beats_creatify() -> None:
    chosen = Settings(api_base="https://settings.example")
    assert endpoint.address("https://flag.example", chosen) == ("https://flag.example", Source.FLAG)
    assert endpoint.address(None, chosen) == ("https://settings.example", Source.SETTINGS)
    assert endpoint.address("", chosen) == ("https://settings.example", Source.SETTINGS)  # the window's "not given"
    assert endpoint.address(None, Settings()) == (DEFAULT_BASE_URL, Source.DEFAULT)


def test_keys_from_the_environment_beat_the_store_which_is_then_not_asked() -> None:
    store = _Store(SAVED, locked=True)  # asking it would raise
    assert _keys(store, ENV) == (Credentials("env-id", "env-key-1234"), Source.ENVIRONMENT)
    assert store.asked == 0


@pytest.mark.parametrize("half", ["AURORA_API_ID", "AURORA_API_KEY"])
def test_half_the_keys_in_the_environment_are_not_keys(half: str) -> None:
    assert _keys(_Store(SAVED), {half: ENV[half]}) == (Credentials("store-id", "store-key-5678"), Source.KEYRING)


def test_keys_from_the_store_then_none() -> None:
    assert _keys(_Store(SAVED), {}) == (Credentials("store-id", "store-key-5678"), Source.KEYRING)
    assert _keys(_Store({API_ID: "only-the-id"}), {}) == (None, None)
    assert _keys(_Store(), {}) == (None, None)


def test_keys_kept_for_this_session_say_so() -> None:
    store = _Store(SAVED)
    assert _keys(store, {}, session_only=True) == (Credentials("memory-id", "memory-key-9012"), Source.SESSION)
    assert _keys(store, ENV, session_only=True)[1] is Source.ENVIRONMENT  # the environment still first


def test_a_locked_store_is_said_not_taken_for_no_keys() -> None:
    with pytest.raises(SecretsUnavailable) as raised:
        _keys(_Store(SAVED, locked=True), {})
    assert raised.value.locked


def test_resolve_answers_both_and_never_shows_the_keys() -> None:
    async def ask() -> Endpoint:
        secrets = SecretStore(_Store(SAVED))  # type: ignore[arg-type]
        try:
            return await endpoint.resolve(flag=None, settings=Settings(api_base="https://s.example"), secrets=secrets)
        finally:
            secrets.close()

    where = asyncio.run(ask())
    assert (where.base_url, where.base_from, where.keys_from) == ("https://s.example", Source.SETTINGS, Source.KEYRING)
    assert where.credentials == Credentials("store-id", "store-key-5678")
    for text in (repr(where), str(where)):
        assert "store-key-5678" not in text and "store-id" not in text
    assert str(where) == "https://s.example (from Settings), keys from your system's password store"
    # Keys never decide equality either, and an Endpoint cannot be changed once made.
    assert where == dataclasses.replace(where, credentials=Credentials("x", "y"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        where.base_url = "https://elsewhere.example"  # type: ignore[misc]


def test_no_keys_and_demo_are_said_too() -> None:
    assert str(Endpoint("https://a.example", Source.FLAG)) == "https://a.example (from --api-base), no keys set up"
    demo = Endpoint.demo("http://127.0.0.1:9", Credentials("sandbox-id", "sandbox-key-3456"))
    assert (demo.base_from, demo.keys_from) == (Source.DEMO, Source.DEMO)
    assert "sandbox-key" not in repr(demo) + str(demo)
    assert "AURORA_API_ID and AURORA_API_KEY" in Source.ENVIRONMENT.where


def test_the_store_s_own_answer_follows_the_same_rule() -> None:
    async def ask(env: dict[str, str]) -> Credentials | None:
        secrets = SecretStore(_Store(SAVED))  # type: ignore[arg-type]
        try:
            return await secrets.api_credentials(env)
        finally:
            secrets.close()

    assert asyncio.run(ask(ENV)) == Credentials("env-id", "env-key-1234")
    assert asyncio.run(ask({})) == Credentials("store-id", "store-key-5678")
