"""A local job: everything needed to finish it after any crash, in one record."""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timezone
from typing import Any


class State(str, enum.Enum):
    DRAFT = "draft"
    HOSTING = "hosting"
    SUBMITTING = "submitting"
    REMOTE = "remote"                 # pending / in_queue / running at Creatify (see remote_status)
    DOWNLOADING = "downloading"
    SAVED = "saved"
    FAILED = "failed"
    REJECTED = "rejected"
    NEEDS_ATTENTION = "needs_attention"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        """Nothing more happens without the user (retry, remove)."""
        return self in FINAL_STATES

    @property
    def charged_possible(self) -> bool:
        return self in (State.REMOTE, State.DOWNLOADING, State.SAVED)


FINAL_STATES = frozenset({State.SAVED, State.FAILED, State.REJECTED, State.NEEDS_ATTENTION, State.CANCELLED})
TOKEN_PREFIX = "ad-"


def new_token() -> str:
    """A short unique client token, carried in the remote job's name so a POST
    whose answer was lost can be found again instead of sent twice."""
    return TOKEN_PREFIX + secrets.token_hex(5)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class LocalJob:
    id: str
    token: str
    name: str
    model: str                            # catalog key
    image_source: str                     # local path or URL, as the user gave it
    audio_source: str
    state: State = State.DRAFT
    text_prompt: str | None = None
    guidance: float | None = None
    image_hash: str | None = None         # sha256 of local inputs: detects a changed file on resume
    audio_hash: str | None = None
    image_mime: str | None = None
    audio_mime: str | None = None
    audio_seconds: float | None = None
    cost_estimate: float | None = None
    image_url: str | None = None
    image_key: str | None = None          # hosting key, for removal
    image_expires: datetime | None = None
    audio_url: str | None = None
    audio_key: str | None = None
    audio_expires: datetime | None = None
    api_base: str = ""
    remote_id: str | None = None
    remote_status: str | None = None
    progress: float = 0.0
    credits_used: float | None = None
    video_url: str | None = None
    video_expires: datetime | None = None
    preview_url: str | None = None
    output_path: str | None = None
    error_message: str | None = None
    error_detail: str | None = None
    error_code: str | None = None         # auth, credits, input, storage, network, remote, disk, lost, bug
    submit_attempts: int = 0
    bytes_done: int = 0
    bytes_total: int = 0
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    submitted_at: datetime | None = None
    finished_at: datetime | None = None

    def with_changes(self, **changes: Any) -> "LocalJob":
        return replace(self, **changes)

    @property
    def remote_name(self) -> str:
        """The name sent to Creatify: the user's name plus the client token, within 255 characters."""
        suffix = f" [{self.token}]"
        return self.name[: 255 - len(suffix)] + suffix

    def to_summary(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "state": self.state.value, "model": self.model,
            "remote_id": self.remote_id, "remote_status": self.remote_status,
            "progress": round(self.progress, 3), "credits_used": self.credits_used,
            "cost_estimate": self.cost_estimate, "audio_seconds": self.audio_seconds,
            "output_path": self.output_path, "error": self.error_message, "error_code": self.error_code,
            "created_at": self.created_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


COLUMNS = tuple(f.name for f in fields(LocalJob))
DATETIME_COLUMNS = frozenset(f.name for f in fields(LocalJob) if "datetime" in str(f.type))
