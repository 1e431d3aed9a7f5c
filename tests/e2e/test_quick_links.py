"""Quick links against stand-ins of the temporary file hosts (own processes, real HTTP on loopback).

The real hosts are never contacted: the `temp_hosts` fixture points the app at
the stand-ins. Each failure mode of a host ends on the next host or as a plain
message, never as a link Creatify is given that does not serve the file.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import httpx
import pytest

from aurora_desktop.api import AuroraClient
from aurora_desktop.hosting import HostingError
from aurora_desktop.hosting.quick import QuickLinkHoster, configured_hosts
from aurora_desktop.jobs.engine import Engine, EngineConfig
from aurora_desktop.jobs.events import JobChanged
from aurora_desktop.jobs.model import State
from aurora_desktop.jobs.prepare import prepare
from aurora_desktop.jobs.store import JobStore
from tests.fixtures.loops import run
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE
from tests.fixtures.sandbox import FAST_RETRY

pytestmark = pytest.mark.e2e


def _hoster(timeout: float = 10.0) -> QuickLinkHoster:
    return QuickLinkHoster(configured_hosts(), timeout=httpx.Timeout(timeout, connect=5.0))


def test_share_check_and_delete_on_the_first_host(temp_hosts) -> None:
    seen: list[tuple[int, int]] = []
    hosted = run(
        _hoster().host(
            SAMPLE_AUDIO, key="j/audio.wav", content_type="audio/wav", progress=lambda d, t: seen.append((d, t))
        )
    )
    zero = temp_hosts["0x0"]
    assert hosted.url.startswith(zero.url)
    assert httpx.get(hosted.url).content == SAMPLE_AUDIO.read_bytes()
    (upload,) = zero.events("upload")
    assert upload["expires"] == "1"  # the shortest retention the host offers
    assert SAMPLE_AUDIO.stem not in upload["name"] and upload["name"].endswith(".wav")  # a random name
    assert len(zero.events("fetch")) >= 1  # checked by hash before anyone is given the link
    assert seen and seen[-1] == (SAMPLE_AUDIO.stat().st_size,) * 2
    assert hosted.key and hosted.expires_at is not None

    run(_hoster().remove(hosted.key))
    assert zero.events("delete") and zero.log()["held"] == []
    assert httpx.get(hosted.url).status_code == 404


@pytest.mark.parametrize("mode", ["error", "refuse", "too_big", "html", "dead_link", "wrong_bytes", "redirect", "hang"])
def test_every_failure_of_a_host_falls_through_to_the_next(temp_hosts, mode: str) -> None:
    temp_hosts["0x0"].mode(mode)
    hosted = run(_hoster(timeout=2.0).host(SAMPLE_IMAGE, key="j/image.png", content_type="image/png"))
    assert hosted.url.startswith(temp_hosts["litterbox"].url)
    assert httpx.get(hosted.url).content == SAMPLE_IMAGE.read_bytes()
    assert hosted.key is None  # Litterbox cannot delete: the link simply expires within the hour
    if mode in ("wrong_bytes", "redirect"):
        assert temp_hosts["0x0"].log()["held"] == []  # the useless upload was deleted at once


def test_tmpfiles_link_is_turned_into_its_direct_download_form(temp_hosts) -> None:
    temp_hosts["0x0"].mode("error")
    temp_hosts["litterbox"].mode("html")
    hosted = run(_hoster().host(SAMPLE_IMAGE, key="j/image.png", content_type="image/png"))
    assert hosted.url.startswith(temp_hosts["tmpfiles"].url + "/dl/")
    assert httpx.get(hosted.url).content == SAMPLE_IMAGE.read_bytes()


def test_all_hosts_refusing_is_one_plain_message_not_retried(temp_hosts) -> None:
    for host in temp_hosts.values():
        host.mode("refuse")
    with pytest.raises(HostingError) as info:
        run(_hoster().host(SAMPLE_IMAGE, key="j/image.png", content_type="image/png"))
    assert not info.value.retryable
    message = info.value.user_message
    assert "None of the quick-link services" in message and "Nothing was spent" in message
    assert "paste links" in message and "Traceback" not in message


def test_hosts_down_is_retried_later(temp_hosts) -> None:
    temp_hosts["0x0"].mode("error")
    temp_hosts["litterbox"].mode("hang")
    temp_hosts["tmpfiles"].mode("refuse")
    with pytest.raises(HostingError) as info:
        run(_hoster(timeout=1.0).host(SAMPLE_IMAGE, key="j/image.png", content_type="image/png"))
    assert info.value.retryable and "will try again" in info.value.user_message


def test_a_slow_host_still_takes_the_file_with_progress(temp_hosts, tmp_path: Path) -> None:
    temp_hosts["0x0"].mode("slow")
    big = tmp_path / "long.wav"
    big.write_bytes(SAMPLE_AUDIO.read_bytes() * 8)
    seen: list[int] = []
    hosted = run(_hoster().host(big, key="j/audio.wav", content_type="audio/wav", progress=lambda d, t: seen.append(d)))
    assert hosted.url.startswith(temp_hosts["0x0"].url)
    assert seen == sorted(seen) and seen[-1] == big.stat().st_size and len(seen) > 2


def test_a_file_over_every_hosts_limit_is_named_plainly(temp_hosts, tmp_path: Path) -> None:
    from dataclasses import replace

    small = tuple(replace(h, max_bytes=1000) for h in configured_hosts())
    with pytest.raises(HostingError) as info:
        run(QuickLinkHoster(small).host(SAMPLE_AUDIO, key="j/a.wav", content_type="audio/wav"))
    assert "too large" in info.value.user_message and not info.value.retryable
    assert all(not h.events("upload") for h in temp_hosts.values())  # nothing was even sent


def _engine_job(sb, tmp_path: Path):
    config = EngineConfig(library_dir=tmp_path / "videos", partial_dir=tmp_path / "partial", poll_min=0.3)

    async def scenario():
        client = AuroraClient(sb.credentials(), sb.url, retry=FAST_RETRY)
        engine = Engine(JobStore(tmp_path / "jobs.sqlite3"), client, _hoster(timeout=3.0), config)
        links: list[str] = []
        engine.subscribe(
            lambda e: (
                links.append(e.job.image.url) if isinstance(e, JobChanged) and e.job.state is State.REMOTE else None
            )
        )
        try:
            await engine.start()
            prepared = await prepare(str(SAMPLE_IMAGE), str(SAMPLE_AUDIO), work_dir=tmp_path / "cache")
            job = await engine.add(prepared, name="Quick", model="aurora_v1")
            return await asyncio.wait_for(engine.wait(job.id), 60), links
        finally:
            await engine.close()
            await client.aclose()

    return run(scenario())


def test_whole_job_through_quick_links_then_deleted_after_the_fetch(make_sandbox, temp_hosts, tmp_path: Path) -> None:
    sb = make_sandbox()
    job, links = _engine_job(sb, tmp_path)
    assert job.state is State.SAVED, job.error_message
    zero = temp_hosts["0x0"]
    assert links and links[0].startswith(zero.url)
    # The sandbox (standing in for Creatify) fetched both inputs from the host; then the app deleted them.
    fetches = [e for e in zero.events("fetch") if "AuroraDesktop" not in e["agent"]]
    deletes = zero.events("delete")
    assert len(fetches) == 2 and len(deletes) == 2
    assert max(f["at"] for f in fetches) < min(d["at"] for d in deletes)
    assert zero.log()["held"] == []
    assert hashlib.sha256(Path(job.output_path).read_bytes()).hexdigest()  # a real video on disk
    assert Path(job.output_path).stat().st_size > 10_000


def test_no_host_that_works_never_reaches_creatify(make_sandbox, temp_hosts, tmp_path: Path) -> None:
    """A host that answers with a page, one whose links serve a block page, one that refuses:
    the job stops with a plain message and Creatify was never asked (no charge)."""
    sb = make_sandbox()
    temp_hosts["0x0"].mode("html")
    temp_hosts["litterbox"].mode("wrong_bytes")
    temp_hosts["tmpfiles"].mode("refuse")
    job, links = _engine_job(sb, tmp_path)
    assert job.state is State.NEEDS_ATTENTION
    assert "None of the quick-link services" in job.error_message
    assert links == []
    stats = sb.stats()
    assert stats["jobs"] == 0  # no job was ever created, so nothing was charged


def test_command_line_run_with_quick_links(make_sandbox, temp_hosts, tmp_path: Path) -> None:
    """`aurora-desktop run --hosting quick`: the same Quick links from a script."""
    import os

    from aurora_desktop.hosting.quick import HOSTS_ENV
    from tests.fixtures.cli import cli_args, cli_env, run_cli

    sb = make_sandbox()
    args = cli_args(sb, tmp_path / "profile", "run", "--image", str(SAMPLE_IMAGE), "--audio", str(SAMPLE_AUDIO))
    args[args.index("--hosting") + 1] = "quick"
    result = run_cli(args, cli_env(sb, **{HOSTS_ENV: os.environ[HOSTS_ENV]}))
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).stat().st_size > 10_000
    assert len(temp_hosts["0x0"].events("delete")) == 2
