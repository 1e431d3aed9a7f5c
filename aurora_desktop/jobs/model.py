"""A local job: everything needed to finish it after any crash, in one record."""

from __future__ import annotations

import enum
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from aurora_desktop.api.models import NAME_MAX
from aurora_desktop.formatting import credits_number


class State(enum.StrEnum):
    DRAFT = "draft"
    SPEAKING = "speaking"  # a script becomes speech at Creatify (text-to-speech)
    VOICE_READY = "voice_ready"  # the speech is made; the user listens before the video is requested
    HOSTING = "hosting"
    SUBMITTING = "submitting"
    REMOTE = "remote"  # pending / in_queue / running at Creatify (see remote_status)
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


# VOICE_READY is final in the engine's sense: nothing more happens until the user says "make the video".
FINAL_STATES = frozenset(
    {State.SAVED, State.FAILED, State.REJECTED, State.NEEDS_ATTENTION, State.CANCELLED, State.VOICE_READY}
)
TOKEN_PREFIX = "ad-"
_TOKEN_BYTES = 5
# The remote name is "<user's name> [<token>]".
REMOTE_NAME_SUFFIX_LENGTH = len(" []") + len(TOKEN_PREFIX) + 2 * _TOKEN_BYTES


def new_token() -> str:
    """A short unique client token, carried in the remote job's name so a POST
    whose answer was lost can be found again instead of sent twice."""
    return TOKEN_PREFIX + secrets.token_hex(_TOKEN_BYTES)


def utcnow() -> datetime:
    return datetime.now(UTC)


def is_link(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


class InputKind(enum.StrEnum):
    IMAGE = "image"
    AUDIO = "audio"


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input of a job: where it came from, and the link Creatify fetches it from.

    A new kind of input (a script's speech, a recording, a crop) is one more
    InputKind; everything that hosts, checks, removes or shows inputs loops
    over a job's inputs instead of naming fields.
    """

    kind: InputKind
    source: str  # a local path or a link, as it will be sent (after any conversion)
    hash: str | None = None  # sha256 of a local file: detects a file changed after the price was shown
    mime: str | None = None
    url: str | None = None  # the link Creatify fetches: the pasted link itself, or the hosted copy
    key: str | None = None  # the hosting key, for removal; None when nothing is hosted
    expires: datetime | None = None  # when the hosted copy's link stops working

    # The store keeps one column per field, named "<kind>_<field>" (image_source, ...).
    STORED = ("source", "hash", "mime", "url", "key", "expires")

    @property
    def is_link(self) -> bool:
        return is_link(self.source)

    def link_fresh(self, margin: timedelta, now: datetime | None = None) -> bool:
        """A link Creatify can still fetch for at least `margin`."""
        if not self.url:
            return False
        return self.expires is None or self.expires - (now or utcnow()) > margin

    def unhosted(self) -> InputFile:
        """The same input after its hosted copy was removed: a retry must host it again."""
        return replace(self, url=None, key=None, expires=None)

    def columns(self) -> dict[str, Any]:
        return {f"{self.kind}_{name}": getattr(self, name) for name in self.STORED}

    @classmethod
    def from_columns(cls, kind: InputKind, row: Mapping[str, Any]) -> InputFile:
        return cls(kind, **{name: row[f"{kind}_{name}"] for name in cls.STORED})


@dataclass(frozen=True)
class LocalJob:
    id: str
    token: str
    name: str
    model: str  # catalog key
    image: InputFile
    audio: InputFile
    state: State = State.DRAFT
    text_prompt: str | None = None
    guidance: float | None = None
    audio_seconds: float | None = None
    cost_estimate: Decimal | None = None  # credits are exact (Decimal): they can be fractional
    api_base: str = ""
    remote_id: str | None = None
    remote_status: str | None = None
    progress: float = 0.0
    credits_used: Decimal | None = None
    video_url: str | None = None
    video_expires: datetime | None = None
    preview_url: str | None = None
    output_path: str | None = None
    error_message: str | None = None
    error_detail: str | None = None
    error_code: str | None = None  # a jobs.vocabulary.ErrorCode value
    submit_attempts: int = 0
    # A script job: the audio is made from `script` by Creatify's text-to-speech first.
    script: str | None = None
    voice_id: str | None = None  # the accent id asked for
    voice_name: str | None = None  # "Aria (American)", for the library and the sidecar
    speech_id: str | None = None  # the text-to-speech job at Creatify
    speech_attempts: int = 0  # POSTs to text-to-speech that may have left (the intent, as submit_attempts)
    speech_credits: Decimal | None = None
    hear_first: bool = False  # stop at VOICE_READY so the user hears the voice before the video is paid
    bytes_done: int = 0
    bytes_total: int = 0
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    submitted_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def speech_made(self) -> bool:
        """A script job whose speech exists at Creatify (its link is the audio input's source;
        the `url` sent may be cleared and set again, like any input's)."""
        return self.speech_id is not None and bool(self.audio.source)

    @property
    def credits_total(self) -> Decimal | None:
        """What the video cost in all, as the library, the report and the sidecar say it: Creatify's
        charge for the video plus the voice made from the script; before the charge, the estimate
        (which already holds both)."""
        if self.credits_used is None:
            return self.cost_estimate
        return self.credits_used + (self.speech_credits or Decimal(0))

    @property
    def needs_speech(self) -> bool:
        return self.script is not None and not self.speech_made

    @property
    def settled(self) -> bool:
        """Nothing more will happen without the user: a final state, or a job still watched
        whose last news needs a person (Creatify reports a state this app does not know)."""
        return self.state.is_final or self.error_code is not None

    def with_changes(self, **changes: Any) -> LocalJob:
        return replace(self, **changes)

    @property
    def inputs(self) -> tuple[InputFile, InputFile]:
        return (self.image, self.audio)

    def input(self, kind: InputKind) -> InputFile:
        return self.image if kind is InputKind.IMAGE else self.audio

    @staticmethod
    def input_change(updated: InputFile) -> dict[str, InputFile]:
        """The `changes` that put one updated input back on its job."""
        return {str(updated.kind): updated}

    @property
    def remote_name(self) -> str:
        """The name sent to Creatify: the user's name plus the client token, within Creatify's limit."""
        suffix = f" [{self.token}]"
        return self.name[: NAME_MAX - len(suffix)] + suffix

    def to_summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state.value,
            "model": self.model,
            "remote_id": self.remote_id,
            "remote_status": self.remote_status,
            "progress": round(self.progress, 3),
            "credits_used": credits_number(self.credits_used),
            "credits_total": credits_number(self.credits_total),  # the voice and the video, as the library says
            "cost_estimate": credits_number(self.cost_estimate),
            "audio_seconds": self.audio_seconds,
            "script": self.script,
            "voice": self.voice_name,
            "voice_id": self.voice_id,
            "speech_id": self.speech_id,
            "speech_credits": credits_number(self.speech_credits),
            # A name is reserved before the video arrives: it is the video's path only once saved.
            "output_path": self.output_path if self.state is State.SAVED else None,
            "error": self.error_message,
            "error_code": self.error_code,
            "created_at": self.created_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


INPUT_FIELDS = tuple(str(kind) for kind in InputKind)  # LocalJob fields that hold an InputFile
JOB_FIELDS = tuple(f.name for f in fields(LocalJob))
# The store's columns: the job's plain fields, and each input's fields flattened.
COLUMNS = tuple(
    column
    for name in JOB_FIELDS
    for column in ([f"{name}_{part}" for part in InputFile.STORED] if name in INPUT_FIELDS else [name])
)
CREDIT_COLUMNS = frozenset(f.name for f in fields(LocalJob) if "Decimal" in str(f.type))  # stored as REAL
DATETIME_COLUMNS = frozenset(
    {f.name for f in fields(LocalJob) if "datetime" in str(f.type)} | {f"{kind}_expires" for kind in INPUT_FIELDS}
)


def job_columns(job_or_changes: Mapping[str, Any]) -> dict[str, Any]:
    """Job fields (or changes to them) as store columns: each InputFile flattened."""
    out: dict[str, Any] = {}
    for name, value in job_or_changes.items():
        if isinstance(value, InputFile):
            if name != value.kind:
                raise ValueError(f"the {value.kind} input cannot be stored as {name!r}")
            out.update(value.columns())
        else:
            out[name] = value
    return out


def job_from_columns(row: Mapping[str, Any]) -> LocalJob:
    values = {name: row[name] for name in JOB_FIELDS if name not in INPUT_FIELDS}
    for kind in InputKind:
        values[str(kind)] = InputFile.from_columns(kind, row)
    values["state"] = State(values["state"])
    values["hear_first"] = bool(values["hear_first"])
    return LocalJob(**values)
