"""Rules of single engine steps, in milliseconds: the Aurora API and the video host are
httpx.MockTransport handlers, the hoster a small in-process fake, the store a real
SQLite file. The end-to-end tests (tests/e2e) run the same steps on real processes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from aurora_desktop.api import AuroraClient, Credentials
from aurora_desktop.api.catalog import get_model
from aurora_desktop.api.retry import RetryPolicy
from aurora_desktop.hosting import HostedFile, HostingError
from aurora_desktop.jobs import recovery, transitions
from aurora_desktop.jobs.async_store import AsyncStore
from aurora_desktop.jobs.model import FINAL_STATES, InputFile, InputKind, LocalJob, State
from aurora_desktop.jobs.runtime import EngineConfig, Runtime, Wait
from aurora_desktop.jobs.steps import STEPS
from aurora_desktop.jobs.steps.downloading import fetch_video
from aurora_desktop.jobs.steps.hosting import host
from aurora_desktop.jobs.steps.submitting import submit
from aurora_desktop.jobs.store import JobStore
from aurora_desktop.jobs.store_health import StateConflict, StoreWriteFailed
from aurora_desktop.jobs.vocabulary import ErrorCode, History, rule_for
from tests.fixtures.loops import run

BASE = "http://127.0.0.1:9"
NO_RETRY = RetryPolicy(attempts=1, total_seconds=1, initial_wait=0.01, max_wait=0.01, jitter=0.0)
Handler = Callable[[httpx.Request], Any]  # returns a Response, or a coroutine of one


def remote_job(job_id: str = "r1", name: str = "x", status: str = "pending", **extra: Any) -> dict[str, Any]:
    return {"id": job_id, "name": name, "status": status, "progress": 0, **extra}


def posting(answer: Handler) -> Handler:
    """The API as a submit meets it: nothing with the job's token at Creatify yet (the search
    before the POST finds nothing), and each POST answered by `answer`."""

    def api(request: httpx.Request) -> Any:
        return httpx.Response(200, json=[]) if request.method == "GET" else answer(request)

    return api


class FakeHoster:
    name = "fake"

    def __init__(self, error: HostingError | None = None) -> None:
        self.hosted: list[str] = []
        self.error = error

    async def host(self, path: Path, *, key: str, content_type: str, progress=None, sha256=None) -> HostedFile:
        if self.error:
            raise self.error
        self.hosted.append(key)
        return HostedFile(url=f"{BASE}/files/{key}", expires_at=None, key=key)

    async def remove(self, key: str) -> None:
        self.hosted.remove(key)

    async def test(self) -> str:
        return "ok"


class Rig:
    """A runtime over a real store file, with the API and the video host answered by `api`."""

    def __init__(self, tmp_path: Path, api: Handler, *, hoster: FakeHoster | None = None) -> None:
        self.requests: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return api(request)

        transport = httpx.MockTransport(record)
        self.sync = JobStore(tmp_path / "jobs.sqlite3")
        self.client = AuroraClient(Credentials("id", "key"), BASE, retry=NO_RETRY, transport=transport)
        config = EngineConfig(
            library_dir=tmp_path / "videos", partial_dir=tmp_path / "partial", reconcile_delays=(0.0,)
        )
        self.rt = Runtime(AsyncStore(self.sync), self.client, hoster or FakeHoster(), config, video_transport=transport)

    def insert(self, **changes: Any) -> LocalJob:
        job = LocalJob(
            id="j1",
            token="ad-0123456789",
            name="Clip",
            model="aurora_v1",
            image=InputFile(InputKind.IMAGE, "https://example.org/a.png", url="https://example.org/a.png"),
            audio=InputFile(InputKind.AUDIO, "https://example.org/a.wav", url="https://example.org/a.wav"),
            api_base=BASE,
        )
        return self.sync.insert(replace(job, **changes))

    def posts(self) -> int:
        return sum(1 for r in self.requests if r.method == "POST")

    async def close(self) -> None:
        await self.client.aclose()
        await self.rt.aclose()
        self.rt.store.close()


def scenario(tmp_path: Path, api: Handler, body: Callable[[Rig], Any], **kw: Any) -> Any:
    async def go() -> Any:
        rig = Rig(tmp_path, api, **kw)
        try:
            return await body(rig)
        finally:
            await rig.close()

    return run(go())


# ----------------------------------------------------------------------------- the table


def test_every_unfinished_state_has_a_step_and_can_be_parked() -> None:
    assert set(transitions.TRANSITIONS) == set(State)
    for state in State:
        if state not in FINAL_STATES:
            assert state in STEPS
            assert State.NEEDS_ATTENTION in transitions.TRANSITIONS[state]


def test_an_illegal_move_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    async def body(rig: Rig) -> None:
        job = rig.insert(state=State.SAVED)
        with pytest.raises(transitions.IllegalTransition, match="from saved to remote"):
            await transitions.move(rig.rt.store, job, State.REMOTE, History.SUBMITTED)
        assert (await rig.rt.store.get("j1")).state is State.SAVED

    scenario(tmp_path, lambda r: httpx.Response(500), body)


# ----------------------------------------------------------------------------- submitting


def test_a_created_job_is_adopted_with_one_post(tmp_path: Path) -> None:
    async def body(rig: Rig) -> LocalJob:
        await submit(rig.rt, rig.insert(state=State.SUBMITTING))
        return await rig.rt.store.get("j1")

    api = lambda r: httpx.Response(201, json=remote_job(name=json.loads(r.content)["name"]))  # noqa: E731
    job = scenario(tmp_path, posting(api), body)
    assert job.state is State.REMOTE and job.remote_id == "r1" and job.submit_attempts == 1


def test_a_refused_request_fails_and_takes_its_attempt_back(tmp_path: Path) -> None:
    async def body(rig: Rig) -> LocalJob:
        await submit(rig.rt, rig.insert(state=State.SUBMITTING))
        return await rig.rt.store.get("j1")

    job = scenario(tmp_path, posting(lambda r: httpx.Response(400, json={"audio": ["Audio is too long."]})), body)
    assert job.state is State.FAILED and job.error_code == ErrorCode.INPUT and job.submit_attempts == 0
    assert "too long" in job.error_message.lower()


def test_refused_keys_need_attention_and_nothing_counts_as_sent(tmp_path: Path) -> None:
    async def body(rig: Rig) -> LocalJob:
        await submit(rig.rt, rig.insert(state=State.SUBMITTING))
        return await rig.rt.store.get("j1")

    job = scenario(tmp_path, posting(lambda r: httpx.Response(401, json={"detail": "Invalid key."})), body)
    assert job.state is State.NEEDS_ATTENTION and job.error_code == ErrorCode.AUTH and job.submit_attempts == 0


def test_a_request_that_never_left_waits_and_is_not_an_attempt(tmp_path: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async def body(rig: Rig) -> LocalJob:
        with pytest.raises(Wait):
            await submit(rig.rt, rig.insert(state=State.SUBMITTING))
        return await rig.rt.store.get("j1")

    job = scenario(tmp_path, refuse, body)
    assert job.state is State.SUBMITTING and job.submit_attempts == 0


def test_a_lost_answer_is_found_by_token_not_sent_again(tmp_path: Path) -> None:
    """The POST reached the service but its answer was cut: the list is searched first."""
    created: list[dict[str, Any]] = []

    def api(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            created.append(remote_job("r9", json.loads(request.content)["name"]))
            raise httpx.ReadError("connection cut", request=request)
        return httpx.Response(200, json=created)

    async def body(rig: Rig) -> tuple[LocalJob, int, list[str]]:
        await submit(rig.rt, rig.insert(state=State.SUBMITTING))
        return await rig.rt.store.get("j1"), rig.posts(), [e["kind"] for e in rig.sync.events("j1")]

    job, posts, history = scenario(tmp_path, api, body)
    assert posts == 1 and job.state is State.REMOTE and job.remote_id == "r9"
    assert history[-1] == "adopted"


def test_of_two_drivers_that_read_the_same_job_only_one_posts(tmp_path: Path) -> None:
    gate = asyncio.Event()

    async def slow_post(request: httpx.Request) -> httpx.Response:
        await gate.wait()
        return httpx.Response(201, json=remote_job(name=json.loads(request.content)["name"]))

    async def body(rig: Rig) -> tuple[int, LocalJob]:
        job = rig.insert(state=State.SUBMITTING)
        first = asyncio.ensure_future(submit(rig.rt, job))
        while rig.posts() == 0:  # the first has claimed the attempt and is posting
            await asyncio.sleep(0.01)
        with pytest.raises(StateConflict):
            await submit(rig.rt, job)  # the same record, read before the claim
        gate.set()
        await first
        return rig.posts(), await rig.rt.store.get("j1")

    posts, job = scenario(tmp_path, posting(slow_post), body)
    assert posts == 1 and job.state is State.REMOTE and job.submit_attempts == 1


# ----------------------------------------------------------------------------- hosting


def test_a_file_changed_after_pricing_costs_nothing(tmp_path: Path) -> None:
    photo, voice = tmp_path / "a.png", tmp_path / "a.wav"
    photo.write_bytes(b"changed since the price was shown")
    voice.write_bytes(b"voice")
    hoster = FakeHoster()

    async def body(rig: Rig) -> LocalJob:
        await host(
            rig.rt,
            rig.insert(
                image=InputFile(InputKind.IMAGE, str(photo), hash="0" * 64),
                audio=InputFile(InputKind.AUDIO, str(voice)),
            ),
        )
        return await rig.rt.store.get("j1")

    job = scenario(tmp_path, lambda r: httpx.Response(500), body, hoster=hoster)
    assert job.state is State.NEEDS_ATTENTION and job.error_code == ErrorCode.INPUT and "changed" in job.error_message
    assert hoster.hosted == []


def test_hosting_gives_each_local_input_a_link(tmp_path: Path) -> None:
    photo = tmp_path / "a.png"
    photo.write_bytes(b"photo")
    hoster = FakeHoster()

    async def body(rig: Rig) -> LocalJob:
        await host(rig.rt, rig.insert(image=InputFile(InputKind.IMAGE, str(photo), mime="image/png")))
        return await rig.rt.store.get("j1")

    job = scenario(tmp_path, lambda r: httpx.Response(500), body, hoster=hoster)
    assert job.state is State.SUBMITTING
    assert job.image.url == f"{BASE}/files/j1/image.png" and job.image.key == "j1/image.png"
    assert job.audio.url == job.audio.source  # a pasted link is sent as it is
    assert hoster.hosted == ["j1/image.png"]


# ----------------------------------------------------------------------------- downloading


def test_a_refused_download_is_not_called_a_full_disk(tmp_path: Path) -> None:
    """HTTP 400 from the video host is the host's answer, not the local disk: it does
    not claim to resume on the next start."""

    async def body(rig: Rig) -> LocalJob:
        await fetch_video(
            rig.rt, rig.insert(state=State.DOWNLOADING, remote_id="r1", video_url="https://videos.example.org/v.mp4")
        )
        return await rig.rt.store.get("j1")

    job = scenario(tmp_path, lambda r: httpx.Response(400), body)
    assert job.state is State.NEEDS_ATTENTION and job.error_code == ErrorCode.DOWNLOAD
    assert not rule_for(job.error_code).resumes_on_start and rule_for(ErrorCode.DISK).resumes_on_start


def test_a_finished_video_is_filed_with_its_sidecar(tmp_path: Path) -> None:
    video = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 1000

    async def body(rig: Rig) -> LocalJob:
        await fetch_video(
            rig.rt, rig.insert(state=State.DOWNLOADING, remote_id="r1", video_url="https://videos.example.org/v.mp4")
        )
        return await rig.rt.store.get("j1")

    async def with_requests(rig: Rig) -> tuple[LocalJob, list[httpx.Request]]:
        return await body(rig), rig.requests

    job, requests = scenario(tmp_path, lambda r: httpx.Response(200, content=video), with_requests)
    assert job.state is State.SAVED and Path(job.output_path).read_bytes() == video
    assert json.loads(Path(job.output_path).with_suffix(".json").read_text())["name"] == "Clip"
    [fetch] = requests
    assert fetch.url.host == "videos.example.org" and "X-API-KEY" not in fetch.headers  # keys stay with the API


# ----------------------------------------------------------------------------- recovery


def test_retry_of_a_job_failed_at_creatify_is_a_new_request(tmp_path: Path) -> None:
    async def body(rig: Rig) -> LocalJob:
        job = rig.insert(state=State.FAILED, remote_id="r1", remote_status="failed", error_code="remote")
        return await recovery.retry(rig.rt, job)

    job = scenario(tmp_path, lambda r: httpx.Response(500), body)
    assert job.state is State.DRAFT and job.remote_id is None and job.token != "ad-0123456789"
    assert job.error_code is None


def test_only_a_disk_problem_resumes_on_start(tmp_path: Path) -> None:
    async def body(rig: Rig) -> list[str]:
        rig.insert(state=State.NEEDS_ATTENTION, error_code="disk", remote_id="r1", remote_status="done")
        rig.insert(
            id="j2",
            token="ad-2",
            state=State.NEEDS_ATTENTION,
            error_code="download",
            remote_id="r2",
            remote_status="done",
        )
        return [j.id for j in await recovery.jobs_to_resume(rig.rt)]

    assert scenario(tmp_path, lambda r: httpx.Response(500), body) == ["j1"]


def test_videos_with_one_name_saved_at_once_never_overwrite_each_other(tmp_path: Path) -> None:
    """Issue 13.1: four jobs named "Clip" finishing together gave two the same file name."""

    def video(request: httpx.Request) -> httpx.Response:
        number = request.url.path.rsplit("/", 1)[-1].encode()
        return httpx.Response(200, content=b"\x00\x00\x00\x18ftypmp42" + number * 500)

    async def body(rig: Rig) -> list[LocalJob]:
        jobs = [
            rig.insert(
                id=f"j{i}",
                token=f"ad-{i}",
                state=State.DOWNLOADING,
                remote_id=f"r{i}",
                video_url=f"https://videos.example.org/{i}",
            )
            for i in range(4)
        ]
        await asyncio.gather(*(fetch_video(rig.rt, job) for job in jobs))
        return [await rig.rt.store.get(job.id) for job in jobs]

    jobs = scenario(tmp_path, video, body)
    paths = {job.output_path for job in jobs}
    assert len(paths) == 4 and all(job.state is State.SAVED for job in jobs)
    for i, job in enumerate(jobs):  # each file holds its own job's video
        assert Path(job.output_path).read_bytes().endswith(str(i).encode() * 500)


def test_one_unreadable_job_in_a_poll_answer_does_not_hold_up_the_others(tmp_path: Path) -> None:
    """Issue 13.6: one job with an odd field made the whole list fail, so no job advanced."""

    def api(request: httpx.Request) -> httpx.Response:
        done = remote_job("r2", status="running", progress=0.5) | {"status": "done"}
        text = json.dumps([{"id": "r1", "status": 3}, done | {"video_output": "https://videos.example.org/2.mp4"}])
        return httpx.Response(200, content=text.replace("0.5", "NaN").encode())  # as Python's json writes it

    async def body(rig: Rig) -> LocalJob:
        stuck = asyncio.ensure_future(STEPS[State.REMOTE](rig.rt, rig.insert(state=State.REMOTE, remote_id="r1")))
        done = rig.insert(id="j2", token="ad-2", state=State.REMOTE, remote_id="r2")
        try:
            await asyncio.wait_for(STEPS[State.REMOTE](rig.rt, done), timeout=10)
        finally:
            stuck.cancel()
            await rig.rt.poller.close(timeout=1)
        return await rig.rt.store.get("j2")

    job = scenario(tmp_path, api, body)
    assert job.state is State.DOWNLOADING and job.video_url == "https://videos.example.org/2.mp4"


def test_a_library_that_cannot_be_written_stops_the_engine_instead_of_hanging(tmp_path: Path) -> None:
    """Issue 13.5: the poller died on "attempt to write a readonly database" and `resume` hung."""
    from aurora_desktop.jobs.engine import Engine
    from aurora_desktop.jobs.events import EngineStopped

    def api(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[remote_job("r1", status="done", video_output="https://v.example.org/1.mp4")])

    async def go() -> tuple[BaseException | None, list[Any]]:
        rig = Rig(tmp_path, api)
        rig.insert(state=State.REMOTE, remote_id="r1")
        rig.sync._db.execute("PRAGMA query_only=ON")  # every write now fails as on a read-only disk
        engine = Engine(rig.sync, rig.client, FakeHoster(), rig.rt.config)
        events: list[Any] = []
        engine.subscribe(events.append)
        try:
            await engine.start()
            await asyncio.wait_for(engine.wait("j1"), timeout=10)
            return None, events
        except StoreWriteFailed as exc:
            return exc, events
        finally:
            await engine.close()
            await rig.client.aclose()
            await rig.rt.aclose()

    error, events = run(go())
    assert isinstance(error, StoreWriteFailed) and "could not write to its job library" in error.user_message
    assert "readonly" in error.detail
    [stopped] = [e for e in events if isinstance(e, EngineStopped)]
    assert stopped.message == error.user_message


def test_a_job_that_forgot_its_attempt_is_found_by_token_before_any_post(tmp_path: Path) -> None:
    """Issue 13.4: a damaged WAL rolled a submitted job back to "0 attempts" and it was sent again."""

    def api(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(201, json=remote_job("r-second"))
        return httpx.Response(200, json=[remote_job("r-first", name="Clip [ad-0123456789]", status="running")])

    async def body(rig: Rig) -> tuple[LocalJob, int]:
        await submit(rig.rt, rig.insert(state=State.SUBMITTING, submit_attempts=0))
        return await rig.rt.store.get("j1"), rig.posts()

    job, posts = scenario(tmp_path, api, body)
    assert posts == 0 and job.state is State.REMOTE and job.remote_id == "r-first"


def test_a_list_not_newest_first_never_leads_to_a_second_request(tmp_path: Path) -> None:
    """Review of issue 20.2: the bounded search stopped at the first job older than this one,
    assuming the service honours `ordering=-created_at`. One that lists oldest first made that
    the very first job: the search ended at once, and after an uncertain first request the
    video was requested again (a second charge if the first had arrived)."""
    now = datetime.now(UTC)
    listed = [  # oldest first, and the job's own token is beyond what the search may read
        remote_job(f"r{i}", name=f"Other {i}", created_at=(now - timedelta(days=30 - i)).isoformat()) for i in range(3)
    ]

    def api(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(201, json=remote_job("r-again", json.loads(request.content)["name"]))
        return httpx.Response(200, json=listed)

    async def body(rig: Rig) -> tuple[LocalJob, int]:
        await submit(rig.rt, rig.insert(state=State.SUBMITTING, submit_attempts=1))
        return await rig.rt.store.get("j1"), rig.posts()

    job, posts = scenario(tmp_path, api, body)
    assert posts == 0 and job.state is State.NEEDS_ATTENTION and job.error_code == ErrorCode.LOST
    assert "not newest first" in (job.error_detail or "")


@pytest.mark.parametrize("answer", ["busy", "slow", "unreadable"])
def test_a_list_that_cannot_be_read_does_not_stop_a_first_request(tmp_path: Path, answer: str) -> None:
    """Issue 20.2: before a first request the search is a safety net only. A heavy account's
    whole list may be refused by the service (503), time out, or come back unreadable: the
    job parked ("unexpected") or waited for ever as if offline, and no video was made."""

    def api(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(201, json=remote_job("r1", json.loads(request.content)["name"]))
        if answer == "busy":
            return httpx.Response(503, json={"detail": "Service unavailable."})
        if answer == "slow":
            raise httpx.ReadTimeout("the list took too long", request=request)
        return httpx.Response(200, content=b'{"detail": "not a list"}')

    async def body(rig: Rig) -> tuple[LocalJob, int]:
        await submit(rig.rt, rig.insert(state=State.SUBMITTING))
        return await rig.rt.store.get("j1"), rig.posts()

    job, posts = scenario(tmp_path, api, body)
    assert posts == 1 and job.state is State.REMOTE and job.remote_id == "r1"


@pytest.mark.parametrize(
    ("link", "answer"),
    [
        ("file:///etc/passwd", None),
        ("http://169.254.169.254/latest/meta-data/", None),  # a cloud metadata address
        ("http://10.1.2.3/video.mp4", None),
        ("https://videos.example.org/v.mp4", "http://169.254.169.254/latest/meta-data/"),  # a redirect there
        ("http://127.0.0.1:9/sandbox/outputs/v.mp4", None),  # loopback: only for the local stand-in
        # Issue 20.14: links httpx cannot read parked the job as "unexpected" with a traceback
        ("http://0177.0.0.1/video.mp4", None),  # octal IPv4 (127.0.0.1)
        ("https://videos.example.org/" + "a" * 120_000, None),  # a 120 kB link
    ],
)
def test_video_links_go_only_to_public_addresses(tmp_path: Path, link: str, answer: str | None) -> None:
    """Issue 13.12: a video link (or a redirect) to file://, a link-local or private address was followed."""

    def host(request: httpx.Request) -> httpx.Response:
        if answer and request.url.host == "videos.example.org":
            return httpx.Response(302, headers={"Location": answer})
        return httpx.Response(200, content=b"\x00\x00\x00\x18ftypmp42secret")

    async def body(rig: Rig) -> tuple[LocalJob, list[str]]:
        rig.rt.allow_loopback_videos = False  # as with Creatify's real address
        await fetch_video(rig.rt, rig.insert(state=State.DOWNLOADING, remote_id="r1", video_url=link))
        return await rig.rt.store.get("j1"), [str(r.url) for r in rig.requests]

    job, sent = scenario(tmp_path, host, body)
    assert job.state is State.NEEDS_ATTENTION and job.error_code == ErrorCode.DOWNLOAD
    assert "not a public web address" in job.error_message
    assert not any("169.254" in url or "10.1.2.3" in url or "127.0.0.1" in url for url in sent)


def _download_scenario(tmp_path: Path, host: Handler) -> tuple[LocalJob, Path]:
    async def body(rig: Rig) -> LocalJob:
        await fetch_video(
            rig.rt,
            rig.insert(
                state=State.DOWNLOADING, remote_id="r1", audio_seconds=8.0, video_url="https://videos.example.org/v.mp4"
            ),
        )
        return await rig.rt.store.get("j1")

    return scenario(tmp_path, host, body), tmp_path / "partial" / "j1.mp4.part"


def test_a_video_announced_far_too_large_is_not_downloaded(tmp_path: Path) -> None:
    """Issue 13.9: a link announcing 10 GB filled the disk."""

    def host(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": str(10 * 1024**3)}, content=b"")

    job, partial = _download_scenario(tmp_path, host)
    assert job.state is State.NEEDS_ATTENTION and job.error_code == ErrorCode.DOWNLOAD
    assert "far larger than a video of this length" in job.error_message and not partial.exists()


def test_a_video_that_streams_forever_is_cut_off_at_a_bound(tmp_path: Path) -> None:
    """Issue 13.9: a link that never ends (no length announced) filled the disk."""
    sent = [0]

    async def endless() -> Any:
        block = b"\x00" * (1024 * 1024)
        while True:
            sent[0] += len(block)
            yield block

    job, partial = _download_scenario(tmp_path, lambda r: httpx.Response(200, content=endless()))
    limit = get_model("aurora_v1").max_video_bytes(8.0)
    assert job.state is State.NEEDS_ATTENTION and "far larger" in job.error_message and not partial.exists()
    assert limit < sent[0] <= limit + 4 * 1024 * 1024  # stopped within a few blocks of the bound


def test_a_disk_without_room_for_the_video_says_so_before_downloading(tmp_path: Path, monkeypatch) -> None:
    import shutil

    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda p: real(p)._replace(free=20_000_000))  # 20 MB free
    video = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40_000_000
    job, _ = _download_scenario(tmp_path, lambda r: httpx.Response(200, content=video))
    assert job.state is State.NEEDS_ATTENTION and job.error_code == ErrorCode.DISK
    assert "not enough free disk space" in job.error_message and rule_for(job.error_code).resumes_on_start


def test_a_status_this_app_does_not_know_is_reported_after_a_while_and_still_watched(tmp_path: Path) -> None:
    """Issue 13.8: an unknown status kept `run` polling forever."""
    from aurora_desktop.jobs.engine import Engine

    status = ["paused_for_review"]

    def api(request: httpx.Request) -> httpx.Response:
        if request.url.host == "videos.example.org":
            return httpx.Response(200, content=b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
        return httpx.Response(
            200, json=[remote_job("r1", status=status[0], video_output="https://videos.example.org/1.mp4")]
        )

    async def go() -> tuple[LocalJob, LocalJob]:
        rig = Rig(tmp_path, api)
        rig.insert(state=State.REMOTE, remote_id="r1")
        config = replace(rig.rt.config, unknown_status_patience=0.5, poll_min=0.2, poll_max=0.2)
        engine = Engine(rig.sync, rig.client, FakeHoster(), config, video_transport=httpx.MockTransport(api))
        try:
            await engine.start()
            noted = await asyncio.wait_for(engine.wait("j1"), timeout=10)  # returns: the user must know
            status[0] = "done"  # ... and the engine keeps watching
            while (job := await engine.store.get("j1")).state is not State.SAVED:
                await asyncio.sleep(0.05)
            return noted, job
        finally:
            await engine.close()
            await rig.client.aclose()
            await rig.rt.aclose()

    noted, saved = run(asyncio.wait_for(go(), 30))
    assert noted.state is State.REMOTE and noted.error_code == ErrorCode.STATE
    assert "does not know (paused_for_review)" in noted.error_message
    assert saved.error_code is None and saved.error_message is None


def test_a_deleted_video_comes_back_under_its_own_name_with_its_sidecar(tmp_path: Path) -> None:
    """Issue 13.14: a video deleted by hand was fetched again as "name (2).mp4", beside the old sidecar."""
    video = b"\x00\x00\x00\x18ftypmp42" + b"\x07" * 1000

    async def body(rig: Rig) -> tuple[LocalJob, list[str]]:
        job = rig.insert(state=State.DOWNLOADING, remote_id="r1", video_url="https://videos.example.org/1.mp4")
        await fetch_video(rig.rt, job)
        saved = await rig.rt.store.get("j1")
        Path(saved.output_path).unlink()  # the user deleted the video, not its sidecar
        [again] = await recovery.jobs_to_resume(rig.rt)
        await fetch_video(rig.rt, again)
        return await rig.rt.store.get("j1"), sorted(p.name for p in (tmp_path / "videos").iterdir())

    job, names = scenario(tmp_path, lambda r: httpx.Response(200, content=video), body)
    stem = Path(job.output_path).stem
    assert job.state is State.SAVED and names == [f"{stem}.json", f"{stem}.mp4"]


# ----------------------------------------------------------------------------- speaking (script jobs)


def _speech(status: str = "pending", name: str = "Clip [ad-0123456789]", **extra: Any) -> dict[str, Any]:
    return {"id": "s1", "name": name, "status": status, **extra}


def _script_job(rig: Rig, **changes: Any) -> LocalJob:
    fields: dict[str, Any] = {"script": "Hello there", "voice_id": "v1", "audio_seconds": 1.0, **changes}
    return rig.insert(audio=InputFile(InputKind.AUDIO, ""), **fields)


def test_a_lost_speech_answer_is_found_in_the_list_by_script_voice_and_time(tmp_path: Path) -> None:
    """Speech has no `name`: the lost job is the newest one with the same script and voice made after the attempt."""
    seen: list[httpx.Request] = []
    later, earlier = "2999-01-01T00:00:00Z", "2000-01-01T00:00:00Z"
    done = {"status": "done", "script": "Hello there", "accent": "v1", "duration": 1}
    listed = [
        {**done, "id": "s-other-voice", "accent": "v2", "created_at": later},
        {**done, "id": "s-other-script", "script": "Hello there!", "created_at": later},
        {**done, "id": "s1", "created_at": later, "output": f"{BASE}/s1.wav"},
        {**done, "id": "s-before", "created_at": earlier, "output": f"{BASE}/old.wav"},
    ]

    def api(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "POST":
            assert "name" not in json.loads(request.content)  # not a documented field
            return httpx.Response(502, text="<html>Bad gateway</html>")
        if request.url.path == "/api/text_to_speech/":
            return httpx.Response(200, json=listed)
        return httpx.Response(200, json={**listed[2], "credits_used": 1})

    async def body(rig: Rig) -> LocalJob:
        job = _script_job(rig)
        await STEPS[State.DRAFT](rig.rt, job)
        return await rig.rt.store.get("j1")

    job = scenario(tmp_path, api, body)
    assert job.state is State.HOSTING and job.speech_id == "s1" and job.speech_attempts == 1
    assert job.audio.url == f"{BASE}/s1.wav" and job.audio_seconds == 1 and job.speech_credits == 1
    [listing] = [r for r in seen if r.method == "GET" and r.url.path == "/api/text_to_speech/"]
    assert listing.url.params["ordering"] == "-created_at"


def test_a_lost_speech_answer_is_matched_on_its_accent_whatever_the_uuid_spelling(tmp_path: Path) -> None:
    voice = "3c90c3cc-0d44-4b50-8888-8dd25736052a"

    def api(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(502, text="<html>Bad gateway</html>")
        made = {"id": "s1", "status": "running", "script": "Hello there", "accent": voice.upper()}
        made["created_at"] = "2999-01-01T00:00:00Z"
        return httpx.Response(200, json=[made] if request.url.path == "/api/text_to_speech/" else made)

    async def body(rig: Rig) -> LocalJob:
        with pytest.raises(Wait):  # adopted, then still being made
            await STEPS[State.DRAFT](rig.rt, _script_job(rig, voice_id=voice))
        return await rig.rt.store.get("j1")

    job = scenario(tmp_path, api, body)
    assert job.speech_id == "s1" and job.state is State.SPEAKING


def test_a_lost_speech_answer_made_before_the_attempt_is_not_adopted(tmp_path: Path) -> None:
    """Only a speech made after this job's attempt can be its answer; nothing newer matches: parked."""

    def api(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(502, text="<html>Bad gateway</html>")
        old = {"id": "s0", "status": "done", "script": "Hello there", "accent": "v1"}
        return httpx.Response(200, json=[{**old, "created_at": "2000-01-01T00:00:00Z"}])

    async def body(rig: Rig) -> LocalJob:
        await STEPS[State.DRAFT](rig.rt, _script_job(rig))
        return await rig.rt.store.get("j1")

    job = scenario(tmp_path, api, body)
    assert job.state is State.NEEDS_ATTENTION and job.error_code == ErrorCode.LOST and job.speech_id is None


def test_a_refused_speech_fails_with_nothing_spent_and_takes_its_attempt_back(tmp_path: Path) -> None:
    def api(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"accent": ["Invalid pk - object does not exist."]})

    async def body(rig: Rig) -> LocalJob:
        await STEPS[State.DRAFT](rig.rt, _script_job(rig))
        return await rig.rt.store.get("j1")

    job = scenario(tmp_path, api, body)
    assert job.state is State.FAILED and job.error_code == ErrorCode.INPUT and job.speech_attempts == 0
    assert "Nothing was spent" in job.error_message


def test_a_failed_speech_fails_the_job_and_try_again_asks_for_a_new_one(tmp_path: Path) -> None:
    answers = iter([_speech("failed", failed_reason="voice unavailable")])

    def api(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(200, json=_speech())
        return httpx.Response(200, json=next(answers, _speech("running")))

    async def body(rig: Rig) -> tuple[LocalJob, LocalJob]:
        await STEPS[State.DRAFT](rig.rt, _script_job(rig))  # asked for, then found failed
        failed = await rig.rt.store.get("j1")
        return failed, await recovery.retry(rig.rt, failed)

    failed, retried = scenario(tmp_path, api, body)
    assert failed.state is State.FAILED and "voice unavailable" in failed.error_message
    assert failed.speech_credits == 0.0
    assert retried.state is State.DRAFT and retried.speech_id is None and retried.speech_attempts == 0
    assert retried.token != failed.token and retried.needs_speech


def test_a_speech_still_being_made_waits_at_the_quick_poll(tmp_path: Path) -> None:
    def api(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=_speech("running"))

    async def body(rig: Rig) -> None:
        job = rig.insert(
            state=State.SPEAKING, audio=InputFile(InputKind.AUDIO, ""), script="Hi", voice_id="v1", speech_id="s1"
        )
        with pytest.raises(Wait) as wait:
            await STEPS[State.SPEAKING](rig.rt, job)
        assert wait.value.delay == rig.rt.config.poll_min

    scenario(tmp_path, api, body)


def _lost_speech_scenario(tmp_path: Path, lists: Callable[[], list[dict[str, Any]]], **config: Any) -> LocalJob:
    """A speech POST whose answer is lost (502); the list GET answered by `lists()` each time."""

    def api(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(502, text="<html>Bad gateway</html>")
        if request.url.path == "/api/text_to_speech/":
            return httpx.Response(200, json=lists())
        return httpx.Response(200, json={"id": "s1", "status": "running"})

    async def body(rig: Rig) -> LocalJob:
        for key, value in config.items():
            setattr(rig.rt.config, key, value)
        with pytest.raises(Wait):  # adopted, then still being made
            await STEPS[State.DRAFT](rig.rt, _script_job(rig))
        return await rig.rt.store.get("j1")

    return scenario(tmp_path, api, body)


def test_a_lost_speech_is_found_when_creatifys_clock_is_behind_this_computers(tmp_path: Path) -> None:
    """Review of issues 20/22: the speech was made after the attempt, but Creatify's clock says
    five minutes before it; it is found (CLOCK_MARGIN), not parked and paid for again."""
    from aurora_desktop.jobs.model import utcnow

    def lists() -> list[dict[str, Any]]:
        behind = (utcnow() - timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
        return [{"id": "s1", "status": "running", "script": "Hello there", "accent": "v1", "created_at": behind}]

    job = _lost_speech_scenario(tmp_path, lists)
    assert job.speech_id == "s1" and job.state is State.SPEAKING and job.speech_attempts == 1


def test_a_lost_speech_without_a_creation_time_is_found_by_script_and_voice(tmp_path: Path) -> None:
    listed = [
        {"id": "s-other", "status": "running", "script": "Hello", "accent": "v1"},
        {"id": "s1", "status": "running", "script": "Hello there", "accent": "v1"},
        {"id": "s-older", "status": "done", "script": "Hello there", "accent": "v1"},
    ]
    job = _lost_speech_scenario(tmp_path, lambda: listed)
    assert job.speech_id == "s1" and job.state is State.SPEAKING  # the newest match (the list is newest first)


def test_a_lost_speech_that_appears_in_the_list_late_is_found_on_a_second_look(tmp_path: Path) -> None:
    answers = iter([[], [{"id": "s1", "status": "running", "script": "Hello there", "accent": "v1"}]])
    job = _lost_speech_scenario(tmp_path, lambda: next(answers), reconcile_delays=(0.0, 0.0))
    assert job.speech_id == "s1" and job.state is State.SPEAKING
