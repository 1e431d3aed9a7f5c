"""Parsing tolerance: odd but plausible payloads parse; garbage is a clear error."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from aurora_desktop.api.errors import InvalidResponseError
from aurora_desktop.api.models import CreateRequest, Job, JobStatus, parse_credits, parse_job_list

ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"id": ID, "status": "running", "progress": 0.42}, {"progress": 0.42}),
        ({"id": ID, "status": "running", "progress": 42}, {"progress": 0.42}),
        ({"id": ID, "status": "running", "progress": "42.5"}, {"progress": 0.425}),
        ({"id": ID, "status": "running", "progress": None}, {"progress": 0.0}),
        ({"id": ID, "status": "running"}, {"progress": 0.0}),
        ({"id": ID, "status": "running", "progress": 250}, {"progress": 1.0}),
        ({"id": ID, "status": "done", "progress": 0}, {"progress": 1.0, "is_terminal": True}),
        ({"id": ID, "status": "done", "credits_used": 5.5}, {"credits_used": 5.5}),
        ({"id": ID, "status": "done", "credits_used": 11}, {"credits_used": 11.0}),
        ({"id": ID, "status": "failed", "failed_reason": None}, {"failed_reason": None, "is_terminal": True}),
        ({"id": ID, "status": "failed", "failed_reason": "  "}, {"failed_reason": None}),
        ({"id": ID, "status": "rejected", "failed_reason": "bad face"}, {"failed_reason": "bad face"}),
        (
            {"id": ID, "status": "in_queue", "brand_new_field": {"x": 1}, "media_job": None},
            {"status": JobStatus.IN_QUEUE},
        ),
        ({"id": ID, "status": "RUNNING"}, {"status": JobStatus.RUNNING}),
        ({"id": ID, "status": "warming_up"}, {"status": JobStatus.UNKNOWN, "is_terminal": False}),
        ({"id": ID.upper(), "status": "pending"}, {"id": ID}),
        ({"id": ID, "status": "done", "video_output": "", "preview": None}, {"video_output": None, "preview": None}),
        ({"id": ID, "status": "pending", "name": None, "image": None, "audio": None}, {"name": None}),
    ],
)
def test_tolerant_job_parsing(payload: dict, expected: dict) -> None:
    job = Job.from_api(payload)
    for key, value in expected.items():
        assert getattr(job, key) == value, key


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2026-05-01T10:20:30Z", datetime(2026, 5, 1, 10, 20, 30, tzinfo=UTC)),
        ("2026-05-01T10:20:30.123456Z", datetime(2026, 5, 1, 10, 20, 30, 123456, tzinfo=UTC)),
        ("2026-05-01T10:20:30", datetime(2026, 5, 1, 10, 20, 30, tzinfo=UTC)),
        ("2026-05-01T12:20:30+02:00", datetime(2026, 5, 1, 10, 20, 30, tzinfo=UTC)),
    ],
)
def test_timestamps_with_or_without_fraction_and_zone(stamp: str, expected: datetime) -> None:
    assert Job.from_api({"id": ID, "status": "pending", "created_at": stamp}).created_at == expected


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        "done",
        42,
        {"status": "done"},  # no id
        {"id": ID},  # no status
        {"id": ID, "status": 3},
    ],
)
def test_garbage_is_a_clear_error(payload: object) -> None:
    with pytest.raises(InvalidResponseError) as info:
        Job.from_api(payload)
    assert "does not understand" in info.value.user_message
    assert info.value.detail  # something concrete for "Copy details"


@pytest.mark.parametrize(
    ("field", "value", "read_as"),
    [
        ("progress", "lots", 0.0),
        ("progress", True, 0.0),
        ("progress", float("nan"), 0.0),
        ("progress", float("inf"), 0.0),
        ("progress", -5, 0.0),
        ("progress", 1e308, 1.0),
        ("credits_used", "NaN", None),
        ("duration", float("inf"), None),
        ("created_at", "yesterday", None),
    ],
)
def test_one_odd_field_is_read_as_unknown_not_a_failed_answer(field: str, value: object, read_as: object) -> None:
    """Issue 13.6: a NaN progress made the whole answer unreadable, so no job advanced."""
    job = Job.from_api({"id": ID, "status": "running", field: value})
    assert job.id == ID and getattr(job, field) == read_as


def test_one_bad_item_in_a_list_does_not_hide_the_others() -> None:
    other = "8f1e4b0e-33a9-4d1c-9a52-1c0f1d2e3f40"
    jobs = parse_job_list([{"status": "done"}, "garbage", {"id": other, "status": "done", "progress": "NaN"}])
    assert [j.id for j in jobs] == [other]


def test_job_list_accepts_bare_array_and_paginated_object() -> None:
    assert [j.id for j in parse_job_list([{"id": ID, "status": "done"}])] == [ID]
    assert [j.id for j in parse_job_list({"count": 1, "results": [{"id": ID, "status": "done"}]})] == [ID]
    with pytest.raises(InvalidResponseError):
        parse_job_list({"detail": "nope"})


def test_create_request_limits() -> None:
    ok = CreateRequest(
        image="https://x/a.png",
        audio="https://x/a.wav",
        name="n" * 255,
        prompt_guidance_scale=10,
        webhook_url="https://x/" + "h" * 190,
    )
    body = ok.to_api()
    assert body["model_version"] == "aurora_v1" and body["prompt_guidance_scale"] == 10
    assert "text_prompt" not in body  # unset optional fields are not sent
    for bad in (
        {"name": "n" * 256},
        {"prompt_guidance_scale": 10.5},
        {"prompt_guidance_scale": -0.1},
        {"webhook_url": "https://x/" + "h" * 200},
        {"image": "/home/me/face.png"},
        {"audio": "ftp://x/a.wav"},
    ):
        kwargs = {"image": "https://x/a.png", "audio": "https://x/a.wav", **bad}
        with pytest.raises(ValueError):
            CreateRequest(**kwargs)


# ----------------------------------------------------------------------------- what the docs allow (issue 20 item 20)

DOCUMENTED_SPEECH = {
    "id": "8f0c9a3e-2c51-4b8e-9d7a-0e3b5a1f2c44",
    "script": "Hello there",
    "accent": "3b1e0a52-7c4d-4f0e-8a9b-1d2c3e4f5a6b",
    "webhook_url": None,
    "output": "https://files.creatify.ai/tts/hello.mp3",
    "media_job": "0d5e1f2a-3b4c-4d5e-8f70-1a2b3c4d5e6f",
    "is_hidden": False,
    "status": "done",
    "failed_reason": None,
    "created_at": "2026-05-01T10:00:00.123456Z",
    "updated_at": "2026-05-01T10:00:09Z",
    "credits_used": 1,
    "duration": 7,
}


def test_a_speech_answer_as_documented_integer_duration_and_extra_fields() -> None:
    from aurora_desktop.api.speech import SpeechJob

    job = SpeechJob.from_api({**DOCUMENTED_SPEECH, "voice_settings": {"speed": 1}, "new_field": [1, 2]})
    assert job.status is JobStatus.DONE and job.output == DOCUMENTED_SPEECH["output"]
    assert job.duration == 7 and job.credits_used == 1 and job.failed_reason is None
    assert job.script == "Hello there" and job.accent == DOCUMENTED_SPEECH["accent"]
    assert job.created_at == datetime(2026, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)


def test_a_speech_answer_missing_every_optional_field() -> None:
    from aurora_desktop.api.speech import SpeechJob

    job = SpeechJob.from_api({"id": DOCUMENTED_SPEECH["id"], "status": "pending"})
    assert job.status is JobStatus.PENDING and job.output is None and job.duration is None
    assert job.credits_used is None and job.script is None and job.accent is None and job.created_at is None


def test_a_job_answer_as_documented_with_extra_and_without_optional_fields() -> None:
    documented = {
        "id": "1c0e5f0a-8a7b-4c3d-9e2f-0a1b2c3d4e5f",
        "status": "done",
        "progress": 1,
        "video_output": "https://files.creatify.ai/aurora/out.mp4",
        "credits_used": 11,
        "duration": 11,
        "media_job": None,
        "is_hidden": False,
        "editor_url": None,
        "some_future_field": {"nested": True},
    }
    job = Job.from_api(documented)
    assert job.duration == 11 and job.credits_used == 11 and job.is_hidden is False
    bare = Job.from_api({"id": documented["id"], "status": "running"})
    assert bare.duration is None and bare.credits_used is None and bare.video_output is None
    assert bare.created_at is None and bare.name is None and bare.is_hidden is False


@pytest.mark.parametrize(
    ("value", "hidden"), [(True, True), (False, False), ("false", False), ("true", True), (0, False), (None, False)]
)
def test_is_hidden_is_read_as_a_boolean_whatever_its_spelling(value: object, hidden: bool) -> None:
    job = Job.from_api({"id": "j", "status": "done", "is_hidden": value})
    assert job.is_hidden is hidden


# ----------------------------------------------------------------------------- credits, exactly (issue 20 item 17)


@pytest.mark.parametrize(
    ("raw", "exact"),
    [(5.5, "5.5"), ("5.5", "5.5"), (11, "11"), (0.7, "0.7"), ("12.50", "12.50"), (1234567.5, "1234567.5")],
)
def test_credits_used_is_read_exactly(raw: object, exact: str) -> None:
    from decimal import Decimal

    from aurora_desktop.api.speech import SpeechJob

    assert Job.from_api({"id": "j", "status": "done", "credits_used": raw}).credits_used == Decimal(exact)
    assert SpeechJob.from_api({"id": "s", "status": "done", "credits_used": raw}).credits_used == Decimal(exact)


def test_credits_read_and_summed_exactly_where_floats_drift() -> None:
    from decimal import Decimal

    from aurora_desktop.formatting import credits_number, credits_text

    charges = [Job.from_api({"id": str(n), "status": "done", "credits_used": 0.1}).credits_used for n in range(3)]
    total = sum(c for c in charges if c is not None)
    assert total == Decimal("0.3") and credits_text(total) == "0.3"  # 0.1 + 0.1 + 0.1 as floats: 0.30000000000000004
    assert credits_text(Decimal("1234567.5")) == "1234567.5"  # f"{1234567.5:g}" said 1.23457e+06
    assert credits_text(Decimal("7.70")) == "7.7" and credits_text(Decimal("1E+3")) == "1000" and credits_text(0) == "0"
    assert (
        credits_number(Decimal("5.5")) == 5.5 and credits_number(Decimal("11.0")) == 11 and credits_number(None) is None
    )


@pytest.mark.parametrize("value", [1e308, "1e308", -1e308, 10**12])
def test_an_impossible_amount_of_credits_is_not_read(value: object) -> None:
    """Review of issue 20.14: 1e308 credits printed as a 309-digit number."""
    with pytest.raises(InvalidResponseError):
        parse_credits(value, "credits_used")
    assert parse_credits(999_999_999.5) == Decimal("999999999.5")
