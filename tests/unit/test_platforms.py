"""Every platform branch, exercised on Linux with the platform injected (issue 22 §5).

What only a real Windows or macOS machine can show is marked `windows_only` / `macos_only`
and skipped elsewhere (pyproject's markers)."""

from __future__ import annotations

import asyncio
import functools
import io
import os
import shutil
import sys
from pathlib import Path
from typing import TextIO

import keyring.errors
import pytest

from aurora_desktop import __main__ as aurora_main
from aurora_desktop import app, console, paths
from aurora_desktop.console import attach_console
from aurora_desktop.jobs import blockers
from aurora_desktop.paths import SHORTEST_STEM, WINDOWS_MAX_PATH, fit_stem, folder_problem
from aurora_desktop.secrets import SecretStore, SecretsUnavailable
from aurora_desktop.trash import Mover, finish, put_back, restore_leftovers, to_trash
from aurora_desktop.ui.reveal import _run, reveal

STORES = {"win32": "Windows Credential Manager", "darwin": "macOS Keychain", "linux": "GNOME Keyring / KWallet"}


class _Store:
    """A system store (priority > 0) in one state: working, locked, or failing. Shaped like a
    keyring backend but not a KeyringBackend subclass: keyring registers every subclass, and
    this one would then be the keyring of every later test in the run."""

    priority = 5

    def __init__(self, error: Exception | None = None) -> None:
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
    priority = 0  # keyring's "fail" backend: nothing is kept


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


# ----------------------------------------------------------------------------- Trash and undo


def _windows_bin(root: Path) -> Mover:
    """What Windows does (IFileOperation into $Recycle.Bin): the file becomes $R<id>.ext,
    a record $I<id>.ext beside it; QFile.moveToTrash returns the $R path."""

    def move(path: Path) -> Path:
        bin_ = root / "$Recycle.Bin" / "S-1-5-21-1000"
        bin_.mkdir(parents=True, exist_ok=True)
        moved = bin_ / f"$RAB12CD{path.suffix}"
        path.rename(moved)
        (bin_ / f"$IAB12CD{path.suffix}").write_bytes(b"\x02\x00record of " + str(path).encode())
        return moved

    return move


def _macos_trash(home: Path) -> Mover:
    """What macOS does (NSFileManager trashItemAtURL): ~/.Trash/NAME, nothing beside it."""

    def move(path: Path) -> Path:
        moved = home / ".Trash" / path.name
        moved.parent.mkdir(parents=True, exist_ok=True)
        path.rename(moved)
        return moved

    return move


def _video(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    video = folder / "For the shop.mp4"
    video.write_bytes(b"video bytes")
    return video


def test_undo_from_the_windows_recycle_bin(tmp_path: Path) -> None:
    video = _video(tmp_path / "Videos")
    item = to_trash(video, tmp_path / "held", mover=_windows_bin(tmp_path / "C"))
    assert item is not None and not item.held and not video.exists()
    record = item.moved.parent / "$IAB12CD.mp4"
    assert item.moved.name == "$RAB12CD.mp4" and record.exists()
    put_back(item, platform="win32")
    assert video.read_bytes() == b"video bytes"
    assert not record.exists()  # no ghost entry left in the Recycle Bin
    assert not (tmp_path / "held").exists()


def test_undo_from_the_macos_trash(tmp_path: Path) -> None:
    video = _video(tmp_path / "Movies")
    item = to_trash(video, tmp_path / "held", mover=_macos_trash(tmp_path / "home"))
    assert item is not None and item.moved == tmp_path / "home" / ".Trash" / video.name
    put_back(item, platform="darwin")
    assert video.read_bytes() == b"video bytes" and not item.moved.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the freedesktop Trash: Linux's own")
def test_undo_from_the_freedesktop_trash_with_qt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Linux for real: Qt's moveToTrash into this test's own XDG Trash, and back."""
    (tmp_path / "data-home").mkdir()  # Qt takes a data home that exists (as ~/.local/share does)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    video = _video(tmp_path / "Videos")
    item = to_trash(video, tmp_path / "held")
    assert item is not None and not item.held and item.moved.exists() and not video.exists()
    info = item.moved.parent.parent / "info" / (item.moved.name + ".trashinfo")
    assert info.exists()
    put_back(item, platform="linux")
    assert video.read_bytes() == b"video bytes" and not info.exists() and not item.moved.exists()


def test_undo_says_so_when_the_file_left_the_trash_or_its_place_is_taken(tmp_path: Path) -> None:
    video = _video(tmp_path / "Movies")
    item = to_trash(video, tmp_path / "held", mover=_macos_trash(tmp_path / "home"))
    assert item is not None
    video.write_bytes(b"a new file with that name")
    with pytest.raises(FileExistsError):
        put_back(item, platform="darwin")
    assert video.read_bytes() == b"a new file with that name"  # never overwritten
    video.unlink()
    item.moved.unlink()  # the user emptied the Trash
    with pytest.raises(FileNotFoundError):
        put_back(item, platform="darwin")


@pytest.mark.parametrize("platform", ["win32", "darwin", "linux"])
def test_no_trash_for_the_file_holds_it_until_the_time_to_undo_is_over(tmp_path: Path, platform: str) -> None:
    holding = tmp_path / "profile" / "removed"
    trashed: list[Path] = []

    def no_trash(path: Path) -> Path | None:
        return None  # e.g. a drive with no Trash

    def later_trash(path: Path) -> Path | None:
        trashed.append(path)
        moved = tmp_path / "Trash" / path.name
        moved.parent.mkdir(exist_ok=True)
        return Path(shutil.move(path, moved))

    # Undo within the time: back where it was, nothing left held.
    video = _video(tmp_path / "Videos")
    item = to_trash(video, holding, mover=no_trash)
    assert item is not None and item.held and not video.exists() and item.moved.is_relative_to(holding)
    put_back(item, platform=platform)
    assert video.exists() and list(holding.iterdir()) == []

    # The time runs out: to the Trash then.
    item = to_trash(video, holding, mover=no_trash)
    assert item is not None and finish(item, mover=later_trash) is None  # None: in the Trash
    assert trashed == [item.moved] and (tmp_path / "Trash" / video.name).exists()
    assert not video.exists() and list(holding.iterdir()) == []

    # No Trash even then: kept where it was, never deleted.
    video = _video(tmp_path / "Videos")
    item = to_trash(video, holding, mover=no_trash)
    assert item is not None and finish(item, mover=no_trash) == video  # kept, where it was
    assert video.read_bytes() == b"video bytes" and list(holding.iterdir()) == []

    # ...and if its place was taken meanwhile, it stays held, and finish() says where.
    item = to_trash(video, holding, mover=no_trash)
    assert item is not None
    video.write_bytes(b"a new file")
    assert finish(item, mover=no_trash) == item.moved and item.moved.read_bytes() == b"video bytes"


def test_files_held_when_the_app_stopped_go_back_at_the_next_start(tmp_path: Path) -> None:
    holding = tmp_path / "removed"
    video = _video(tmp_path / "Videos")
    sidecar = video.with_suffix(".json")
    sidecar.write_text("{}")
    for path in (video, sidecar):
        assert to_trash(path, holding, mover=lambda _p: None) is not None
    assert not video.exists()
    # (the app stops here, before the time to undo is over)
    assert sorted(restore_leftovers(holding)) == sorted([video, sidecar])
    assert video.exists() and sidecar.exists() and list(holding.iterdir()) == []
    assert restore_leftovers(tmp_path / "never-made") == []


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="names that are not UTF-8: Linux file systems")
def test_a_name_that_is_not_utf8_is_held_and_put_back(tmp_path: Path) -> None:
    holding = tmp_path / "removed"
    video = tmp_path / "Videos" / os.fsdecode(b"caf\xe9.mp4")  # Latin-1 bytes: no UTF-8 text for it
    video.parent.mkdir()
    video.write_bytes(b"video bytes")
    item = to_trash(video, holding, mover=lambda _p: None)
    assert item is not None and item.held and not video.exists()
    put_back(item, platform="linux")
    assert video.read_bytes() == b"video bytes" and list(holding.iterdir()) == []
    # held when the app stopped: back at the next start, under its own name
    assert to_trash(video, holding, mover=lambda _p: None) is not None
    assert restore_leftovers(holding) == [video] and video.read_bytes() == b"video bytes"
    assert list(holding.iterdir()) == []


@pytest.mark.windows_only  # the real Recycle Bin: the path Qt returns, and back
@pytest.mark.macos_only  # (one test, each OS's runner; the skip applies where neither)
def test_undo_from_the_real_trash_on_this_os(tmp_path: Path) -> None:
    video = _video(tmp_path / "Videos")
    item = to_trash(video, tmp_path / "held")
    assert item is not None and not item.held and item.moved.exists() and not video.exists()
    put_back(item)
    assert video.read_bytes() == b"video bytes"


# ----------------------------------------------------------------------------- Windows paths


@pytest.mark.parametrize(
    ("folder", "says"),
    [
        (r"C:\Users\Ana\Videos\CON", "“CON” is a name Windows keeps"),
        (r"D:\clips\aux\made", "“aux” is a name Windows keeps"),
        (r"C:\Users\Ana\LPT1.videos", "“LPT1.videos” is a name Windows keeps"),
        (r"C:\Users\Ana\COM9", "“COM9” is a name Windows keeps"),
        (r"C:\Users\Ana\clips.", "ends with a dot or a space (“clips.”)"),
        (r"C:\Users\Ana\clips \out", "ends with a dot or a space (“clips ”)"),
        (r"C:\Users\Ana\what?", "characters Windows does not allow"),
        ("C:\\" + "\\".join(["a long folder name"] * 14), "too long for Windows"),
    ],
)
def test_folders_windows_refuses_are_named_before_anything_is_spent(folder: str, says: str) -> None:
    problem = folder_problem(folder, platform="win32")
    assert problem is not None and says in problem
    assert folder_problem(folder.replace("\\", "/").replace("C:", "/home"), platform="linux") is None
    assert folder_problem(folder.replace("\\", "/").replace("C:", "/Users"), platform="darwin") is None


@pytest.mark.parametrize(
    "folder",
    [
        r"C:\Users\Ana\OneDrive\Videos\Aurora Desktop",  # Videos redirected into OneDrive
        r"\\server\share\team videos",
        r"C:\Users\Ana\Videos\CONSOLE clips",  # CON inside a longer name is fine
        r"C:\Users\Ana\..\Ana\Videos",
        "relative folder",
    ],
)
def test_ordinary_windows_folders_pass(folder: str) -> None:
    assert folder_problem(folder, platform="win32") is None


def test_the_out_folder_check_names_the_windows_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """output_folder_blockers (the CLI's --out, before anything is spent) asks folder_problem."""
    monkeypatch.setattr(blockers, "folder_problem", functools.partial(folder_problem, platform="win32"))
    [blocker] = blockers.output_folder_blockers(tmp_path / "NUL")
    assert "“NUL” is a name Windows keeps for itself" in blocker.message
    assert not (tmp_path / "NUL").exists()  # refused before it was made
    assert blockers.output_folder_blockers(tmp_path / "videos") == []


def test_video_names_are_cut_so_the_whole_path_fits_windows_max_path() -> None:
    stem = ("2026-12-03 " + "a very long name for the shop window " * 4).strip()
    folder = "C:\\Users\\Ana Maria\\OneDrive - Contoso Ltd\\Videos\\" + "Campaign spring " * 6
    cut = fit_stem(folder, stem, platform="win32")
    assert stem.startswith(cut) and len(cut) < len(stem) and cut == cut.rstrip(" .")
    longest = f"{folder}\\{cut} (999).json"
    assert len(longest) <= WINDOWS_MAX_PATH < len(f"{folder}\\{stem}.mp4")
    assert fit_stem(r"C:\Users\Ana\Videos", stem, platform="win32") == stem  # room enough: unchanged
    assert fit_stem("/home/ana/" + "x" * 300, stem, platform="linux") == stem  # not Windows: unchanged
    assert len(fit_stem("C:\\" + "d" * 250, stem, platform="win32")) == SHORTEST_STEM  # never to nothing


def test_the_videos_folder_is_the_one_platformdirs_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never %USERPROFILE%\\Videos assumed: the shell's folder (OneDrive when redirected)."""
    onedrive = tmp_path / "OneDrive - Contoso" / "Videos"
    monkeypatch.setattr(paths.platformdirs, "user_videos_dir", lambda: str(onedrive))
    monkeypatch.setattr(paths, "_profile", None)
    assert paths.videos_dir() == onedrive / "Aurora Desktop" and (onedrive / "Aurora Desktop").is_dir()


@pytest.mark.windows_only  # the shell's known folder: redirected to OneDrive on many machines
def test_videos_folder_is_the_shells_known_folder_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes
    from ctypes import wintypes

    class GUID(ctypes.Structure):
        _fields_ = [("d1", wintypes.DWORD), ("d2", wintypes.WORD), ("d3", wintypes.WORD), ("d4", ctypes.c_ubyte * 8)]

    folder_id = GUID(0x18989B1D, 0x99B5, 0x455B, (ctypes.c_ubyte * 8)(0x84, 0x1C, 0xAB, 0x7C, 0x74, 0xE4, 0xDD, 0xFC))
    found = ctypes.c_wchar_p()
    assert ctypes.windll.shell32.SHGetKnownFolderPath(ctypes.byref(folder_id), 0, None, ctypes.byref(found)) == 0
    monkeypatch.setattr(paths, "_profile", None)
    assert Path(paths.platformdirs.user_videos_dir()) == Path(found.value or "")


# ----------------------------------------------------------------------------- the console
# The real AttachConsole needs a terminal a person typed into; CI runners (Windows' too) start
# tests with pipes, not a console, so it is not checked there: the calls are injected here.


class _Terminal(io.StringIO):
    name = "CONOUT$"


def test_windowed_windows_app_prints_commands_on_the_terminal_it_was_started_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PyInstaller's windowed exe has no stdout/stderr (None): attach to the parent console."""
    terminal = _Terminal()
    opened: list[str] = []

    def open_console(name: str) -> TextIO:
        opened.append(name)
        return terminal

    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    assert attach_console(platform="win32", attach=lambda: True, open_console=open_console)
    assert opened == ["CONOUT$"] and sys.stdout is terminal and sys.stderr is terminal
    print("Password store: OK")
    assert "aurora-desktop-cli.exe" in terminal.getvalue()  # the twin that waits and returns exit codes
    assert "Password store: OK" in terminal.getvalue()


def test_no_terminal_to_attach_to_is_said_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    assert attach_console(platform="win32", attach=lambda: False) is False  # a shortcut, no terminal
    assert sys.stdout is None
    assert attach_console(platform="linux", attach=lambda: pytest.fail("Windows only")) is False


def test_a_console_build_is_left_alone() -> None:
    """Linux, macOS and the Windows twin have their console: nothing is attached or reopened."""
    before = (sys.stdout, sys.stderr)
    for platform in ("win32", "darwin", "linux"):
        assert attach_console(platform=platform, attach=lambda: pytest.fail("attached"))
    assert (sys.stdout, sys.stderr) == before


def test_headless_commands_and_version_ask_for_the_console(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[list[str]] = []
    monkeypatch.setattr(console, "attach_console", lambda: asked.append([]) or True)
    monkeypatch.setattr(app, "run", lambda args: 0)  # the window itself is not opened here
    monkeypatch.setattr(paths, "_profile", paths._profile)  # main() sets --profile's: put back after
    for argv in (["--version"], ["doctor", "--help"]):
        with pytest.raises(SystemExit):
            aurora_main.main(argv)
    assert len(asked) == 2
    assert aurora_main.main(["--profile", "/nowhere"]) == 0 and len(asked) == 2  # the window: no console


def test_every_folder_the_app_makes_is_one_windows_takes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The profile's sub-folders and the library's 'Aurora Desktop', as they would sit on Windows."""
    monkeypatch.setattr(paths, "_profile", tmp_path)
    made = [paths.data_dir(), paths.config_dir(), paths.log_dir(), paths.cache_dir(), paths.holding_dir()]
    names = [p.relative_to(tmp_path).as_posix() for p in [*made, paths.videos_dir()]] + ["Aurora Desktop"]
    local = r"C:\Users\Ana Maria\AppData\Local\aurora-desktop"
    for name in names:
        assert folder_problem(f"{local}\\{name}", platform="win32") is None, name
