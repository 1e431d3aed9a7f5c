"""Issue 20 item 20: the sandbox as other clients see it, over real loopback HTTP.

Third-party Creatify clients found where the sandbox departed from the public docs; one test
per departure: the speech answer's fields and integer `duration`, an optional `accent`, the
speech webhook, form-encoded and multipart bodies, and JSON for unknown routes.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fixtures.sandbox import Sandbox

pytestmark = pytest.mark.e2e

SCRIPT = "Fresh bread every morning, and cakes for every party."
DOCUMENTED_SPEECH_FIELDS = {
    "id",
    "script",
    "accent",
    "webhook_url",
    "output",
    "media_job",
    "is_hidden",
    "status",
    "failed_reason",
    "created_at",
    "updated_at",
    "credits_used",
    "duration",
}


def _accent(sb: Sandbox) -> str:
    voices = httpx.get(f"{sb.url}/api/voices/", headers=sb.headers).json()
    return str(voices[0]["accents"][0]["id"])


def _until_done(sb: Sandbox, speech_id: str, limit: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        job = httpx.get(f"{sb.url}/api/text_to_speech/{speech_id}/", headers=sb.headers).json()
        if job["status"] in ("done", "failed"):
            return dict(job)
        time.sleep(0.2)
    raise AssertionError(f"speech {speech_id} not finished within {limit} s")


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A webhook receiver on loopback: its URL and what it was sent."""
    received: list[dict[str, Any]] = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook", received
    finally:
        server.shutdown()
        server.server_close()


def test_speech_answers_carry_the_documented_fields_and_an_integer_duration(make_sandbox) -> None:
    sb = make_sandbox("--job-seconds", "1")
    made = httpx.post(
        f"{sb.url}/api/text_to_speech/", headers=sb.headers, json={"script": SCRIPT, "accent": _accent(sb)}
    )
    assert made.status_code == 201, made.text
    assert set(made.json()) >= DOCUMENTED_SPEECH_FIELDS and "name" not in made.json()
    done = _until_done(sb, made.json()["id"])
    assert set(done) >= DOCUMENTED_SPEECH_FIELDS
    assert isinstance(done["duration"], int) and not isinstance(done["duration"], bool)
    assert done["duration"] >= len(SCRIPT.split()) * 0.4  # whole seconds, never shorter than the speech
    assert done["media_job"] is None and done["is_hidden"] is False and done["webhook_url"] is None
    assert done["created_at"].endswith("Z") and done["updated_at"] >= done["created_at"]


@pytest.mark.parametrize("accent", ["missing", None])
def test_a_missing_or_null_accent_is_accepted_as_optional(make_sandbox, accent) -> None:
    sb = make_sandbox("--job-seconds", "1")
    body: dict[str, Any] = {"script": SCRIPT} if accent == "missing" else {"script": SCRIPT, "accent": None}
    made = httpx.post(f"{sb.url}/api/text_to_speech/", headers=sb.headers, json=body)
    assert made.status_code == 201, made.text
    done = _until_done(sb, made.json()["id"])
    assert done["status"] == "done" and done["output"]
    assert httpx.get(done["output"]).content[:4] == b"RIFF"  # a default voice spoke it


def test_a_webhook_is_sent_when_a_speech_job_finishes(make_sandbox, receiver) -> None:
    sb = make_sandbox("--job-seconds", "1")
    url, received = receiver
    body = {"script": SCRIPT, "accent": _accent(sb), "webhook_url": url}
    made = httpx.post(f"{sb.url}/api/text_to_speech/", headers=sb.headers, json=body)
    assert made.status_code == 201 and made.json()["webhook_url"] == url
    done = _until_done(sb, made.json()["id"])
    deadline = time.monotonic() + 5
    while not received and time.monotonic() < deadline:
        time.sleep(0.05)
    # The documented payload of a speech webhook: {id, status, failed_reason, video_output}.
    assert received == [{"id": done["id"], "status": "done", "failed_reason": "", "video_output": done["output"]}]


@pytest.mark.parametrize("encoding", ["form", "multipart"])
def test_form_encoded_and_multipart_bodies_are_accepted_for_aurora_and_speech(
    make_sandbox, sample_urls, encoding
) -> None:
    sb = make_sandbox("--job-seconds", "1")
    image, audio = sample_urls

    def post(path: str, fields: dict[str, str]) -> httpx.Response:
        if encoding == "form":
            return httpx.post(f"{sb.url}{path}", headers=sb.headers, data=fields)
        parts = {key: (None, value) for key, value in fields.items()}  # form-data fields, no file names
        return httpx.post(f"{sb.url}{path}", headers=sb.headers, files=parts)

    video = post("/api/aurora/", {"image": image, "audio": audio, "name": "Form", "prompt_guidance_scale": "2.5"})
    assert video.status_code == 201, video.text
    assert video.json()["name"] == "Form" and video.json()["prompt_guidance_scale"] == 2.5
    speech = post("/api/text_to_speech/", {"script": SCRIPT, "accent": _accent(sb)})
    assert speech.status_code == 201, speech.text
    assert speech.json()["script"] == SCRIPT
    refused = post("/api/aurora/", {"image": image, "audio": audio, "prompt_guidance_scale": "loud"})
    assert refused.status_code == 400 and "prompt_guidance_scale" in refused.json()  # field errors, as for JSON


def test_unknown_routes_answer_json(shared_sandbox) -> None:
    sb = shared_sandbox
    for path in ("/api/no_such_thing/", "/nothing/here", "/api/aurora/extra/path/"):
        answer = httpx.get(f"{sb.url}{path}", headers=sb.headers)
        assert answer.status_code == 404 and answer.headers["content-type"].startswith("application/json")
        assert answer.json() == {"detail": "Not found."}
    wrong_method = httpx.delete(f"{sb.url}/api/aurora/", headers=sb.headers)
    assert wrong_method.status_code == 405 and wrong_method.json() == {"detail": 'Method "DELETE" not allowed.'}
