"""The voices a script can be spoken in, as the window and the command line use them (Qt-free).

Creatify lists voices with their accents; each accent is one voice to choose
(its id is what text-to-speech asks for). This module flattens that list, finds
a voice by name or id, filters it, keeps it cached on disk between sessions
(the list rarely changes; Refresh asks again), and learns how fast this user's
voices speak from their own finished scripts, for the length and price estimate.
"""

from __future__ import annotations

import json
import logging
import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from aurora_desktop.api.speech import WORDS_PER_MINUTE, Voice
from aurora_desktop.fileio import JsonUnreadable, read_json, write_atomic
from aurora_desktop.jobs.model import LocalJob, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class VoiceChoice:
    id: str  # the accent id: what is sent
    voice: str
    gender: str
    accent: str
    preview_url: str | None = None

    @property
    def label(self) -> str:
        """ "Aria — British English (female)": what a person picks from."""
        detail = ", ".join(part for part in (self.accent, self.gender) if part)
        return f"{self.voice} — {detail}" if detail else self.voice

    @property
    def spoken_name(self) -> str:
        """ "Ava (British English, female)": how the library and the sidecar name the voice."""
        detail = ", ".join(part for part in (self.accent, self.gender) if part)
        return f"{self.voice} ({detail})" if detail else self.voice

    def matches(self, search: str = "", gender: str = "", accent: str = "") -> bool:
        text = f"{self.voice} {self.gender} {self.accent}".lower()
        return (
            all(word in text for word in search.lower().split())
            and (not gender or self.gender.lower() == gender.lower())
            and (not accent or self.accent.lower() == accent.lower())
        )


def choices(voices: Iterable[Voice]) -> list[VoiceChoice]:
    return [
        VoiceChoice(accent.id, voice.name, voice.gender, accent.name, accent.preview_url)
        for voice in voices
        for accent in voice.accents
    ]


class VoiceNotFound(LookupError):
    def __init__(self, wanted: str, suggestions: list[VoiceChoice]) -> None:
        hint = (
            "Did you mean " + " or ".join(f"“{c.voice} {c.accent}”" for c in suggestions[:3]) + "?"
            if suggestions
            else "Run `aurora-desktop voices` to see them."
        )
        super().__init__(f"No voice is called {wanted!r}. {hint}")
        self.user_message = str(self)


def find(available: list[VoiceChoice], wanted: str) -> VoiceChoice:
    """A voice by its id, by "name accent" ("Aria British"), or by name alone (its first accent)."""
    text = " ".join(wanted.lower().split())
    for choice in available:
        if choice.id.lower() == text:
            return choice
    exact = [c for c in available if text in (f"{c.voice} {c.accent}".lower(), c.label.lower())]
    if exact:
        return exact[0]
    by_name = [c for c in available if c.voice.lower() == text]
    if by_name:
        return by_name[0]
    words = [c for c in available if c.matches(text)]
    if len(words) == 1:
        return words[0]
    raise VoiceNotFound(wanted, words or [c for c in available if c.voice.lower().startswith(text[:1])])


def accents(available: list[VoiceChoice]) -> list[str]:
    return sorted({c.accent for c in available if c.accent})


def genders(available: list[VoiceChoice]) -> list[str]:
    return sorted({c.gender for c in available if c.gender})


CACHE_LIMIT = 20_000_000  # bytes: thousands of voices take a few hundred kB


class VoiceCache:
    """The last list of voices fetched for one service, kept as JSON in the cache folder."""

    def __init__(self, folder: Path, service: str) -> None:
        safe = "".join(ch if ch.isalnum() else "_" for ch in service)[-80:]
        self.path = folder / f"voices-{safe}.json"

    def load(self) -> tuple[list[VoiceChoice], datetime] | None:
        try:
            raw = read_json(self.path, CACHE_LIMIT)
            return [VoiceChoice(**item) for item in raw["voices"]], datetime.fromisoformat(raw["fetched_at"])
        except JsonUnreadable as exc:
            if not exc.missing:
                log.warning("voice cache %s unreadable: %s", self.path, exc)
            return None
        except (ValueError, KeyError, TypeError) as exc:  # a damaged cache is fetched again
            log.warning("voice cache %s unreadable: %s", self.path, exc)
            return None

    def save(self, available: list[VoiceChoice]) -> None:
        data = {"fetched_at": utcnow().isoformat(), "voices": [asdict(c) for c in available]}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps(data, indent=1).encode("utf-8"))


def learned_pace(jobs: Iterable[LocalJob], voice_id: str | None = None) -> float:
    """Words per minute, learnt from this user's finished scripts (the chosen voice's first,
    then any voice's); the usual pace before there are any."""
    paces: dict[str, list[float]] = {}
    for job in jobs:
        if job.script and job.speech_made and job.audio_seconds and job.audio_seconds > 1:
            words = len(job.script.split())
            paces.setdefault(job.voice_id or "", []).append(words * 60.0 / job.audio_seconds)
    if voice_id and paces.get(voice_id):
        return statistics.median(paces[voice_id])
    everything = [pace for values in paces.values() for pace in values]
    return statistics.median(everything) if everything else WORDS_PER_MINUTE
