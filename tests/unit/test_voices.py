"""Finding, filtering and caching voices; the pace learnt from a user's own scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from aurora_desktop.api.speech import WORDS_PER_MINUTE, Accent, Voice
from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob
from aurora_desktop.voices import VoiceCache, VoiceNotFound, choices, find, learned_pace

VOICES = [
    Voice("Ava", "female", (Accent("a-us", "American", "http://p/a-us.wav"), Accent("a-gb", "British", None))),
    Voice("Leo", "male", (Accent("l-in", "Indian", None),)),
]


def test_find_by_id_name_and_accent_or_name_alone() -> None:
    available = choices(VOICES)
    assert [c.id for c in available] == ["a-us", "a-gb", "l-in"]
    assert find(available, "l-in").voice == "Leo"
    assert find(available, "ava  british").id == "a-gb"
    assert find(available, "Ava").id == "a-us"  # a name alone: its first accent
    assert find(available, "indian").id == "l-in"  # one voice matches the words
    with pytest.raises(VoiceNotFound, match=r"No voice is called 'Aria'\. Did you mean “Ava American”"):
        find(available, "Aria")


def test_filters_and_labels() -> None:
    available = choices(VOICES)
    assert [c.id for c in available if c.matches(gender="female")] == ["a-us", "a-gb"]
    assert [c.id for c in available if c.matches("brit")] == ["a-gb"]
    assert [c.id for c in available if c.matches(accent="Indian", gender="male")] == ["l-in"]
    assert available[0].label == "Ava — American, female"


def test_cache_round_trip_and_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    cache = VoiceCache(tmp_path, "https://api.creatify.ai")
    assert cache.load() is None
    cache.save(choices(VOICES))
    loaded, _when = cache.load()
    assert loaded == choices(VOICES)
    cache.path.write_text("{not json")
    assert cache.load() is None


def _script_job(voice: str, words: int, seconds: float, made: bool = True) -> LocalJob:
    return LocalJob(
        id=f"{voice}{words}",
        token="ad-0000000000",
        name="x",
        model="aurora_v1",
        image=InputFile(InputKind.IMAGE, "/a.png"),
        audio=InputFile(InputKind.AUDIO, "http://s/a.wav", url="http://s/a.wav" if made else None),
        script=" ".join(["w"] * words),
        voice_id=voice,
        speech_id="s" if made else None,
        audio_seconds=seconds,
    )


def test_pace_is_learnt_from_finished_scripts_of_that_voice_first() -> None:
    jobs = [_script_job("fast", 60, 20.0), _script_job("slow", 30, 20.0), _script_job("fast", 90, 30.0)]
    assert learned_pace(jobs, "fast") == pytest.approx(180.0)
    assert learned_pace(jobs, "slow") == pytest.approx(90.0)
    assert learned_pace(jobs, "other") == pytest.approx(180.0)  # the median of all
    assert learned_pace([_script_job("x", 60, 20.0, made=False)], "x") == WORDS_PER_MINUTE
    assert learned_pace([]) == WORDS_PER_MINUTE
