"""Typed data for the Aurora API, parsed tolerantly.

The contract leaves much open (progress scale, integer vs fractional credits,
which echo fields are present), so parsing accepts every plausible shape and
rejects only what cannot be a job at all, with an InvalidResponseError. An
optional field that cannot be read is unknown; one unreadable item of a list
is skipped, never a reason to drop the others.
"""

from __future__ import annotations

import enum
import logging
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aurora_desktop.api.catalog import DEFAULT_MODEL
from aurora_desktop.api.errors import InvalidResponseError, excerpt

log = logging.getLogger(__name__)
T = TypeVar("T")


class JobStatus(enum.StrEnum):
    PENDING = "pending"
    IN_QUEUE = "in_queue"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    REJECTED = "rejected"
    #: A status this client does not know yet: treated as "still working".
    UNKNOWN = "unknown"

    @property
    def is_terminal(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED, JobStatus.REJECTED)

    @classmethod
    def parse(cls, value: Any) -> JobStatus:
        if not isinstance(value, str):
            raise InvalidResponseError(detail=f"job status is not text: {value!r}")
        try:
            return cls(value.strip().lower())
        except ValueError:
            return cls.UNKNOWN


# ----------------------------------------------------------------------------- helpers


def parse_timestamp(value: Any) -> datetime | None:
    """ISO 8601 with or without fractions or zone; naive times are taken as UTC."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InvalidResponseError(detail=f"timestamp is not text: {value!r}")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidResponseError(detail=f"unreadable timestamp {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _number(value: Any, what: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidResponseError(detail=f"{what} is a boolean: {value!r}")
    try:
        number = float(value)  # accepts "12.5" too: some serializers quote decimals
    except (TypeError, ValueError) as exc:
        raise InvalidResponseError(detail=f"{what} is not a number: {value!r}") from exc
    if math.isnan(number) or math.isinf(number):
        raise InvalidResponseError(detail=f"{what} is not finite: {value!r}")
    return number


MAX_CREDITS = 1_000_000_000  # far beyond any account's balance or any video's price


def parse_credits(value: Any, what: str = "credits") -> Decimal | None:
    """A credit amount, exact: documented as an integer, but fractional in fact ("Aurora 1.0 Fast
    charged 5.5"). Text and integers are read digit for digit; a float as the shortest decimal
    that reads back as it (5.5, not 5.49999...)."""
    number = _number(value, what)  # the same checks: no booleans, nothing that is not a finite number
    if number is None:
        return None
    if abs(number) > MAX_CREDITS:  # 1e308 would print as a 309-digit number: not an amount of credits
        raise InvalidResponseError(detail=f"{what} is not a possible amount: {excerpt(repr(value), 50)}")
    if isinstance(value, str):
        return Decimal(value.strip())
    return Decimal(value) if isinstance(value, int) else Decimal(repr(number))


def normalize_progress(value: Any, status: JobStatus) -> float:
    """Progress as a fraction 0..1, whatever scale the server used; 0 when unreadable.

    Values above 1 are percentages. A value of exactly 1 is ambiguous (100 % on a
    0-1 scale, 1 % on a 0-100 scale); for a job that is not done it is read as a
    fraction too, and callers keep progress monotonic, so at worst a bar shows
    "almost done" early, never jumps backwards. NaN, infinity, negative or
    non-numeric values mean "unknown" (0): the bar waits, the job goes on.
    """
    if status is JobStatus.DONE:
        return 1.0
    number = _lenient(_number, value, "progress")
    if number is None or number < 0:
        return 0.0
    if number > 1.0:
        number /= 100.0
    return min(number, 1.0)


def _lenient(parse: Callable[[Any, str], T | None], value: Any, what: str) -> T | None:
    """An optional field that cannot be read is unknown, not a reason to drop the whole answer."""
    try:
        return parse(value, what)
    except InvalidResponseError as exc:
        log.info("ignoring an unreadable %s: %s", what, exc.detail)
        return None


def _timestamp(value: Any, what: str) -> datetime | None:
    return parse_timestamp(value)


def _flag(value: Any) -> bool:
    """A boolean field, whatever its spelling ("false" and "0" are false); unreadable is false."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return value is True or (isinstance(value, (int, float)) and value == 1)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


# ----------------------------------------------------------------------------- job


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    status: JobStatus
    progress: float = 0.0  # always 0..1
    video_output: str | None = None
    preview: str | None = None
    failed_reason: str | None = None
    credits_used: Decimal | None = None  # exact: may be fractional
    duration: float | None = None
    name: str | None = None
    image: str | None = None
    audio: str | None = None
    text_prompt: str | None = None
    prompt_guidance_scale: float | None = None
    model_version: str | None = None
    webhook_url: str | None = None
    editor_url: str | None = None
    is_hidden: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    raw_status: str = ""

    @classmethod
    def from_api(cls, data: Any) -> Job:
        job_id = parse_job_id(data, "job")
        status = JobStatus.parse(data.get("status"))
        return cls(
            id=job_id,
            status=status,
            raw_status=str(data.get("status")),
            progress=normalize_progress(data.get("progress"), status),
            video_output=_text(data.get("video_output")) or None,
            preview=_text(data.get("preview")) or None,
            failed_reason=(_text(data.get("failed_reason")) or "").strip() or None,
            credits_used=_lenient(parse_credits, data.get("credits_used"), "credits_used"),
            duration=_lenient(_number, data.get("duration"), "duration"),
            name=_text(data.get("name")),
            image=_text(data.get("image")),
            audio=_text(data.get("audio")),
            text_prompt=_text(data.get("text_prompt")),
            prompt_guidance_scale=_lenient(_number, data.get("prompt_guidance_scale"), "prompt_guidance_scale"),
            model_version=_text(data.get("model_version")),
            webhook_url=_text(data.get("webhook_url")),
            editor_url=_text(data.get("editor_url")),
            is_hidden=_flag(data.get("is_hidden")),
            created_at=_lenient(_timestamp, data.get("created_at"), "created_at"),
            updated_at=_lenient(_timestamp, data.get("updated_at"), "updated_at"),
        )

    @property
    def is_terminal(self) -> bool:
        return self.status.is_terminal


def parse_list(data: Any, parse: Callable[[Any], T], what: str) -> list[T]:
    """A list answer: a bare array, or a DRF paginated object; one odd item is skipped, never
    a reason to drop the others."""
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]
    if not isinstance(data, list):
        raise InvalidResponseError(detail=f"expected a list of {what}, got: {excerpt(repr(data))}")
    items = []
    for item in data:
        try:
            items.append(parse(item))
        except InvalidResponseError as exc:
            log.warning("skipping an unreadable item of a list of %s: %s", what, exc.detail)
    return items


def parse_job_list(data: Any) -> list[Job]:
    return parse_list(data, Job.from_api, "jobs")


# ----------------------------------------------------------------------------- request

NAME_MAX = 255
WEBHOOK_MAX = 200
GUIDANCE_MIN, GUIDANCE_MAX = 0.0, 10.0
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp")
AUDIO_EXTENSIONS = (".mp3", ".wav")


def _check_url(value: str, what: str, max_len: int | None = None) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"The {what} must be a web link (http or https), not {value[:80]!r}.")
    if max_len is not None and len(value) > max_len:
        raise ValueError(f"The {what} is longer than {max_len} characters.")


def parse_job_id(data: Any, what: str) -> str:
    """The id of a job object (an Aurora or a speech job), in canonical UUID form when it is one."""
    if not isinstance(data, dict):
        raise InvalidResponseError(detail=f"expected a {what} object, got: {excerpt(repr(data))}")
    raw_id = data.get("id")
    if not raw_id:
        raise InvalidResponseError(detail=f"{what} without an id: {excerpt(repr(data))}")
    try:
        return str(uuid.UUID(str(raw_id)))
    except ValueError:
        return str(raw_id)  # not a UUID after all: keep it, it is only an identifier


@dataclass(frozen=True, slots=True)
class CreateRequest:
    image: str
    audio: str
    name: str | None = None
    text_prompt: str | None = None
    prompt_guidance_scale: float | None = None
    model_version: str = DEFAULT_MODEL
    webhook_url: str | None = None
    #: aurora_v2 only. The field name Creatify uses is unconfirmed; sent as "resolution".
    resolution: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_url(self.image, "image link")
        _check_url(self.audio, "audio link")
        if self.name is not None and len(self.name) > NAME_MAX:
            raise ValueError(f"The name is longer than {NAME_MAX} characters.")
        if self.webhook_url is not None:
            _check_url(self.webhook_url, "webhook link", WEBHOOK_MAX)
        g = self.prompt_guidance_scale
        if g is not None and not (GUIDANCE_MIN <= g <= GUIDANCE_MAX):
            raise ValueError(f"Prompt guidance must be between {GUIDANCE_MIN:g} and {GUIDANCE_MAX:g}.")

    def to_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {"image": self.image, "audio": self.audio, "model_version": self.model_version}
        for key in ("name", "text_prompt", "prompt_guidance_scale", "webhook_url", "resolution"):
            value = getattr(self, key)
            if value not in (None, ""):
                body[key] = value
        body.update(self.extra)
        return body
