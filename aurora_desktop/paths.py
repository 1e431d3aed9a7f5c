"""The ONE place that resolves folders. Everything else asks here.

Per-OS locations come from platformdirs. `--profile DIR` (and tests) call
`use_profile(DIR)` before anything else touches a path, and every folder of
the app then lives under DIR.

Windows: platformdirs asks the shell for the Videos folder (SHGetFolderPathW), so a
Videos folder redirected into OneDrive is the one used, never %USERPROFILE%\\Videos
assumed. Folders a user gives are checked for what Windows refuses (`folder_problem`:
reserved names such as CON or LPT1, a name ending in a dot or a space, a path too long),
and a video's name is kept short enough that its full path fits MAX_PATH (`fit_stem`).
The platform is a parameter so these are tested on Linux (tests/unit/test_platforms.py).
"""

from __future__ import annotations

import sys
from pathlib import Path, PurePath, PureWindowsPath

import platformdirs

from aurora_desktop import APP_ID
from aurora_desktop.errors import UserError

_profile: Path | None = None


class ProfileUnusable(UserError):
    """A folder of the app cannot be made or used (a read-only disk, a file in its place)."""


def use_profile(directory: str | Path | None) -> None:
    global _profile
    _profile = Path(directory).expanduser().resolve() if directory else None


def _dir(kind: str) -> Path:
    if _profile is not None:
        path = _profile / kind
    else:
        dirs = platformdirs.PlatformDirs(APP_ID, appauthor=False)
        path = Path(
            {
                "data": dirs.user_data_dir,
                "config": dirs.user_config_dir,
                "logs": dirs.user_log_dir,
                "cache": dirs.user_cache_dir,
            }[kind]
        )
    _make(path)
    return path


def _make(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = next((p for p in [path, *path.parents] if p.exists() and not p.is_dir()), None)
        why = f"{blocker} is a file, not a folder" if blocker else (exc.strerror or str(exc)).lower()
        raise ProfileUnusable(
            f"The folder {path} cannot be used ({why}), so Aurora Desktop cannot keep its files there. "
            "Nothing was done. Choose a folder you can write to (--profile), or make this one writable.",
            detail=f"{type(exc).__name__}: {exc}",
        ) from None


def data_dir() -> Path:
    return _dir("data")


def config_dir() -> Path:
    return _dir("config")


def log_dir() -> Path:
    return _dir("logs")


def cache_dir() -> Path:
    return _dir("cache")


def holding_dir() -> Path:
    """Removed files kept until the time to undo is over, where the system has no Trash
    for them (trash.py). Created when a file is first held."""
    return data_dir() / "removed"


def videos_dir() -> Path:
    """Default library folder for finished videos (the user may choose another)."""
    if _profile is not None:
        path = _profile / "videos"
    else:
        path = Path(platformdirs.user_videos_dir()) / "Aurora Desktop"
    path.mkdir(parents=True, exist_ok=True)
    return path


WINDOWS_MAX_PATH = 259  # MAX_PATH (260) less the ending NUL: longer paths fail in many programs
SHORTEST_STEM = 24  # a video's name is never cut shorter than this to fit
NUMBER_ROOM = len(" (999)")  # reserve_unique_path's " (2)", " (3)"...
LONGEST_SUFFIX = len(".json")  # the video's sidecars share its stem: .mp4, .json, .txt


def fit_stem(folder: PurePath | str, stem: str, *, platform: str = sys.platform) -> str:
    """On Windows, `stem` cut so folder + name (numbered, any sidecar suffix) fits MAX_PATH;
    elsewhere unchanged (names are already at most 120 characters, jobs/naming.py)."""
    if platform != "win32":
        return stem
    room = WINDOWS_MAX_PATH - len(str(PureWindowsPath(str(folder)))) - 1 - NUMBER_ROOM - LONGEST_SUFFIX
    cut = stem[: max(room, SHORTEST_STEM)].rstrip(" .")  # Windows drops a trailing dot or space
    return cut or stem[:SHORTEST_STEM]


def folder_problem(folder: PurePath | str, *, platform: str = sys.platform) -> str | None:
    """Why Windows cannot keep videos in `folder`, in plain words (for "… cannot be used: …");
    None when it can, and on other systems (where CON or "clips." are ordinary names)."""
    if platform != "win32":
        return None
    from pathvalidate import ValidationError, validate_filename  # only when a folder is checked

    path = PureWindowsPath(str(folder))
    for part in path.parts[1:] if path.anchor else path.parts:
        if part in (".", ".."):
            continue
        if part.endswith((".", " ")):
            return f"Windows cannot use a folder name that ends with a dot or a space (“{part}”)"
        try:
            validate_filename(part, platform="windows")
        except ValidationError as exc:
            if exc.reason.name == "RESERVED_NAME":
                return f"“{part}” is a name Windows keeps for itself; rename that folder or choose another"
            return f"“{part}” has characters Windows does not allow in a folder name"
    if len(str(path)) + 1 + SHORTEST_STEM + NUMBER_ROOM + LONGEST_SUFFIX > WINDOWS_MAX_PATH:
        return "its path is too long for Windows; choose a folder closer to the top of the drive"
    return None


def resources_dir() -> Path:
    """Bundled resources: next to the package from source, in _MEIPASS when frozen."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
