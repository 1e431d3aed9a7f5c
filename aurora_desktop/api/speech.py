"""Creatify's voices and text-to-speech, typed and parsed tolerantly (Qt-free).

A script becomes speech at Creatify (`POST /api/text_to_speech/`); its output is
already a Creatify link, so a script needs no hosting. Parsing follows the
Aurora models' rules (api/models.py): unknown statuses mean "still working",
an unreadable optional field is unknown, one odd item of a list is skipped.
The endpoints themselves are methods of `AuroraClient` (one HTTP client, one
error hierarchy, one retry policy).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from aurora_desktop.api.errors import InvalidResponseError, excerpt
from aurora_desktop.api.models import (
    JobStatus,
    _lenient,
    _number,
    _text,
    _timestamp,
    parse_credits,
    parse_job_id,
    parse_list,
)
from aurora_desktop.formatting import whole_seconds

log = logging.getLogger(__name__)

# Characters in a script. The stored docs disagree (4,000 in one copy, 8,000 in another): at most
# SCRIPT_MAX is sent until the account has shown it takes longer ones (jobs/limits.py).
SCRIPT_MAX = 4000
SCRIPT_MAX_LONGER = 8000
SECONDS_PER_CREDIT = 30  # "1 credit per 30 s of speech"
WORDS_PER_MINUTE = 150  # a calm speaking pace: the estimate before the first real result


def speech_credits(seconds: float) -> Decimal:
    """What speech of `seconds` costs: 1 credit per started 30 s (the least forgiving reading)."""
    return Decimal(max(1, math.ceil(whole_seconds(seconds) / SECONDS_PER_CREDIT)))


def estimate_seconds(script: str, words_per_minute: float = WORDS_PER_MINUTE) -> float:
    """How long a script takes to say, before it is said."""
    words = len(script.split())
    return words * 60.0 / words_per_minute if words else 0.0


@dataclass(frozen=True, slots=True)
class Accent:
    id: str  # the voice to ask for
    name: str
    preview_url: str | None


@dataclass(frozen=True, slots=True)
class Voice:
    name: str
    gender: str
    accents: tuple[Accent, ...]


def _voice(item: Any) -> Voice:
    if not isinstance(item, dict) or not item.get("name"):
        raise InvalidResponseError(detail=f"a voice without a name: {excerpt(repr(item))}")
    raw_accents = item.get("accents")
    accents = tuple(
        Accent(
            str(raw["id"]),
            _text(raw.get("accent_name")) or "",
            _lenient(_web_link, raw.get("preview_url"), "preview_url"),  # played by the window: never file://
        )
        for raw in (raw_accents if isinstance(raw_accents, list) else [])
        if isinstance(raw, dict) and raw.get("id")
    )
    if not accents:
        raise InvalidResponseError(detail=f"a voice without a usable accent: {excerpt(repr(item))}")
    return Voice(str(item["name"]), _text(item.get("gender")) or "", accents)


def parse_voices(data: Any) -> list[Voice]:
    """`GET /api/voices/` (a bare list) or one page of `/api/voices/paginated/`."""
    return parse_list(data, _voice, "voices")


MAX_SPEECH_SECONDS = 6 * 3600  # far beyond any script's length: more is not a real answer


def _web_link(value: Any, what: str) -> str | None:
    """The speech's link: it becomes the video's audio input, so only http(s) will do (never file://)."""
    link = _text(value) or None
    if link is not None and urlsplit(link).scheme.lower() not in ("http", "https"):
        raise InvalidResponseError(detail=f"{what} is not a web link: {excerpt(link, 200)}")
    return link


def _seconds(value: Any, what: str) -> float | None:
    """A length in seconds that speech can have: more than 0, at most MAX_SPEECH_SECONDS."""
    seconds = _number(value, what)
    if seconds is not None and not 0 < seconds <= MAX_SPEECH_SECONDS:
        raise InvalidResponseError(detail=f"{what} is not a possible length: {excerpt(repr(value), 50)}")
    return seconds


@dataclass(frozen=True, slots=True)
class SpeechRequest:
    """The documented request: script, accent, webhook_url. There is no `name` (so no client
    token rides with it): a lost answer is found by script, accent and time (jobs/steps/speaking.py)."""

    script: str
    accent: str
    webhook_url: str | None = None

    def to_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {"script": self.script, "accent": self.accent}
        if self.webhook_url:
            body["webhook_url"] = self.webhook_url
        return body


@dataclass(frozen=True, slots=True)
class SpeechJob:
    id: str
    status: JobStatus
    output: str | None = None  # the audio's link once done
    duration: float | None = None  # seconds of speech
    credits_used: Decimal | None = None  # exact, as Aurora's
    failed_reason: str | None = None
    script: str | None = None  # the echoes: how a lost answer is recognised
    accent: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_api(cls, data: Any) -> SpeechJob:
        job_id = parse_job_id(data, "speech job")
        return cls(
            id=job_id,
            status=JobStatus.parse(data.get("status")),
            output=_lenient(_web_link, data.get("output"), "output"),
            duration=_lenient(_seconds, data.get("duration"), "duration"),
            credits_used=_lenient(parse_credits, data.get("credits_used"), "credits_used"),
            failed_reason=(_text(data.get("failed_reason")) or "").strip() or None,
            script=_text(data.get("script")),
            accent=_text(data.get("accent")),
            created_at=_lenient(_timestamp, data.get("created_at"), "created_at"),
            updated_at=_lenient(_timestamp, data.get("updated_at"), "updated_at"),
        )


def parse_speech_list(data: Any) -> list[SpeechJob]:
    return parse_list(data, SpeechJob.from_api, "speech jobs")
