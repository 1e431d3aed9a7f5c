"""jobs/retry.py: whether a stopped job is retried as it was or on a longer model (no Qt)."""

from __future__ import annotations

from decimal import Decimal

from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State
from aurora_desktop.jobs.retry import retry_plan


def _job(**changes: object) -> LocalJob:
    job = LocalJob(
        id="job-1",
        token="tok",
        name="Spring sale",
        model="aurora_v2_2k",  # takes at most 14.375 s of voice
        image=InputFile(InputKind.IMAGE, "/photos/p.png"),
        audio=InputFile(InputKind.AUDIO, "https://speech.example.com/voice.mp3"),
        state=State.FAILED,
        audio_seconds=18.0,
        script="Hello there",
        voice_id="v1",
        speech_id="speech-1",
    )
    return job.with_changes(**changes)


def test_a_made_voice_too_long_for_its_model_is_offered_the_models_that_take_it() -> None:
    plan = retry_plan(_job())
    assert plan.longer_model and plan.seconds == 18.0
    keys = [offer.model.key for offer in plan.offers]
    assert keys == ["aurora_v1", "aurora_v1_fast", "aurora_v2_480p", "aurora_v2_720p", "aurora_v2_1080p"]
    assert plan.offers[0].credits == Decimal("18") and plan.offers[1].credits == Decimal("9")


def test_other_jobs_are_retried_as_they_were() -> None:
    assert not retry_plan(_job(audio_seconds=10.0)).longer_model  # the voice fits
    assert not retry_plan(_job(remote_id="r-1")).longer_model  # the video step was reached
    assert not retry_plan(_job(speech_id=None, script=None)).longer_model  # no speech made: a clip
    assert not retry_plan(_job(audio_seconds=None)).longer_model


def test_a_voice_no_model_takes_has_no_offer() -> None:
    plan = retry_plan(_job(audio_seconds=400.0))
    assert plan.longer_model and plan.offers == ()


def _clip_job(model: str, seconds: float) -> LocalJob:
    return _job(model=model, audio_seconds=seconds, script=None, voice_id=None, speech_id=None, remote_id="r-1")


def test_too_few_credits_is_known_before_any_request_with_the_model_that_fits() -> None:
    plan = retry_plan(_clip_job("aurora_v1", 5.0), remaining=Decimal(3))
    assert plan.too_few_credits and plan.cost == 5
    assert plan.cheaper is not None and plan.cheaper.model.key == "aurora_v1_fast" and plan.cheaper.credits == 2.5
    assert plan.shortfall(_clip_job("aurora_v1", 5.0)).endswith("Aurora v1 Fast would cost 2.5: switch?")
    # The same family first, then the dearest that fits: v2 1080p falls back to v2 720p.
    assert retry_plan(_clip_job("aurora_v2_1080p", 10.0), remaining=Decimal(8)).cheaper.model.key == "aurora_v2_720p"
    # Enough, or not known: retried as it was, nothing asked.
    assert not retry_plan(_clip_job("aurora_v1", 5.0), remaining=Decimal(5)).too_few_credits
    assert not retry_plan(_clip_job("aurora_v1", 5.0)).too_few_credits


def test_when_no_model_fits_the_credits_it_says_to_add_some() -> None:
    plan = retry_plan(_clip_job("aurora_v1", 5.0), remaining=Decimal(1))
    assert plan.too_few_credits and plan.cheaper is None
    assert "Add credits at Creatify" in plan.shortfall(_clip_job("aurora_v1", 5.0))


def test_a_voice_still_to_be_made_counts_in_what_a_retry_costs() -> None:
    job = _job(model="aurora_v1", audio_seconds=10.0, speech_id=None, audio=InputFile(InputKind.AUDIO, ""))
    plan = retry_plan(job, remaining=Decimal(10))
    assert plan.cost == 11 and plan.too_few_credits  # 1 for the voice, 10 for the video
