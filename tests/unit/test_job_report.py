"""The details of a job's problem: what helps, and never a pre-signed link's signature."""

from __future__ import annotations

from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State
from aurora_desktop.jobs.report import job_report


def test_the_report_names_the_job_its_answers_and_last_steps_without_secrets() -> None:
    job = LocalJob(
        id="job-1",
        token="tok",
        name="Spring sale",
        model="aurora_v1",
        image=InputFile(InputKind.IMAGE, "https://bucket.example.com/p.png?X-Amz-Signature=secret123"),
        audio=InputFile(InputKind.AUDIO, "/home/ana/Voice Memo 12.m4a"),
        state=State.FAILED,
        remote_id="r-9",
        remote_status="failed",
        error_code="remote",
        error_message="Creatify could not make this video.",
        error_detail="failed_reason: face not found",
        api_base="https://api.creatify.ai",
    )
    events = [{"at": "2026-11-29T10:00:00+00:00", "kind": "created"}] + [
        {"at": "2026-11-29T10:00:01+00:00", "kind": "remote-status", "status": f"s{i}"} for i in range(20)
    ]
    text = job_report(job, events)
    assert "Video: Spring sale" in text and "Job: job-1, state failed, problem: remote" in text
    assert "Creatify: job r-9, status failed, at https://api.creatify.ai" in text
    assert "Photo: https://bucket.example.com/p.png; voice: Voice Memo 12.m4a" in text
    assert "secret123" not in text and "/home/ana" not in text
    assert text.count("remote-status") == 12 and "created" not in text.split("Last steps:")[1]  # the last 12
    assert text.endswith("Detail: failed_reason: face not found")


def test_a_script_video_costs_its_voice_and_its_video_everywhere() -> None:
    """Issue 23 item 13: the row said the video's 10 credits while 11 were spent (1 for the voice)."""
    from decimal import Decimal

    job = LocalJob(
        id="job-2",
        token="tok",
        name="Bakery",
        model="aurora_v1",
        image=InputFile(InputKind.IMAGE, "/p.png"),
        audio=InputFile(InputKind.AUDIO, "https://speech.example.com/v.wav"),
        state=State.SAVED,
        script="Hello",
        speech_id="s-1",
        speech_credits=Decimal(1),
        credits_used=Decimal(10),
        cost_estimate=Decimal(11),
    )
    assert job.credits_total == 11 and job.to_summary()["credits_total"] == 11
    assert "credits 11" in job_report(job, [])
    assert job.with_changes(credits_used=None).credits_total == 11  # before the charge: the estimate, both
    clip = job.with_changes(script=None, speech_id=None, speech_credits=None)
    assert clip.credits_total == 10
