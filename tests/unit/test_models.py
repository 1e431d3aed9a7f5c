"""Parsing tolerance: odd but plausible payloads parse; garbage is a clear error."""

from datetime import UTC, datetime

import pytest

from aurora_desktop.api.errors import InvalidResponseError
from aurora_desktop.api.models import CreateRequest, Job, JobStatus, parse_job_list

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
