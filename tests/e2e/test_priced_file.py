"""Issue 20.1: the priced file is the sent file.

A voice clip replaced between the price check (check_inputs/place) and its upload was
uploaded anyway, and the service charged 61 credits for an 8-credit quote. Every hoster
now hashes the bytes it sends, in the same read, and a file that is not the priced one
parks the job asking the user, with nothing requested from Creatify.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from aurora_desktop.api import AuroraClient
from aurora_desktop.api.catalog import get_model
from aurora_desktop.hosting import HostedFile, Hoster
from aurora_desktop.hosting.s3 import S3Hoster
from aurora_desktop.hosting.sandbox import SandboxHoster
from aurora_desktop.jobs.engine import Engine, EngineConfig
from aurora_desktop.jobs.model import State
from aurora_desktop.jobs.orders import Options, check_inputs, place, with_account
from aurora_desktop.jobs.store import JobStore
from aurora_desktop.jobs.vocabulary import ErrorCode
from aurora_desktop.settings import StorageSettings
from tests.fixtures.loops import run
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE, make_wav
from tests.fixtures.s3 import S3_KEY_ID, S3_SECRET, bucket_keys
from tests.fixtures.sandbox import FAST_RETRY

pytestmark = pytest.mark.e2e


class SwapBeforeUpload:
    """The real hoster, with the user's voice clip replaced by a minute-long one just before
    its upload starts: after the hosting step's own check, the window the probe hit."""

    def __init__(self, real: Hoster, voice: Path, longer: Path) -> None:
        self.real, self.voice, self.longer = real, voice, longer
        self.name = real.name
        self.swapped = False

    async def host(self, path: Path, **kwargs: Any) -> HostedFile:
        if path == self.voice and not self.swapped:
            os.replace(self.longer, self.voice)
            self.swapped = True
        return await self.real.host(path, **kwargs)

    async def remove(self, key: str) -> None:
        await self.real.remove(key)

    async def test(self) -> str:
        return await self.real.test()


def swap_scenario(sb: Any, hoster_of: Any, tmp_path: Path) -> tuple[Any, float, SwapBeforeUpload]:
    voice = tmp_path / "voice.wav"
    shutil.copy(SAMPLE_AUDIO, voice)
    longer = make_wav(tmp_path / "longer.wav", 61)
    hoster = SwapBeforeUpload(hoster_of(), voice, longer)
    config = EngineConfig(library_dir=tmp_path / "videos", partial_dir=tmp_path / "partial", poll_min=0.3)

    async def go() -> tuple[Any, float]:
        client = AuroraClient(sb.credentials(), sb.url, retry=FAST_RETRY)
        engine = Engine(JobStore(tmp_path / "jobs.sqlite3"), client, hoster, config)  # type: ignore[arg-type]
        try:
            await engine.start()
            quote = await check_inputs(
                str(SAMPLE_IMAGE), str(voice), get_model("aurora_v1"), Options(name="Swapped"), work_dir=tmp_path / "c"
            )
            quote = await with_account(quote, client=client, hoster=hoster, max_credits=10)  # type: ignore[arg-type]
            job = await place(engine, quote)
            return await engine.wait(job.id), float(quote.price or 0)
        finally:
            await engine.close()
            await client.aclose()

    job, priced = run(go())
    return job, priced, hoster


def assert_asked_and_nothing_spent(sb: Any, job: Any, priced: float, hoster: SwapBeforeUpload) -> None:
    assert hoster.swapped and priced == 8
    assert job.state is State.NEEDS_ATTENTION, (job.state, job.error_message)
    assert job.error_code == ErrorCode.INPUT and "changed after the price was shown" in job.error_message
    stats = sb.stats()
    assert stats["jobs"] == 0 and stats["remaining_credits"] == 1000
    assert not any(k.startswith("POST /api/aurora") for k in stats["requests"]), stats["requests"]


def test_a_clip_swapped_before_its_demo_upload_asks_and_spends_nothing(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    job, priced, hoster = swap_scenario(sb, lambda: SandboxHoster(sb.url, sb.credentials()), tmp_path)
    assert_asked_and_nothing_spent(sb, job, priced, hoster)


def test_a_clip_swapped_before_its_s3_upload_asks_and_spends_nothing(
    make_sandbox, s3_server, s3_bucket, tmp_path: Path
) -> None:
    sb = make_sandbox()
    settings = StorageSettings(
        provider="minio", bucket=s3_bucket, endpoint=s3_server, region="us-east-1", prefix="aurora-desktop"
    )
    job, priced, hoster = swap_scenario(sb, lambda: S3Hoster(settings, S3_KEY_ID, S3_SECRET), tmp_path)
    assert_asked_and_nothing_spent(sb, job, priced, hoster)
    assert not [k for k in bucket_keys(s3_server, s3_bucket) if k.endswith("audio.wav")]  # no copy of it stored


def test_a_clip_swapped_before_its_quick_link_upload_asks_and_spends_nothing(
    make_sandbox, temp_hosts, tmp_path: Path
) -> None:
    """Quick links hashed the file as it was at upload time and checked the link against that:
    a clip replaced just before was shared (publicly) and sent. Now it is the priced hash."""
    from aurora_desktop.hosting.quick import QuickLinkHoster

    sb = make_sandbox()
    job, priced, hoster = swap_scenario(sb, QuickLinkHoster, tmp_path)
    assert_asked_and_nothing_spent(sb, job, priced, hoster)
    uploads = [e for host in temp_hosts.values() for e in host.events("upload")]
    assert len(uploads) == 1  # the photo only: the changed clip never left this computer


def test_a_file_changed_mid_quick_link_upload_never_reaches_the_host_whole(temp_hosts, tmp_path: Path) -> None:
    """Quick links hashed the file, then read it again to upload it: a file changed in between
    was uploaded whole, and Litterbox (which cannot delete) kept it public for an hour. Now the
    upload is the hashed read, and the last chunk is held back until the hash is known."""
    import hashlib

    from aurora_desktop.hosting.base import InputChanged
    from aurora_desktop.hosting.quick import QuickLinkHoster, configured_hosts

    voice = tmp_path / "voice.wav"
    voice.write_bytes(os.urandom(3 * 1024 * 1024 + 12345))  # four chunks
    priced = hashlib.sha256(voice.read_bytes()).hexdigest()

    def change_it(sent: int, total: int) -> None:  # the user edits the file once the upload is under way
        if sent and not changed:
            with open(voice, "r+b") as fh:
                fh.seek(-10, os.SEEK_END)
                fh.write(b"0123456789")
            changed.append(sent)

    changed: list[int] = []
    litterbox = tuple(h for h in configured_hosts() if h.key == "litterbox")  # a host that cannot delete
    with pytest.raises(InputChanged):
        run(
            QuickLinkHoster(litterbox).host(
                voice, key="j/audio.wav", content_type="audio/wav", progress=change_it, sha256=priced
            )
        )
    assert changed
    log = temp_hosts["litterbox"].log()
    assert not log["held"] and not [e for e in log["events"] if e["event"] == "upload"], log
