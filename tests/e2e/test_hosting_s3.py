"""Hosting on an S3-compatible bucket: a real S3-protocol server (moto) on loopback."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from aurora_desktop.api import AuroraClient
from aurora_desktop.hosting import HostingError, NoHosting
from aurora_desktop.hosting.s3 import S3Hoster, endpoint_for
from aurora_desktop.jobs.engine import Engine, EngineConfig
from aurora_desktop.jobs.events import JobChanged
from aurora_desktop.jobs.model import State
from aurora_desktop.jobs.prepare import prepare
from aurora_desktop.jobs.store import JobStore
from aurora_desktop.settings import StorageSettings
from tests.fixtures.loops import run
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE
from tests.fixtures.s3 import S3_KEY_ID, S3_SECRET, bucket_keys
from tests.fixtures.sandbox import FAST_RETRY

pytestmark = pytest.mark.e2e


def _hoster(s3_server: str, bucket: str, **overrides: object) -> S3Hoster:
    settings = StorageSettings(
        provider="minio", bucket=bucket, endpoint=s3_server, region="us-east-1", prefix="aurora-desktop", **overrides
    )
    return S3Hoster(settings, S3_KEY_ID, S3_SECRET)


def test_upload_then_signed_url_fetched_by_plain_http_then_deleted(s3_server, s3_bucket, tmp_path: Path) -> None:
    hoster = _hoster(s3_server, s3_bucket)
    big = tmp_path / "voice.wav"
    big.write_bytes(SAMPLE_AUDIO.read_bytes() + os.urandom(11 * 1024 * 1024))  # > one multipart part
    seen: list[tuple[int, int]] = []

    hosted = run(
        hoster.host(
            big,
            key="job-1/audio.wav",
            content_type="audio/wav",
            progress=lambda done, total: seen.append((done, total)),
        )
    )
    assert hosted.key == "job-1/audio.wav"
    assert "X-Amz-Signature=" in hosted.url and "/aurora-desktop/job-1/audio.wav" in hosted.url
    assert hosted.expires_at is not None
    # Progress: monotonic, complete, streamed in chunks (not one 11 MB read).
    assert seen[-1] == (big.stat().st_size, big.stat().st_size) and len(seen) >= 11
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    # Anyone with the link (Creatify) fetches it with no credentials at all.
    fetched = httpx.get(hosted.url)
    assert fetched.status_code == 200 and fetched.content == big.read_bytes()
    assert fetched.headers["content-type"] == "audio/wav"
    assert bucket_keys(s3_server, s3_bucket) == ["aurora-desktop/job-1/audio.wav"]

    run(hoster.remove("job-1/audio.wav"))
    assert bucket_keys(s3_server, s3_bucket) == []
    assert httpx.get(hosted.url).status_code == 404
    run(hoster.remove("job-1/audio.wav"))  # removing twice is fine


def test_storage_test_action_round_trips_and_cleans_up(s3_server, s3_bucket) -> None:
    message = run(_hoster(s3_server, s3_bucket).test())
    assert "Storage works" in message
    assert bucket_keys(s3_server, s3_bucket) == []


def test_missing_bucket_is_a_clear_message(s3_server) -> None:
    with pytest.raises(HostingError) as info:
        run(_hoster(s3_server, "no-such-bucket-here").test())
    assert "does not exist" in info.value.user_message


def test_provider_presets_build_endpoints() -> None:
    assert endpoint_for(StorageSettings(provider="aws", bucket="b")) is None  # AWS: the SDK default
    assert (
        endpoint_for(StorageSettings(provider="r2", bucket="b", account_id="abc123"))
        == "https://abc123.r2.cloudflarestorage.com"
    )
    assert (
        endpoint_for(StorageSettings(provider="b2", bucket="b", region="eu-central-003"))
        == "https://s3.eu-central-003.backblazeb2.com"
    )
    assert (
        endpoint_for(StorageSettings(provider="wasabi", bucket="b", region="eu-central-1"))
        == "https://s3.eu-central-1.wasabisys.com"
    )
    with pytest.raises(HostingError, match="account ID"):
        endpoint_for(StorageSettings(provider="r2", bucket="b"))
    with pytest.raises(HostingError, match="address"):
        endpoint_for(StorageSettings(provider="minio", bucket="b"))
    with pytest.raises(HostingError, match="access key"):
        S3Hoster(StorageSettings(provider="aws", bucket="b"), "", "")


def test_no_storage_refuses_local_files_plainly(tmp_path: Path) -> None:
    with pytest.raises(HostingError) as info:
        run(NoHosting().host(SAMPLE_IMAGE, key="k", content_type="image/png"))
    assert "Quick links" in info.value.user_message and "paste links" in info.value.user_message


def test_whole_job_through_s3_hosting_then_privacy_delete(make_sandbox, s3_server, s3_bucket, tmp_path: Path) -> None:
    """The sandbox fetches the inputs through the pre-signed S3 links, as Creatify would;
    once the video is saved, the inputs are deleted from the bucket."""
    sb = make_sandbox()
    config = EngineConfig(library_dir=tmp_path / "videos", partial_dir=tmp_path / "partial", poll_min=0.3)

    async def scenario():
        client = AuroraClient(sb.credentials(), sb.url, retry=FAST_RETRY)
        engine = Engine(JobStore(tmp_path / "jobs.sqlite3"), client, _hoster(s3_server, s3_bucket), config)
        keys_while_running: list[str] = []
        links: list[str] = []

        def at_creatify(e) -> None:
            if isinstance(e, JobChanged) and e.job.state is State.REMOTE and not links:  # first time only
                keys_while_running.extend(bucket_keys(s3_server, s3_bucket))
                links.append(e.job.image.url)

        engine.subscribe(at_creatify)
        try:
            await engine.start()
            prepared = await prepare(str(SAMPLE_IMAGE), str(SAMPLE_AUDIO), work_dir=tmp_path / "cache")
            job = await engine.add(prepared, name="Via S3", model="aurora_v1")
            return await engine.wait(job.id), keys_while_running, links, engine.store.sync.events(job.id)
        finally:
            await engine.close()
            await client.aclose()

    job, keys_while_running, links, events = run(scenario())
    assert job.state is State.SAVED, job.error_message
    assert sorted(keys_while_running) == sorted(
        [f"aurora-desktop/{job.id}/image.png", f"aurora-desktop/{job.id}/audio.wav"]
    )
    assert links and "X-Amz-Signature" in links[0]  # Creatify got a pre-signed link
    assert bucket_keys(s3_server, s3_bucket) == []  # privacy: gone once saved
    assert job.image.key is None and job.audio.key is None and job.image.url is None
    assert [e["kind"] for e in events][-1] == "inputs-deleted"
