"""The sandbox's voices and text-to-speech: the documented contract, speech-like audio.

`GET /api/voices/` lists a handful of voices, each accent with a playable
preview; `POST /api/text_to_speech/` makes a job that goes pending -> running
-> done and whose `output` is a WAV as long as the script takes to say (150
words a minute). The audio is clearly synthetic (a voiced buzz per word with
pauses between), not speech, but its length, loudness pattern and format are
what the app meets. Billing at the documented 1 credit per 30 s, rounded up.
The shapes are the documented ones: the request has no `name` (none is kept or
echoed) and an optional `accent` (a default voice speaks when it is missing or
null); the answer carries id, script, accent, webhook_url, output, media_job,
is_hidden, status, failed_reason, created_at, updated_at, credits_used and an
integer `duration` (whole seconds, rounded up: the least forgiving reading for a
length check); `GET /api/text_to_speech/` lists jobs as a bare array with `ids`
(at most 100) and `ordering`; a job is never "rejected" (pending, running, done or
failed); a `webhook_url` is sent `{id, status, failed_reason, video_output}` when
the job finishes, as documented for text-to-speech.
"""

from __future__ import annotations

import asyncio
import math
import struct
import uuid
import wave
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from aurora_desktop.api.models import WEBHOOK_MAX
from aurora_desktop.api.speech import SCRIPT_MAX_LONGER, estimate_seconds, speech_credits
from aurora_desktop.formatting import credits_number
from aurora_desktop.sandbox.service import is_url

RATE = 16000
_NAMESPACE = uuid.UUID("6a1d1c2e-8f7b-4d8e-9a55-0b5c2f1e7a10")

# (voice, gender, [(accent, pitch in Hz)])
_VOICES = [
    ("Ava", "female", [("American", 210.0), ("British", 220.0)]),
    ("Noah", "male", [("American", 115.0)]),
    ("Mia", "female", [("Australian", 230.0)]),
    ("Leo", "male", [("British", 105.0), ("Indian", 125.0)]),
]


def accent_id(voice: str, accent: str) -> str:
    """Stable ids, so a voice chosen yesterday is still there after a restart."""
    return str(uuid.uuid5(_NAMESPACE, f"{voice}/{accent}"))


PITCH = {accent_id(v, a): pitch for v, _g, accents in _VOICES for a, pitch in accents}
DEFAULT_ACCENT = accent_id("Ava", "American")  # who speaks when no accent is given (it is optional)
Notify = Callable[[str, dict[str, Any], str], Awaitable[None]]  # (webhook URL, payload, job id)


def voices(base_url: str) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "gender": gender,
            "accents": [
                {
                    "id": accent_id(name, accent),
                    "accent_name": accent,
                    "preview_url": f"{base_url}/sandbox/voices/{accent_id(name, accent)}.wav",
                }
                for accent, _pitch in accents
            ],
        }
        for name, gender, accents in _VOICES
    ]


def speech_wav(path: Path, words: int, pitch: float) -> float:
    """A voiced buzz per word (0.3 s) and a pause (0.1 s): 150 words a minute. Returns seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    word, gap = int(0.3 * RATE), int(0.1 * RATE)
    frames = bytearray()
    for w in range(max(1, words)):
        f0 = pitch * (1.0 + 0.08 * math.sin(w * 1.7))  # intonation: the pitch moves from word to word
        for n in range(word):
            envelope = math.sin(math.pi * n / word)
            t = n / RATE
            sample = 0.55 * math.sin(2 * math.pi * f0 * t) + 0.25 * math.sin(4 * math.pi * f0 * t)
            frames += struct.pack("<h", int(9000 * envelope * sample))
        frames += b"\x00\x00" * gap
    tmp = path.with_suffix(".part")
    with wave.open(str(tmp), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    tmp.replace(path)
    return len(frames) / 2 / RATE


def validate(body: Any, script_max: int = SCRIPT_MAX_LONGER) -> dict[str, list[str]]:
    """DRF-style field errors for a text-to-speech request, as the real service would answer."""
    if not isinstance(body, dict):
        return {"non_field_errors": ["Invalid data. Expected a dictionary."]}
    errors: dict[str, list[str]] = {}
    script = body.get("script")
    if not isinstance(script, str) or not script.strip():
        errors["script"] = ["This field may not be blank."]
    elif len(script) > script_max:
        errors["script"] = [f"Ensure this field has no more than {script_max} characters."]
    accent = body.get("accent")
    if accent not in (None, "") and (not isinstance(accent, str) or accent not in PITCH):
        errors["accent"] = [f'Invalid pk "{accent}" - object does not exist.']  # optional, but a real one
    webhook = body.get("webhook_url")
    if webhook not in (None, ""):
        if not is_url(webhook):
            errors["webhook_url"] = ["Enter a valid URL."]
        elif len(webhook) > WEBHOOK_MAX:
            errors["webhook_url"] = [f"Ensure this field has no more than {WEBHOOK_MAX} characters."]
    return errors


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


@dataclass
class SpeechJob:
    id: str
    script: str
    accent: str
    status: str = "pending"
    webhook_url: str | None = None
    output: str | None = None
    duration: int | None = None  # whole seconds, as documented
    credits_used: Decimal = Decimal(0)
    failed_reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=_now)
    updated_at: datetime = field(default_factory=_now)

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "script": self.script,
            "accent": self.accent,
            "webhook_url": self.webhook_url,
            "media_job": None,
            "is_hidden": False,
            "status": self.status,
            "output": self.output,
            "duration": self.duration,
            "credits_used": credits_number(self.credits_used),
            "failed_reason": self.failed_reason,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
        }


class SpeechService:
    """Speech jobs of one sandbox; `charge` and `refund` reach its shared balance."""

    def __init__(self, folder: Path, job_seconds: float, notify: Notify | None = None) -> None:
        self.folder = folder
        self.job_seconds = job_seconds
        self.notify = notify
        self.jobs: dict[str, SpeechJob] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def create(self, body: dict[str, Any], base_url: str, credits: Decimal) -> tuple[SpeechJob, Decimal]:
        """The new job and what it costs now (the caller takes it from the balance)."""
        script = body["script"]
        cost = speech_credits(estimate_seconds(script) or 1.0)
        accent = body.get("accent") or DEFAULT_ACCENT
        job = SpeechJob(
            str(uuid.uuid4()), script, accent, webhook_url=body.get("webhook_url") or None, credits_used=cost
        )
        self.jobs[job.id] = job
        task = asyncio.get_running_loop().create_task(self._run(job, base_url))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job, cost

    async def _run(self, job: SpeechJob, base_url: str) -> None:
        await asyncio.sleep(self.job_seconds * 0.2)
        job.status, job.updated_at = "running", _now()
        path = self.folder / f"{job.id}.wav"
        seconds = await asyncio.to_thread(speech_wav, path, len(job.script.split()), PITCH[job.accent])
        await asyncio.sleep(self.job_seconds * 0.8)
        job.duration = math.ceil(round(seconds, 6))
        job.output = f"{base_url}/sandbox/speech/{job.id}.wav"
        job.status, job.updated_at = "done", _now()
        if job.webhook_url and self.notify is not None:
            payload = {
                "id": job.id,
                "status": job.status,
                "failed_reason": job.failed_reason,
                "video_output": job.output,
            }
            await self.notify(job.webhook_url, {**payload, "video_output": job.output}, job.id)

    def list(self, ids: list[str] | None, ordering: str | None) -> list[SpeechJob]:
        """The documented list: all jobs or those of `ids`, sorted by `ordering` (`-` descending)."""
        jobs = list(self.jobs.values()) if ids is None else [self.jobs[i] for i in ids if i in self.jobs]
        key = (ordering or "").lstrip("-")
        if key in ("created_at", "updated_at", "status", "id", "duration"):
            jobs.sort(key=lambda j: str(getattr(j, key) or ""), reverse=(ordering or "").startswith("-"))
        return jobs

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def preview(self, accent: str) -> Path | None:
        """A short greeting in the accent's voice (made once)."""
        if accent not in PITCH:
            return None
        path = self.folder / "previews" / f"{accent}.wav"
        if not path.exists():
            speech_wav(path, 5, PITCH[accent])
        return path
