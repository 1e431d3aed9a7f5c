"""The ONE place that resolves folders. Everything else asks here.

Per-OS locations come from platformdirs. `--profile DIR` (and tests) call
`use_profile(DIR)` before anything else touches a path, and every folder of
the app then lives under DIR.
"""

from __future__ import annotations

import sys
from pathlib import Path

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


def videos_dir() -> Path:
    """Default library folder for finished videos (the user may choose another)."""
    if _profile is not None:
        path = _profile / "videos"
    else:
        path = Path(platformdirs.user_videos_dir()) / "Aurora Desktop"
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """Bundled resources: next to the package from source, in _MEIPASS when frozen."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
