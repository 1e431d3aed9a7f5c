"""Typed settings with their defaults in one table, kept as JSON in the config folder.

Secrets never go here (see secrets.py). Unknown keys in the file are ignored
and missing ones take their defaults, so old and new versions share a file.
"""

from __future__ import annotations

import enum
import json
import logging
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from aurora_desktop import paths
from aurora_desktop.api.catalog import DEFAULT_MODEL
from aurora_desktop.fileio import write_atomic

log = logging.getLogger(__name__)
FILE_NAME = "settings.json"


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
        path = path or paths.config_dir() / FILE_NAME
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("settings file unreadable (%s); using defaults", type(exc).__name__)
            return cls()
        return cls.from_dict(raw if isinstance(raw, dict) else {})

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Settings:
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in known:
                continue
            if key == "storage" and isinstance(value, dict):
                storage_keys = {f.name for f in fields(StorageSettings)}
                values[key] = StorageSettings(**{k: v for k, v in value.items() if k in storage_keys})
            elif key != "storage":
                values[key] = value
        return cls(**values)

    def save(self, path: Path | None = None) -> None:
        """Atomic: a crash mid-write leaves the old file, never half a file."""
        write_atomic(path or paths.config_dir() / FILE_NAME, json.dumps(asdict(self), indent=2).encode("utf-8"))
