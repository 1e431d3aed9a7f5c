"""The API client against the sandbox under uvicorn, over real loopback HTTP."""

from __future__ import annotations

import asyncio
import io
import uuid
from pathlib import Path

import httpx
import pytest

from aurora_desktop.api import (
    AuroraClient,
    AuthError,
    CreateRequest,
    InsufficientCreditsError,
    InvalidResponseError,
    Job,
    JobStatus,
    NetworkError,
    OutcomeUnknownError,
    RateLimitedError,
    ServerUnavailableError,
    UnsafeRequestError,
    ValidationError,
)
from tests.fixtures.loops import run
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE, make_wav
from tests.fixtures.sandbox import Sandbox

pytestmark = pytest.mark.e2e


def remaining_credits(sb: Sandbox) -> float:
    """One remaining_credits() call through the real client (with its retry policy)."""

    async def call() -> float:
        async with sb.client() as client:
            return await client.remaining_credits()

    return run(call())


async def wait_terminal(client: AuroraClient, job_id: str, timeout: float = 60) -> tuple[Job, list[Job]]:
    seen: list[Job] = []
    async with asyncio.timeout(timeout):
        while True:
            job = await client.get(job_id)
            seen.append(job)
            if job.is_terminal:
                return job, seen
            await asyncio.sleep(0.2)


# ----------------------------------------------------------------------------- happy path


def test_create_poll_done_download(make_sandbox, tmp_path: Path) -> None:
    sb: Sandbox = make_sandbox("--credits", "50", "--progress-scale", "100", "--job-seconds", "3")
    image, audio = sb.host(SAMPLE_IMAGE), sb.host(SAMPLE_AUDIO)

    async def scenario() -> tuple[Job, Job, list[Job], float, float]:
        async with sb.client() as client:
            before = await client.remaining_credits()
            created = await client.create(CreateRequest(image=image, audio=audio, name="Hello"))
            done, seen = await wait_terminal(client, created.id)
            after = await client.remaining_credits()
            return created, done, seen, before, after

    created, done, seen, before, after = run(scenario())
    assert created.status is JobStatus.PENDING and created.name == "Hello"
    assert done.status is JobStatus.DONE, done.failed_reason
    # Progress on the sandbox's 0-100 scale arrives as a fraction that only rises.
    running = [j.progress for j in seen if j.status is JobStatus.RUNNING]
    assert running and all(0.0 <= p < 1.0 for p in running)
    assert running == sorted(running) and max(running) > 0.2
    assert {j.status for j in seen} >= {JobStatus.RUNNING, JobStatus.DONE}
    # 7.62 s of audio on aurora_v1 costs ceil(7.62) x 1 = 8 credits.
    assert done.credits_used == 8 and before - after == 8
    assert done.duration == 8
    # The video is fetched with a plain client: no API headers leave for its host.
    assert done.video_output and done.preview
    video = httpx.get(done.video_output)
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    assert video.content[4:8] == b"ftyp"
    ranged = httpx.get(done.video_output, headers={"Range": "bytes=100-199"})
    assert ranged.status_code == 206 and ranged.content == video.content[100:200]
    preview = httpx.get(done.preview)
    assert preview.content[:3] == b"\xff\xd8\xff"  # a JPEG


def test_list_by_ids_in_chunks_of_100(make_sandbox) -> None:
    sb = make_sandbox()
    image, audio = sb.host(SAMPLE_IMAGE), sb.host(SAMPLE_AUDIO)

    async def scenario() -> tuple[list[Job], list[Job], list[Job]]:
        async with sb.client() as client:
            made = [await client.create(CreateRequest(image=image, audio=audio, name=f"n{i}")) for i in range(3)]
            unknown = [str(uuid.uuid4()) for _ in range(150)]
            listed = await client.list(ids=[j.id for j in made] + unknown)
            ordered = await client.list(ordering="-created_at")
            return made, listed, ordered

    made, listed, ordered = run(scenario())
    assert sorted(j.id for j in listed) == sorted(j.id for j in made)
    assert [j.id for j in ordered] == [j.id for j in reversed(made)]
    # 153 ids -> two requests with ids (100 + 53), plus one without.
    assert sb.stats()["requests"]["GET /api/aurora/"] == 3


def test_no_progress_mode_reports_nothing_until_done(make_sandbox) -> None:
    """`--no-progress`: the coarsest progress the service might give (the ETA and poller's worst case)."""
    sb = make_sandbox("--no-progress", "--job-seconds", "2")
    image, audio = sb.host(SAMPLE_IMAGE), sb.host(SAMPLE_AUDIO)

    async def scenario() -> list[tuple[str, float]]:
        async with sb.client() as client:
            job = await client.create(CreateRequest(image=image, audio=audio, name="coarse"))
            seen = []
            while not job.status.is_terminal:
                await asyncio.sleep(0.1)
                job = await client.get(job.id)
                seen.append((job.status.value, job.progress))
            return seen

    seen = run(scenario())
    assert seen[-1] == ("done", 1.0)
    assert any(status == "running" for status, _ in seen)
    assert all(progress == 0.0 for status, progress in seen if status != "done")


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize("status", ["401", "403"])
def test_wrong_credentials(make_sandbox, status: str) -> None:
    sb = make_sandbox("--auth-status", status, "--api-key", "the-right-key")

    async def scenario() -> None:
        async with sb.client() as client:  # sends the default key, which is now wrong
            await client.remaining_credits()

    with pytest.raises(AuthError) as info:
        run(scenario())
    assert info.value.status == int(status)
    assert "API ID and key" in info.value.user_message


@pytest.mark.parametrize("status", ["400", "402", "403"])
def test_no_credits(make_sandbox, status: str) -> None:
    sb = make_sandbox("--credits", "0", "--credits-status", status)
    image, audio = sb.host(SAMPLE_IMAGE), sb.host(SAMPLE_AUDIO)

    async def scenario() -> None:
        async with sb.client() as client:
            await client.create(CreateRequest(image=image, audio=audio))

    with pytest.raises(InsufficientCreditsError) as info:
        run(scenario())
    assert "enough credits" in info.value.user_message
    assert sb.stats()["jobs"] == 0


def test_balance_too_small_for_this_clip_fails_job_without_charge(make_sandbox) -> None:
    sb = make_sandbox("--credits", "5")  # the sample costs 8
    image, audio = sb.host(SAMPLE_IMAGE), sb.host(SAMPLE_AUDIO)

    async def scenario() -> tuple[Job, float]:
        async with sb.client() as client:
            job = await client.create(CreateRequest(image=image, audio=audio))
            done, _ = await wait_terminal(client, job.id)
            return done, await client.remaining_credits()

    done, left = run(scenario())
    assert done.status is JobStatus.FAILED and "Not enough credits" in (done.failed_reason or "")
    assert left == 5


def test_bad_fields_are_validation_errors_with_field_messages(shared_sandbox, sample_urls) -> None:
    image, audio = sample_urls

    async def scenario() -> None:
        async with shared_sandbox.client() as client:
            await client.create(
                CreateRequest(image=image, audio=audio, model_version="aurora_v9", extra={"prompt_guidance_scale": 42})
            )

    with pytest.raises(ValidationError) as info:
        run(scenario())
    assert set(info.value.field_errors) == {"model_version", "prompt_guidance_scale"}
    assert "not a valid choice" in info.value.user_message


@pytest.mark.parametrize(
    ("case", "status", "words"),
    [
        ("unreachable", JobStatus.FAILED, "could not be"),
        ("image_is_text", JobStatus.REJECTED, "not a picture"),
        ("audio_is_png", JobStatus.REJECTED, "not an MP3 or WAV"),
        ("image_too_small", JobStatus.REJECTED, "at least 256 pixels"),
        ("audio_too_long", JobStatus.REJECTED, "takes clips up to 14 seconds"),
        ("audio_empty", JobStatus.REJECTED, "empty"),
    ],
)
def test_bad_inputs_end_the_job_with_a_readable_reason_and_a_refund(
    shared_sandbox, sample_urls, tmp_path, case, status, words
) -> None:
    from PIL import Image

    image, audio = sample_urls
    model = "aurora_v1"
    sb = shared_sandbox
    if case == "unreachable":
        image = "http://127.0.0.1:9/nothing-listens-here.png"
    elif case == "image_is_text":
        image = sb.host(b"hello, I am not a picture", "face.png")
    elif case == "audio_is_png":
        audio = sb.host(SAMPLE_IMAGE.read_bytes(), "voice.mp3")
    elif case == "image_too_small":
        buf = io.BytesIO()
        Image.new("RGB", (200, 400)).save(buf, "PNG")
        image = sb.host(buf.getvalue(), "small.png")
    elif case == "audio_too_long":
        audio, model = sb.host(make_wav(tmp_path / "long.wav", 15.0)), "aurora_v2"
    elif case == "audio_empty":
        audio = sb.host(b"", "empty.wav")

    async def scenario() -> tuple[Job, float, float]:
        async with sb.client() as client:
            before = await client.remaining_credits()
            job = await client.create(
                CreateRequest(
                    image=image, audio=audio, model_version=model, resolution="2k" if model == "aurora_v2" else None
                )
            )
            done, _ = await wait_terminal(client, job.id)
            return done, before, await client.remaining_credits()

    done, before, after = run(scenario())
    assert done.status is status
    assert words in (done.failed_reason or "")
    assert after == before  # nothing charged for a job that never rendered


def test_rate_limit_is_retried_then_surfaces(make_sandbox) -> None:
    sb = make_sandbox()
    sb.fault(kind="status", status=429, retry_after=0, path="/api/remaining_credits/", times=1)

    assert remaining_credits(sb) == 1000  # one 429, honoured Retry-After: 0, then success
    sb.fault(kind="status", status=429, path="/api/remaining_credits/", times=50)  # no Retry-After
    with pytest.raises(RateLimitedError) as info:
        remaining_credits(sb)
    assert "busy" in info.value.user_message
    assert sb.stats()["requests"]["GET /api/remaining_credits/"] == 2 + 4  # 4 attempts in FAST_RETRY


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_retried_for_gets(make_sandbox, status: int) -> None:
    sb = make_sandbox()
    sb.fault(kind="status", status=status, body="<html><h1>Bad gateway</h1></html>", times=2)

    assert remaining_credits(sb) == 1000
    assert sb.stats()["requests"]["GET /api/remaining_credits/"] == 3


def test_server_error_surfaces_in_plain_language(make_sandbox) -> None:
    sb = make_sandbox()
    sb.fault(kind="status", status=503, body="<html>Service Unavailable</html>", times=50)

    with pytest.raises(ServerUnavailableError) as info:
        remaining_credits(sb)
    assert "having trouble" in info.value.user_message and "Service Unavailable" in info.value.detail


def test_post_is_never_retried_on_a_server_error(make_sandbox) -> None:
    sb = make_sandbox()
    image, audio = sb.host(SAMPLE_IMAGE), sb.host(SAMPLE_AUDIO)
    sb.fault(kind="status", status=503, method="POST", times=1)

    async def scenario() -> None:
        async with sb.client() as client:
            await client.create(CreateRequest(image=image, audio=audio))

    with pytest.raises(ServerUnavailableError):
        run(scenario())
    assert sb.stats()["requests"]["POST /api/aurora/"] == 1


def test_dropped_connection_get_recovers(make_sandbox) -> None:
    sb = make_sandbox()
    sb.fault(kind="drop", path="/api/remaining_credits/", times=2)

    assert remaining_credits(sb) == 1000
    assert sb.stats()["requests"]["GET /api/remaining_credits/"] == 3


def test_dropped_post_after_it_took_effect_is_not_repeated(make_sandbox) -> None:
    sb = make_sandbox()
    image, audio = sb.host(SAMPLE_IMAGE), sb.host(SAMPLE_AUDIO)
    sb.fault(kind="drop", method="POST", path="/api/aurora/", process=True)

    async def scenario() -> None:
        async with sb.client() as client:
            await client.create(CreateRequest(image=image, audio=audio, name="token-123"))

    with pytest.raises(OutcomeUnknownError) as info:
        run(scenario())
    assert "never charged twice" in info.value.user_message
    stats = sb.stats()
    assert stats["requests"]["POST /api/aurora/"] == 1
    assert stats["jobs"] == 1  # the job exists: the caller must reconcile, not re-send


def test_post_timing_out_after_it_was_sent_is_not_repeated(make_sandbox) -> None:
    sb = make_sandbox()
    image, audio = sb.host(SAMPLE_IMAGE), sb.host(SAMPLE_AUDIO)
    sb.fault(kind="delay", seconds=2.0, method="POST", path="/api/aurora/")

    async def scenario() -> None:
        async with sb.client(timeout=httpx.Timeout(5.0, read=0.5)) as client:
            await client.create(CreateRequest(image=image, audio=audio))

    with pytest.raises(OutcomeUnknownError):
        run(scenario())
    stats = sb.stats()
    assert stats["requests"]["POST /api/aurora/"] == 1
    assert stats["jobs"] == 1


def test_refused_connection_is_a_network_error() -> None:
    from aurora_desktop.api import Credentials
    from tests.fixtures.sandbox import FAST_RETRY

    async def scenario() -> None:
        async with AuroraClient(Credentials("a", "b"), "http://127.0.0.1:9", retry=FAST_RETRY) as client:
            await client.create(CreateRequest(image="https://x/a.png", audio="https://x/a.wav"))

    with pytest.raises(NetworkError) as info:
        run(scenario())
    assert not isinstance(info.value, OutcomeUnknownError)  # nothing was sent: safe to try again


def test_garbage_success_body_is_a_clear_error(make_sandbox) -> None:
    sb = make_sandbox()
    sb.fault(kind="status", status=200, body="<html>Welcome to nginx!</html>", path="/api/aurora/")

    async def scenario() -> None:
        async with sb.client() as client:
            await client.list()

    with pytest.raises(InvalidResponseError) as info:
        run(scenario())
    assert "nginx" in info.value.detail


def test_credentials_not_sent_on_redirect(make_sandbox) -> None:
    sb = make_sandbox()
    elsewhere = make_sandbox()
    sb.fault(kind="redirect", location=f"{elsewhere.url}/api/remaining_credits/", path="/api/remaining_credits/")

    async def scenario() -> None:
        async with sb.client() as client:
            await client.remaining_credits()

    with pytest.raises(UnsafeRequestError) as info:
        run(scenario())
    assert "redirect" in info.value.user_message
    assert elsewhere.stats()["requests"] == {}  # the other host never heard from us


def test_unknown_job_is_not_found(shared_sandbox) -> None:
    from aurora_desktop.api import NotFoundError

    async def scenario() -> None:
        async with shared_sandbox.client() as client:
            await client.get(str(uuid.uuid4()))

    with pytest.raises(NotFoundError):
        run(scenario())


def test_webhook_is_called_on_terminal_state(make_sandbox, shared_sandbox, sample_urls) -> None:
    """The sandbox POSTs {id, status, failed_reason, video_output} to webhook_url."""
    import http.server
    import json
    import threading

    received: list[dict] = []

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
        image, audio = sample_urls

        async def scenario() -> Job:
            async with shared_sandbox.client() as client:
                job = await client.create(
                    CreateRequest(image=image, audio=audio, webhook_url=f"http://127.0.0.1:{server.server_port}/hook")
                )
                done, _ = await wait_terminal(client, job.id)
                await asyncio.sleep(0.3)
                return done

        done = run(scenario())
    finally:
        server.shutdown()
        server.server_close()
    assert received == [{"id": done.id, "status": "done", "failed_reason": "", "video_output": done.video_output}]
