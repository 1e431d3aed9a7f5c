"""Small things probing found (issue 13.14): keys in reprs and child environments, bidi
controls in names, reserved paths shown as if saved."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import httpx
import pytest

from aurora_desktop.api import AuroraClient, Credentials
from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State
from aurora_desktop.jobs.naming import clean_text, video_stem
from aurora_desktop.sandbox.process import SandboxProcess
from tests.fixtures.loops import run

KEY = "sk-very-secret-key"


def test_the_key_is_in_no_repr_and_no_generic_dump_but_on_each_request() -> None:
    sent: list[httpx.Request] = []

    async def go() -> str:
        transport = httpx.MockTransport(
            lambda r: (sent.append(r), httpx.Response(200, json={"remaining_credits": 1}))[1]
        )
        async with AuroraClient(Credentials("id-1", KEY), "http://127.0.0.1:9", transport=transport) as client:
            await client.remaining_credits()
            return repr(client) + repr(client._http.headers) + repr(vars(client)) + repr(client._credentials)

    shown = run(go())
    assert KEY not in shown
    with pytest.raises(TypeError):
        dataclasses.asdict(Credentials("id-1", KEY))  # type: ignore[call-overload]
    assert sent[0].headers["X-API-KEY"] == KEY and sent[0].headers["X-API-ID"] == "id-1"


def test_the_demo_stand_in_gets_no_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AURORA_API_KEY", KEY)
    monkeypatch.setenv("AURORA_API_ID", "id-1")
    with SandboxProcess(["--job-seconds", "1"]) as proc:
        environ = Path(f"/proc/{proc._proc.pid}/environ").read_bytes()  # type: ignore[union-attr]
    assert KEY.encode() not in environ and b"AURORA_API_ID" not in environ
    assert os.environ["AURORA_API_KEY"] == KEY  # this process keeps what it was given


def test_bidi_controls_never_reach_a_name_or_a_file_name() -> None:
    from datetime import UTC, datetime

    spoof = "clip\u202egnp.exe"
    assert clean_text(spoof) == "clipgnp.exe"
    assert "\u202e" not in video_stem("{name}", name=spoof, model="m", job_id="j", when=datetime.now(UTC))
    assert (
        clean_text("family \U0001f468\u200d\U0001f469\u200d\U0001f467")
        == "family \U0001f468\u200d\U0001f469\u200d\U0001f467"
    )


def test_the_terminal_drops_every_bidi_control_the_names_do() -> None:
    from aurora_desktop.cli.output import terminal_text
    from aurora_desktop.jobs.naming import BIDI_CONTROLS

    for control in [*map(chr, BIDI_CONTROLS), "\u2028", "\u2029"]:  # U+061C (Arabic letter mark) too
        assert control not in terminal_text(f"voice{control}name"), hex(ord(control))


def test_the_sandbox_writes_credits_as_the_app_does() -> None:
    from decimal import Decimal

    from aurora_desktop.sandbox.speech import SpeechJob

    job = SpeechJob(id="s1", script="hi", accent="a1", webhook_url="")
    for amount, written in ((Decimal(3), 3), (Decimal("0.7"), 0.7), (Decimal("1234567.5"), 1234567.5)):
        job.credits_used = amount
        value = job.to_api()["credits_used"]
        assert value == written and type(value) is type(written)


def test_a_reserved_name_is_not_shown_as_the_video_until_it_is_saved() -> None:
    job = LocalJob(
        id="j",
        token="t",
        name="n",
        model="aurora_v1",
        image=InputFile(InputKind.IMAGE, "a.png"),
        audio=InputFile(InputKind.AUDIO, "a.wav"),
        state=State.NEEDS_ATTENTION,
        output_path="/v/n.mp4",
    )
    assert job.to_summary()["output_path"] is None
    assert job.with_changes(state=State.SAVED).to_summary()["output_path"] == "/v/n.mp4"


def test_a_picture_is_recognised_by_its_first_bytes_before_the_rest_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13.11: a large file named .png was read whole before "not a picture"."""
    from aurora_desktop.media import inspect

    reads: list[int | None] = []
    real_read = inspect._read
    monkeypatch.setattr(inspect, "_read", lambda *a, **kw: (reads.append(kw.get("head")), real_read(*a, **kw))[1])
    fake = tmp_path / "holiday.png"
    with open(fake, "wb") as fh:
        fh.write(b"%PDF-1.7 not a picture")
        fh.truncate(60 * 1024 * 1024)  # under the size bound: only the sniff stops it early
    with pytest.raises(inspect.InputError, match="not a picture"):
        inspect.inspect_image(fake)
    assert reads == [16]  # its first bytes only
