"""Typed settings with their defaults in one table, kept as JSON in the config folder.

Secrets never go here (see secrets.py). Unknown keys in the file are ignored
and missing ones take their defaults, so old and new versions share a file.
A file that cannot be used as it is (not JSON, a value of the wrong type...) gives
the window its defaults; the first save then keeps that file aside, renamed
settings.json.damaged-<time>, never writes over it (`keep_aside_if_damaged`).
"""

from __future__ import annotations

import enum
import json
import logging
import os
from dataclasses import MISSING, asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aurora_desktop import paths
from aurora_desktop.api.catalog import DEFAULT_MODEL
from aurora_desktop.errors import UserError
from aurora_desktop.fileio import JsonUnreadable, read_json, write_atomic

log = logging.getLogger(__name__)
FILE_NAME = "settings.json"
SETTINGS_LIMIT = 1_000_000  # bytes; a settings file is a few kB


class SettingsProblem(UserError):
    """settings.json is there but cannot be used as it is."""


_TYPE_WORDS = {bool: "true or false", int: "a whole number", float: "a number", str: "text", list: "a list of text"}


def _typed(kind: type, raw: dict[str, Any], problems: list[str], prefix: str = "") -> dict[str, Any]:
    """The entries of `raw` that are fields of the dataclass `kind` and have its default's type."""
    values: dict[str, Any] = {}
    for f in fields(kind):
        if f.name not in raw or f.name == "storage":
            continue
        value = raw[f.name]
        default = f.default_factory() if f.default_factory is not MISSING else f.default
        expected = type(default)
        if isinstance(default, str):
            expected = str  # enum defaults (Sharing) are kept as their text
        if expected is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        elif expected is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif expected is list:
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        else:
            ok = isinstance(value, expected)
        if ok:
            values[f.name] = value
        else:
            problems.append(f"'{prefix}{f.name}' should be {_TYPE_WORDS.get(expected, expected.__name__)}")
    return values


@dataclass
class StorageSettings:
    provider: str = ""  # key of hosting.s3.PROVIDERS; "" = not set up
    bucket: str = ""
    region: str = ""
    endpoint: str = ""  # custom/MinIO, or derived from the provider preset
    account_id: str = ""  # Cloudflare R2
    prefix: str = "aurora-desktop"
    url_lifetime_hours: float = 6.0  # long enough for a job that waits in Creatify's queue

    @property
    def configured(self) -> bool:
        return bool(self.provider and self.bucket)


class Sharing(enum.StrEnum):
    """How local files reach Creatify (which only takes links)."""

    UNSET = ""  # not chosen yet: the create panel asks, inline, before Generate
    QUICK = "quick"  # Quick links: a public temporary host for 1 hour (hosting/quick.py)
    STORAGE = "storage"  # the user's own S3-compatible bucket (hosting/s3.py)
    LINKS = "links"  # no uploads: the user pastes links


@dataclass
class Settings:
    api_base: str = ""  # "" = Creatify's
    output_dir: str = ""  # "" = paths.videos_dir()
    filename_template: str = "{date} {name}"
    default_model: str = DEFAULT_MODEL
    delete_hosted_inputs: bool = True  # privacy: remove uploads once the video is saved
    notifications: bool = True
    max_uploads: int = 2
    max_active_jobs: int = 20
    max_downloads: int = 2
    last_save_dir: str = ""  # where "Save a copy" last saved ("" = the Videos folder)
    photo_background: str = "#ffffff"  # fills a transparent photo's background before sending
    theme: str = "system"  # "system" (follow the OS), "light" or "dark"
    storage: StorageSettings = field(default_factory=StorageSettings)
    sharing: str = Sharing.UNSET  # a Sharing value
    quick_links_consent: bool = False  # the user read and accepted what Quick links share, with whom, how long
    mode: str = ""  # "demo" or "account": what the window opened last ("" = decide from the keys)
    voice_favourites: list[str] = field(default_factory=list)  # voice (accent) ids starred in the picker
    last_voice: str = ""  # the voice id of the last script, chosen again next time
    hear_voice_first: bool = False  # stop after the speech so the user hears it before the video is paid
    check_updates: bool = True  # once a week, ask whether a newer version is out (updates.py)
    last_update_check: str = ""  # ISO time of the last weekly check ("" = not yet: the first start never checks)

    @property
    def sharing_choice(self) -> Sharing:
        try:
            choice = Sharing(self.sharing)
        except ValueError:
            return Sharing.UNSET
        if choice is Sharing.UNSET and self.storage.configured:
            return Sharing.STORAGE  # set up before there was a choice
        return choice

    def library_dir(self) -> Path:
        if self.output_dir:
            path = Path(self.output_dir).expanduser()
            path.mkdir(parents=True, exist_ok=True)
            return path
        return paths.videos_dir()

    # ------------------------------------------------------------------ persistence

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Never fails: a file that cannot be used gives the defaults, a value of the wrong type
        its default, each with a line in the log (the window opens whatever the file holds)."""
        settings, problem = cls.read(path)
        if problem:
            log.warning("settings: %s; using defaults there", problem)
        return settings

    @classmethod
    def load_checked(cls, path: Path | None = None) -> Settings:
        """For commands that act on the settings (run, resume): SettingsProblem, a plain
        sentence, rather than quietly working with defaults the user did not choose."""
        settings, problem = cls.read(path)
        if problem:
            where = path or paths.config_dir() / FILE_NAME
            raise SettingsProblem(
                f"The settings file ({where}) cannot be used: {problem}. Nothing was done. Fix the file, "
                "or delete it to start again from the defaults (or change them in the window's Settings).",
                detail=problem,
            )
        return settings

    @classmethod
    def read(cls, path: Path | None = None) -> tuple[Settings, str]:
        """The settings and, if the file could not be used as it is, what is wrong, in plain words."""
        path = path or paths.config_dir() / FILE_NAME
        try:
            raw = read_json(path, SETTINGS_LIMIT)
        except JsonUnreadable as exc:
            return cls(), "" if exc.missing else exc.reason
        if not isinstance(raw, dict):
            return cls(), "it is not a settings file (not a JSON object)"
        problems: list[str] = []
        return cls.from_dict(raw, problems), "; ".join(problems)

    @classmethod
    def from_dict(cls, raw: dict[str, Any], problems: list[str] | None = None) -> Settings:
        """Known keys of the right type; a value of the wrong type keeps its default (said in `problems`)."""
        problems = [] if problems is None else problems
        values = _typed(cls, raw, problems)
        if isinstance(raw.get("storage"), dict):
            values["storage"] = StorageSettings(**_typed(StorageSettings, raw["storage"], problems, "storage."))
        elif "storage" in raw:
            values.pop("storage", None)
            problems.append("'storage' should be a group of settings")
        return cls(**values)

    def save(self, path: Path | None = None) -> None:
        """Atomic: a crash mid-write leaves the old file, never half a file. A file there that
        cannot be used as it is (load() gave defaults for it) is first kept aside, byte for byte,
        as settings.json.damaged-<time>: saving never destroys what the user wrote."""
        path = path or paths.config_dir() / FILE_NAME
        keep_aside_if_damaged(path)
        write_atomic(path, json.dumps(asdict(self), indent=2).encode("utf-8"))


def keep_aside_if_damaged(path: Path) -> Path | None:
    """If `path` is there but cannot be used as it is (Settings.read names a problem), rename it
    to `<name>.damaged-<UTC time>` beside it (a rename: its bytes, whatever it is) and say so
    in the log. Where it went, or None when there was nothing to keep. OSError if it cannot be
    moved: then nothing is written over it."""
    _settings, problem = Settings.read(path)
    if not problem or not os.path.lexists(path):
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while os.path.lexists(aside):
        n += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    os.replace(path, aside)
    log.warning("settings: %s could not be used (%s); kept as %s, and new settings saved", path, problem, aside)
    return aside
