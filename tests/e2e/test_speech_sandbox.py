"""Issue 11 groundwork: voices and text-to-speech through the client against the sandbox (real HTTP)."""

from __future__ import annotations

import asyncio
import io
import math
import wave

import httpx
import pytest

from aurora_desktop.api import AuthError, ValidationError
from aurora_desktop.api.models import JobStatus
from aurora_desktop.api.speech import SpeechRequest, speech_credits
from tests.fixtures.loops import run

pytestmark = pytest.mark.e2e

SCRIPT = "Hello, and welcome to our spring sale. Everything in the shop is twenty percent off this week only."


def test_voices_then_a_script_becomes_speech_of_the_right_length_billed_once(make_sandbox) -> None:
    sb = make_sandbox("--job-seconds", "1")

    async def scenario():
        async with sb.client() as client:
            voices = await client.voices()
            accent = voices[0].accents[0]
            before = await client.remaining_credits()
            job = await client.create_speech(SpeechRequest(SCRIPT, accent.id))
            while not job.status.is_terminal:
                await asyncio.sleep(0.2)
                job = await client.get_speech(job.id)
            return voices, accent, before, job, await client.remaining_credits()

    voices, accent, before, job, after = run(scenario())
    assert len(voices) >= 4 and {v.gender for v in voices} == {"female", "male"}
    preview = httpx.get(accent.preview_url)
    assert preview.status_code == 200 and preview.content[:4] == b"RIFF"
    assert job.status is JobStatus.DONE and job.output and job.script == SCRIPT and job.accent == accent.id
    audio = httpx.get(job.output).content
    with wave.open(io.BytesIO(audio)) as w:
        seconds = w.getnframes() / w.getframerate()
    words = len(SCRIPT.split())
    assert seconds == pytest.approx(words * 0.4, abs=0.05)  # 150 words a minute
    assert job.duration == math.ceil(seconds)  # an integer, as documented: whole seconds, rounded up
    assert before - after == float(speech_credits(seconds)) == job.credits_used


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"script": "   "}, "script", "may not be blank"),
        ({"script": "x" * 8001}, "script", "no more than 8000"),
        ({"script": "Hi", "accent": "00000000-0000-0000-0000-000000000000"}, "accent", "does not exist"),
    ],
)
def test_bad_requests_are_answered_like_the_service(make_sandbox, body, field, words) -> None:
    sb = make_sandbox()

    async def scenario():
        async with sb.client() as client:
            accent = (await client.voices())[0].accents[0].id
            request = SpeechRequest(body["script"], body.get("accent", accent))
            return await client.create_speech(request)

    with pytest.raises(ValidationError) as info:
        run(scenario())
    assert words in str(info.value.field_errors.get(field))
    assert sb.stats()["remaining_credits"] == 1000  # nothing charged


def test_the_documented_list_of_speech_jobs_with_ids_and_ordering_and_keys_checked(make_sandbox) -> None:
    """Issue 20 item 16: `GET /api/text_to_speech/` answers a bare array, takes `ids` (at most 100) and `ordering`."""
    sb = make_sandbox()

    async def scenario():
        async with sb.client() as client:
            accent = (await client.voices())[0].accents[0].id
            made = [await client.create_speech(SpeechRequest(f"Take {n}.", accent)) for n in range(3)]
            newest_first = await client.list_speech(ordering="-created_at")
            oldest_first = await client.list_speech(ordering="created_at")
            two = await client.list_speech(ids=[made[0].id, made[2].id])
            return made, newest_first, oldest_first, two

    made, newest_first, oldest_first, two = run(scenario())
    assert [s.id for s in newest_first] == [m.id for m in reversed(made)]
    assert [s.id for s in oldest_first] == [m.id for m in made]
    assert {s.id for s in two} == {made[0].id, made[2].id}
    assert all(s.created_at is not None and s.script.startswith("Take") for s in newest_first)
    raw = httpx.get(f"{sb.url}/api/text_to_speech/", headers=sb.headers, params={"ordering": "-created_at"})
    assert raw.status_code == 200 and isinstance(raw.json(), list) and "name" not in raw.json()[0]
    too_many = ",".join(made[0].id for _ in range(101))
    refused = httpx.get(f"{sb.url}/api/text_to_speech/", headers=sb.headers, params={"ids": too_many})
    assert refused.status_code == 400 and "ids" in refused.json()

    async def wrong_keys():
        from aurora_desktop.api import AuroraClient, Credentials

        async with AuroraClient(Credentials("someone", "wrong"), sb.url) as client:
            return await client.voices()

    with pytest.raises(AuthError):
        run(wrong_keys())


def test_the_voices_command(make_sandbox, tmp_path) -> None:
    """`aurora-desktop voices`: a table, or JSON, filtered by --search; keys from the environment."""
    import json
    import subprocess
    import sys

    from tests.fixtures.cli import cli_env

    sb = make_sandbox()
    base = [sys.executable, "-m", "aurora_desktop", "voices", "--profile", str(tmp_path / "p"), "--api-base", sb.url]
    listed = subprocess.run([*base, "--json", "--search", "british"], env=cli_env(sb), capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert {r["voice"] for r in rows} == {"Ava", "Leo"} and all(r["accent"] == "British" for r in rows)
    table = subprocess.run(base, env=cli_env(sb), capture_output=True, text=True)
    assert table.returncode == 0 and table.stdout.count("\n") >= 6 and rows[0]["id"] in table.stdout
    no_keys = subprocess.run(base, env=cli_env(), capture_output=True, text=True)
    assert no_keys.returncode == 3 and ("API keys" in no_keys.stderr or "password store" in no_keys.stderr)
