"""The keyring facade: API and storage credentials live in the OS keyring only.

- Every keyring call runs on ONE worker thread (keyring backends are blocking
  and not all are thread-safe; D-Bus calls must not stall the Qt loop).
- It says where secrets live (`info()`), and turns "no keyring" and "locked
  keyring" into a clear message with a way forward. It never falls back to a
  plain-text file; the user may choose "keep for this session only" (memory).
- AURORA_API_ID / AURORA_API_KEY in the environment override the keyring for
  headless use. They are read, never logged, never persisted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from aurora_desktop.api.credentials import Credentials
from aurora_desktop.errors import UserError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

# keyring (its backends, D-Bus, cryptography) is imported on the keychain's own worker thread,
# at first use: every call goes through it, and the window's first paint need not wait for it.

log = logging.getLogger(__name__)
T = TypeVar("T")

SERVICE = "aurora-desktop"
API_ID = "api_id"
API_KEY = "api_key"
STORAGE_ACCESS_KEY_ID = "storage_access_key_id"
STORAGE_SECRET = "storage_secret_access_key"
ENV_API_ID, ENV_API_KEY = "AURORA_API_ID", "AURORA_API_KEY"

# The OS's own password store, by the name its users know it by (keyring's class names,
# "SecretService Keyring", "WinVaultKeyring", mean nothing to a person).
STORE_NAMES = {"win32": "Windows Credential Manager", "darwin": "macOS Keychain"}
LINUX_STORE_NAME = "GNOME Keyring / KWallet"  # the Secret Service (or KWallet itself)


def store_name(platform: str = sys.platform) -> str:
    """The plain name of this OS's password store (platform: a `sys.platform` value)."""
    return STORE_NAMES.get(platform, LINUX_STORE_NAME)


def no_keyring_message(platform: str = sys.platform) -> str:
    if platform == "win32":
        set_up = "make sure Windows Credential Manager is running (it comes with Windows)"
    elif platform == "darwin":
        set_up = "make sure your login keychain is there (macOS Keychain, in the Keychain Access app)"
    else:
        set_up = "set up a password store (GNOME Keyring or KWallet)"
    return (
        "This computer has no password store the app can use to keep your keys safe. "
        "You can keep them for this session only (you will enter them again next time), "
        f"or {set_up} and try again."
    )


def locked_message(platform: str = sys.platform) -> str:
    if platform == "win32":
        unlock = "sign in to Windows again"
    elif platform == "darwin":
        unlock = "open Keychain Access and unlock your login keychain"
    else:
        unlock = "log in again, or open Passwords and Keys or KWallet Manager and unlock it"
    return (
        f"Your password store ({store_name(platform)}) is locked, so the app cannot read or save your keys. "
        f"Unlock it ({unlock}) and try again, or keep the keys for this session only."
    )


class SecretsUnavailable(UserError):
    def __init__(self, user_message: str, *, detail: str = "", locked: bool = False) -> None:
        self.locked = locked
        super().__init__(user_message, detail=detail)


@dataclass(frozen=True, slots=True)
class StoreInfo:
    backend: str  # the store's plain name ("macOS Keychain", "Windows Credential Manager"...) or "this session only"
    system_store: bool  # a real OS store (keychain, Secret Service, Credential Manager...)
    session_only: bool
    problem: str | None  # why secrets cannot be kept, in plain words


def parse_pasted_keys(text: str) -> tuple[str, str] | None:
    """API ID and key pasted together ("ID:key", "ID key", two lines, or the two header
    lines "X-API-ID: …" / "X-API-KEY: …" from Creatify's examples); None for one value."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    headers = {}
    for line in lines:
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() in ("x-api-id", "x-api-key"):
            headers[name.strip().lower()] = value.strip()
    if len(headers) == 2:
        return headers["x-api-id"], headers["x-api-key"]
    if len(lines) == 2:
        return lines[0], lines[1]
    for sep in (":", " ", "\t"):
        first, found, second = text.strip().partition(sep)
        if found and first.strip() and second.strip() and sep not in second.strip():
            return first.strip(), second.strip()
    return None


def _is_system_backend(backend: KeyringBackend) -> bool:
    module = type(backend).__module__
    # keyring's own fail/null backends store nothing; keyrings.alt ones are plain files.
    if module.startswith("keyrings.alt") or module in ("keyring.backends.fail", "keyring.backends.null"):
        return False
    return backend.priority > 0


class SecretStore:
    def __init__(
        self, backend: KeyringBackend | None = None, service: str = SERVICE, *, platform: str = sys.platform
    ) -> None:
        self.service = service
        self.platform = platform  # whose store the messages name (injected in tests)
        self._backend = backend
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keyring")
        self._memory: dict[str, str] = {}
        self._session_only = False

    # ------------------------------------------------------------------ public

    @property
    def session_only(self) -> bool:
        return self._session_only

    def use_session_only(self) -> None:
        """The user's explicit choice: keep secrets in memory until the app quits."""
        self._session_only = True

    async def info(self) -> StoreInfo:
        if self._session_only:
            return StoreInfo("this session only", False, True, None)
        return await self._run(self._info_sync)

    async def get(self, name: str) -> str | None:
        if self._session_only:
            return self._memory.get(name)
        return await self._run(self._guard, keyring_op="get", name=name)

    async def set(self, name: str, value: str) -> None:
        if self._session_only:
            self._memory[name] = value
            return
        await self._run(self._guard, keyring_op="set", name=name, value=value)

    async def delete(self, name: str) -> None:
        if self._session_only:
            self._memory.pop(name, None)
            return
        await self._run(self._guard, keyring_op="delete", name=name)

    async def api_credentials(self, env: Mapping[str, str] | None = None) -> Credentials | None:
        """Environment first (headless use), then the store. None when not set up.
        The rule is endpoint.keys()'s, which also says where the keys came from."""
        from aurora_desktop.endpoint import keys  # it needs this module: loaded at first use

        credentials, _ = await keys(self, env)
        return credentials

    async def save_api_credentials(self, credentials: Credentials) -> None:
        await self.set(API_ID, credentials.api_id)
        await self.set(API_KEY, credentials.api_key)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ worker thread

    async def _run(self, fn: Callable[..., T], **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(**kwargs))

    def _backend_sync(self) -> KeyringBackend:
        if self._backend is None:
            import keyring

            self._backend = keyring.get_keyring()
        return self._backend

    def _info_sync(self) -> StoreInfo:
        import keyring.errors

        backend = self._backend_sync()
        if not _is_system_backend(backend):
            # keyring's stand-ins ("fail Keyring", plain files) are no store: say what there is not.
            return StoreInfo(getattr(backend, "name", type(backend).__name__), False, False, self._no_keyring())
        name = store_name(self.platform)
        try:
            backend.get_password(self.service, "__probe__")
        except keyring.errors.KeyringLocked:
            return StoreInfo(name, True, False, locked_message(self.platform))
        except keyring.errors.KeyringError as exc:
            log.info("password store unusable: %s", type(exc).__name__)  # the class name is for support, not words
            return StoreInfo(name, True, False, self._no_keyring())
        return StoreInfo(name, True, False, None)

    def _no_keyring(self) -> str:
        return no_keyring_message(self.platform)

    def _guard(self, keyring_op: str, name: str, value: str | None = None) -> Any:
        import keyring.errors

        backend = self._backend_sync()
        if not _is_system_backend(backend):
            raise SecretsUnavailable(self._no_keyring(), detail=f"backend {type(backend).__module__}")
        try:
            if keyring_op == "get":
                return backend.get_password(self.service, name)
            if keyring_op == "set":
                assert value is not None
                backend.set_password(self.service, name, value)
                return None
            with contextlib.suppress(keyring.errors.PasswordDeleteError):  # nothing stored: deleting is done
                backend.delete_password(self.service, name)
            return None
        except keyring.errors.KeyringLocked as exc:
            raise SecretsUnavailable(locked_message(self.platform), detail=type(exc).__name__, locked=True) from None
        except keyring.errors.NoKeyringError as exc:
            raise SecretsUnavailable(self._no_keyring(), detail=type(exc).__name__) from None
        except keyring.errors.KeyringError as exc:
            # Never include the value; the backend's message names the service at most.
            raise SecretsUnavailable(self._no_keyring(), detail=f"{type(exc).__name__}: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - D-Bus failures surface as assorted exception types
            log.warning("keyring %s failed: %s", keyring_op, type(exc).__name__)
            raise SecretsUnavailable(self._no_keyring(), detail=type(exc).__name__) from None
