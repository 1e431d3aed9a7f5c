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

_profile: Path | None = None


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
    path.mkdir(parents=True, exist_ok=True)
    return path


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


def resources_dir() -> Path:
    """Bundled resources: next to the package from source, in _MEIPASS when frozen."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
