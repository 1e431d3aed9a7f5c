"""Issue 11 groundwork: the voices and text-to-speech answers, parsed tolerantly; the speech price."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aurora_desktop.api.errors import InvalidResponseError
from aurora_desktop.api.models import JobStatus
from aurora_desktop.api.speech import (
    SpeechJob,
    SpeechRequest,
    estimate_seconds,
    parse_speech_list,
    parse_voices,
    speech_credits,
)

VOICES = [
    {
        "name": "Ava",
        "gender": "female",
        "accents": [
            {"id": "3f2b2c1e-1111-4c1a-9a53-8d4a2f5b0001", "accent_name": "American", "preview_url": "https://x/a.mp3"},
            {"id": "3f2b2c1e-1111-4c1a-9a53-8d4a2f5b0002", "accent_name": "British", "preview_url": None},
        ],
    },
    {"name": "Broken", "gender": "male", "accents": "not a list"},
    "garbage",
    {"name": "Noah", "accents": [{"id": "3f2b2c1e-1111-4c1a-9a53-8d4a2f5b0003"}]},
]


def test_voices_from_a_bare_list_or_a_page() -> None:
    for data in (VOICES, {"count": 4, "next": None, "previous": None, "results": VOICES}):
        voices = parse_voices(data)
        assert [v.name for v in voices] == ["Ava", "Noah"]  # odd items skipped, not fatal
        assert voices[0].accents[0].name == "American" and voices[0].accents[1].preview_url is None
        assert voices[1].gender == "" and voices[1].accents[0].name == ""
    with pytest.raises(InvalidResponseError):
        parse_voices({"detail": "nope"})


def test_a_speech_job_with_unknowns() -> None:
    job = SpeechJob.from_api(
        {"id": "5b6c", "status": "Running", "output": "", "duration": "12.5", "credits_used": "NaN", "name": "x"}
    )
    assert job.status is JobStatus.RUNNING and job.output is None and job.duration == 12.5
    assert job.credits_used is None  # unreadable: unknown, not fatal
    assert SpeechJob.from_api({"id": "a", "status": "transcoding"}).status is JobStatus.UNKNOWN
    with pytest.raises(InvalidResponseError):
        SpeechJob.from_api({"status": "done"})
    assert [j.id for j in parse_speech_list({"results": [{"id": "a", "status": "done"}, {"nope": 1}]})] == ["a"]


def test_request_body_and_price() -> None:
    assert SpeechRequest("Hi there", "acc-1").to_api() == {"script": "Hi there", "accent": "acc-1"}
    with_hook = SpeechRequest("Hi", "acc", webhook_url="https://example.com/hook").to_api()
    assert with_hook == {"script": "Hi", "accent": "acc", "webhook_url": "https://example.com/hook"}  # no `name`
    assert speech_credits(1) == Decimal(1) and speech_credits(30) == Decimal(1) and speech_credits(30.2) == Decimal(2)
    assert estimate_seconds("one two three four five " * 30) == pytest.approx(60.0)
    assert estimate_seconds("   ") == 0.0


@pytest.mark.parametrize(
    ("output", "duration"),
    [
        ("file:///etc/passwd", 12.0),  # not a link Creatify could be given
        ("javascript:alert(1)", 12.0),
        ("https://cdn.example.com/s.mp3", -5),  # a negative length
        ("https://cdn.example.com/s.mp3", 1e308),  # printed as a 300-digit number
        ("https://cdn.example.com/s.mp3", "1e400"),  # infinite
    ],
)
def test_an_impossible_speech_output_or_length_is_unknown(output: str, duration: object) -> None:
    """Issue 20.14: a file:// output was used as the audio; -5 or 1e308 seconds reached the messages."""
    speech = SpeechJob.from_api({"id": "s1", "status": "done", "output": output, "duration": duration})
    if output.startswith("https://"):
        assert speech.output == output and speech.duration is None
    else:
        assert speech.output is None and speech.duration == 12.0


def test_a_voice_preview_that_is_not_a_web_link_is_dropped() -> None:
    """The window plays previews from their link: a file:// one would read a local file."""
    voices = parse_voices(
        [
            {"name": "Ann", "accents": [{"id": "a1", "accent_name": "British", "preview_url": "file:///etc/passwd"}]},
            {"name": "Bo", "accents": [{"id": "b1", "accent_name": "US", "preview_url": "https://cdn.example/b.mp3"}]},
        ]
    )
    assert [v.accents[0].preview_url for v in voices] == [None, "https://cdn.example/b.mp3"]
