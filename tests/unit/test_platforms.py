"""Every platform branch, exercised on Linux with the platform injected (issue 22 §5).

What only a real Windows or macOS machine can show is marked `windows_only` / `macos_only`
and skipped elsewhere (pyproject's markers)."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import keyring.errors
import pytest
from keyring.backend import KeyringBackend

from aurora_desktop.secrets import SecretStore, SecretsUnavailable
from aurora_desktop.ui.reveal import _run, reveal

STORES = {"win32": "Windows Credential Manager", "darwin": "macOS Keychain", "linux": "GNOME Keyring / KWallet"}


class _Store(KeyringBackend):
    """A system store (priority > 0) in one state: working, locked, or failing."""

    priority = 5  # type: ignore[assignment]

    def __init__(self, error: Exception | None = None) -> None:
        super().__init__()
        self.error = error
        self.saved: dict[str, str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        if self.error:
            raise self.error
        return self.saved.get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.error:
            raise self.error
        self.saved[username] = password

    def delete_password(self, service: str, username: str) -> None:
        self.saved.pop(username, None)


class _NoStore(_Store):
    priority = 0  # type: ignore[assignment]  # keyring's "fail" backend: nothing is kept


@pytest.mark.parametrize("platform", STORES)
def test_password_store_is_named_as_the_os_names_it(platform: str) -> None:
    async def check() -> None:
        info = await SecretStore(_Store(), platform=platform).info()
        assert (info.backend, info.system_store, info.problem) == (STORES[platform], True, None)

        locked = SecretStore(_Store(keyring.errors.KeyringLocked("locked")), platform=platform)
        assert STORES[platform] in ((await locked.info()).problem or "")
        with pytest.raises(SecretsUnavailable) as raised:
            await locked.get("api_key")
        assert raised.value.locked and STORES[platform] in raised.value.user_message

        none = SecretStore(_NoStore(), platform=platform)
        problem = (await none.info()).problem or ""
        assert "no password store" in problem and "session only" in problem
        with pytest.raises(SecretsUnavailable) as raised:
            await none.set("api_key", "secret")
        message = raised.value.user_message
        # Each OS's way forward names that OS's own store, and no other OS's.
        own = {"win32": "Windows Credential Manager", "darwin": "macOS Keychain", "linux": "GNOME Keyring"}[platform]
        assert own in message
        assert all(other not in message for key, other in STORES.items() if key != platform)
        for store in (locked, none):
            store.close()

    asyncio.run(check())


def test_this_machine_names_its_own_store() -> None:
    """Without an injected platform, the running OS's name (checked for real on each CI runner)."""
    expected = STORES.get(sys.platform, STORES["linux"])

    async def check() -> str:
        store = SecretStore(_Store())
        try:
            return (await store.info()).backend
        finally:
            store.close()

    assert asyncio.run(check()) == expected


# ----------------------------------------------------------------------------- reveal in the file manager


def _reveal(path: Path, platform: str, *, dbus_answers: bool = False) -> tuple[bool, list[object]]:
    """What reveal() would run on `platform`: the commands, captured instead of run."""
    ran: list[object] = []
    asked: list[Path] = []

    async def run(command: object, ok: tuple[int, ...]) -> bool:
        ran.append((command, ok))
        return True

    async def show_items(path: Path) -> bool:
        asked.append(path)
        return dbus_answers

    shown = asyncio.run(reveal(path, platform=platform, run=run, show_items=show_items))
    if platform in ("win32", "darwin"):
        assert not asked  # the D-Bus file manager is Linux's only
    return shown, ran


def test_reveal_runs_each_os_file_manager(tmp_path: Path) -> None:
    folder = tmp_path / "My videos"
    folder.mkdir()
    video = folder / "a clip.mp4"
    video.write_bytes(b"x")

    # Windows: explorer selects the file; its own command line, the path in quotes; 1 is success too.
    assert _reveal(video, "win32") == (True, [(f'explorer /select,"{video}"', (0, 1))])
    assert _reveal(folder, "win32") == (True, [(f'explorer "{folder}"', (0, 1))])
    # macOS: Finder selects it.
    assert _reveal(video, "darwin") == (True, [(["open", "-R", str(video)], (0,))])
    assert _reveal(folder, "darwin") == (True, [(["open", str(folder)], (0,))])
    # Linux: FileManager1.ShowItems selects it; when no file manager answers, xdg-open the folder.
    assert _reveal(video, "linux", dbus_answers=True) == (True, [])
    assert _reveal(video, "linux") == (True, [(["xdg-open", str(folder)], (0,))])
    assert _reveal(folder, "linux") == (True, [(["xdg-open", str(folder)], (0,))])


def test_reveal_says_false_when_no_program_answers(tmp_path: Path) -> None:
    """The real runner on this machine: a program that does not exist is 'nothing answered'."""
    assert asyncio.run(_run(["aurora-no-such-file-manager", str(tmp_path)])) is False


@pytest.mark.windows_only  # explorer.exe exists only there
def test_explorer_is_there_on_windows() -> None:
    assert shutil.which("explorer")


@pytest.mark.macos_only  # /usr/bin/open exists only there
def test_open_is_there_on_macos() -> None:
    assert shutil.which("open")
