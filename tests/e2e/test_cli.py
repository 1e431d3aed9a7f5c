"""The headless command: exit codes, messages, and nothing spent on bad input."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.fixtures.cli import cli_args, cli_env, run_cli
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE, make_wav
from tests.fixtures.sandbox import Sandbox

pytestmark = pytest.mark.e2e


def test_run_saves_the_video_and_prints_its_path_last(make_sandbox, tmp_path: Path) -> None:
    sb: Sandbox = make_sandbox()
    result = run_cli(
        cli_args(
            sb,
            tmp_path / "p",
            "run",
            "--image",
            str(SAMPLE_IMAGE),
            "--audio",
            str(SAMPLE_AUDIO),
            "--name",
            "Shop promo",
            "--json",
        ),
        cli_env(sb),
    )
    assert result.returncode == 0, result.stderr
    saved = Path(result.stdout.strip().splitlines()[-1])
    assert saved.parent == tmp_path / "p" / "videos" and saved.name.endswith(" Shop promo.mp4")
    assert saved.read_bytes()[4:8] == b"ftyp"
    sidecar = json.loads(saved.with_suffix(".json").read_text())
    assert sidecar["name"] == "Shop promo" and sidecar["credits_used"] == 8 and sidecar["remote_id"]
    events = [json.loads(line) for line in result.stderr.splitlines()]
    price = [e for e in events if e.get("cost") is not None]
    assert price and price[0]["cost"] == 8 and "8 credits" in price[0]["message"]
    states = [e["state"] for e in events if e["event"] == "job"]
    assert states[-1] == "saved" and "remote" in states and "downloading" in states
    assert any(e["event"] == "progress" and e["phase"] == "hosting" for e in events)
    # Privacy (default on): the hosted inputs are gone from the host once the video is saved.
    assert (
        sb.stats()["requests"].get("DELETE /sandbox/files/{id}/portrait.png", 0)
        + sum(v for k, v in sb.stats()["requests"].items() if k.startswith("DELETE /sandbox/files/"))
        >= 2
    )

    listing = run_cli(
        [sys.executable, "-m", "aurora_desktop", "jobs", "--json", "--profile", str(tmp_path / "p")], cli_env()
    )
    [job] = json.loads(listing.stdout)
    assert job["state"] == "saved" and job["output_path"] == str(saved) and job["credits_used"] == 8


def _bad_inputs(tmp: Path) -> dict[str, tuple[list[str], str]]:
    corrupt_png = tmp / "corrupt.png"
    corrupt_png.write_bytes(SAMPLE_IMAGE.read_bytes()[:300])
    corrupt_wav = tmp / "corrupt.wav"
    corrupt_wav.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk")
    empty = tmp / "empty.wav"
    empty.write_bytes(b"")
    text_as_image = tmp / "photo.jpg"
    text_as_image.write_text("not a photo")
    small = tmp / "small.png"
    Image.new("RGB", (100, 300)).save(small)
    odd_dir = tmp / "odd"
    odd_dir.mkdir()
    weird = odd_dir / (os.fsdecode(b"caf\xe9-\xff") + ".png")  # a name that is not valid UTF-8
    shutil.copy(SAMPLE_IMAGE, weird)
    long_audio = make_wav(tmp / "long.wav", 16.0)
    img, aud = str(SAMPLE_IMAGE), str(SAMPLE_AUDIO)
    return {
        "image is text": (["--image", str(text_as_image), "--audio", aud], "not a picture"),
        "audio is an image": (["--image", img, "--audio", img], "no sound"),
        "corrupt image": (["--image", str(corrupt_png), "--audio", aud], "damaged"),
        "corrupt audio": (["--image", img, "--audio", str(corrupt_wav)], "damaged"),
        "zero-byte audio": (["--image", img, "--audio", str(empty)], "empty"),
        "missing image": (["--image", str(tmp / "nope.png"), "--audio", aud], "does not exist"),
        "missing audio": (["--image", img, "--audio", str(tmp / "nope.wav")], "does not exist"),
        "too small": (["--image", str(small), "--audio", aud], "at least 256 pixels"),
        "audio too long for the model": (
            ["--image", img, "--audio", str(long_audio), "--model", "aurora_v2_2k"],
            "takes clips up to 14 seconds",
        ),
        "unknown model": (["--image", img, "--audio", aud, "--model", "aurora_v9"], "Unknown model"),
        "guidance out of range": (["--image", img, "--audio", aud, "--guidance", "11"], "between 0 and 10"),
        "folder as image": (["--image", str(odd_dir), "--audio", aud], "folder"),
    }


def test_bad_inputs_exit_2_with_a_clear_message_and_nothing_spent(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    before = sb.stats()["remaining_credits"]
    for case, (args, words) in _bad_inputs(tmp_path).items():
        result = run_cli(cli_args(sb, tmp_path / "p", "run", *args), cli_env(sb))
        assert result.returncode == 2, (case, result.stderr)
        assert words in result.stderr, (case, result.stderr)
        assert "Traceback" not in result.stderr, case
    stats = sb.stats()
    assert stats["jobs"] == 0 and stats["remaining_credits"] == before
    assert "POST /api/aurora/" not in stats["requests"]


def test_non_utf8_and_very_long_names_work(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    odd = tmp_path / (os.fsdecode(b"portr\xe4t-\xff") + ".png")
    shutil.copy(SAMPLE_IMAGE, odd)
    name = "Ünïcødé 🎤 " + "very long name/with\\slashes:and*stars " * 12
    result = run_cli(
        cli_args(sb, tmp_path / "p", "run", "--image", str(odd), "--audio", str(SAMPLE_AUDIO), "--name", name),
        cli_env(sb),
    )
    assert result.returncode == 0, result.stderr
    saved = Path(result.stdout.strip().splitlines()[-1])
    assert saved.exists() and saved.parent == tmp_path / "p" / "videos"
    assert "/" not in saved.name and "\\" not in saved.name and len(saved.name.encode()) <= 255
    remote_names = [j["name"] for j in __import__("httpx").get(f"{sb.url}/api/aurora/", headers=sb.headers).json()]
    assert len(remote_names) == 1 and len(remote_names[0]) <= 255  # within Creatify's limit


def test_no_keys_exits_3(tmp_path: Path) -> None:
    env = cli_env(DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")  # and no keyring either
    result = run_cli(
        [
            sys.executable,
            "-m",
            "aurora_desktop",
            "run",
            "--image",
            str(SAMPLE_IMAGE),
            "--audio",
            str(SAMPLE_AUDIO),
            "--profile",
            str(tmp_path),
        ],
        env,
    )
    assert result.returncode == 3, result.stderr
    assert "password store" in result.stderr or "No Creatify API keys" in result.stderr


def test_wrong_keys_exit_3(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    env = cli_env(sb)
    env["AURORA_API_KEY"] = "wrong"
    result = run_cli(cli_args(sb, tmp_path, "run", "--image", str(SAMPLE_IMAGE), "--audio", str(SAMPLE_AUDIO)), env)
    assert result.returncode == 3 and "API ID and key" in result.stderr


def test_not_enough_credits_exits_3_before_spending(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox("--credits", "5")
    result = run_cli(
        cli_args(sb, tmp_path, "run", "--image", str(SAMPLE_IMAGE), "--audio", str(SAMPLE_AUDIO)), cli_env(sb)
    )
    assert result.returncode == 3 and "costs 8 and you have 5" in result.stderr
    assert sb.stats()["jobs"] == 0


def test_unreachable_service_exits_4(tmp_path: Path) -> None:
    env = cli_env(AURORA_API_ID="a", AURORA_API_KEY="b")
    result = run_cli(
        [
            sys.executable,
            "-m",
            "aurora_desktop",
            "run",
            "--image",
            str(SAMPLE_IMAGE),
            "--audio",
            str(SAMPLE_AUDIO),
            "--profile",
            str(tmp_path),
            "--api-base",
            "http://127.0.0.1:9",
            "--hosting",
            "sandbox",
        ],
        env,
    )
    assert result.returncode == 4, result.stderr
    assert "Could not reach Creatify" in result.stderr


def test_local_file_without_storage_is_refused_before_spending(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    args = [a for a in cli_args(sb, tmp_path, "run", "--image", str(SAMPLE_IMAGE), "--audio", str(SAMPLE_AUDIO))]
    args[args.index("--hosting") + 1] = "auto"  # no bucket configured in this profile
    result = run_cli(args, cli_env(sb))
    assert result.returncode == 2 and "no way of sharing local files is chosen" in result.stderr
    assert sb.stats()["jobs"] == 0


def test_pasted_links_need_no_hosting(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    image, audio = sb.host(SAMPLE_IMAGE), sb.host(SAMPLE_AUDIO)
    args = cli_args(sb, tmp_path, "run", "--image", image, "--audio", audio)
    args[args.index("--hosting") + 1] = "none"
    result = run_cli(args, cli_env(sb))
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip().splitlines()[-1]).exists()


def test_other_audio_formats_are_converted(make_sandbox, tmp_path: Path) -> None:
    import av

    flac = tmp_path / "memo.flac"
    with av.open(str(SAMPLE_AUDIO)) as src, av.open(str(flac), "w") as dst:
        out = dst.add_stream("flac", rate=22050, layout="mono")
        for frame in src.decode(audio=0):
            frame.pts = None
            dst.mux(out.encode(frame))
        dst.mux(out.encode(None))
    sb = make_sandbox()
    result = run_cli(
        cli_args(sb, tmp_path / "p", "run", "--image", str(SAMPLE_IMAGE), "--audio", str(flac)), cli_env(sb)
    )
    assert result.returncode == 0, result.stderr
    assert "converted to WAV" in result.stderr


def test_portrait_outside_1_4_to_4_1_is_refused_before_spending(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    img = tmp_path / "tall.png"
    Image.new("RGB", (256, 1100)).save(img)
    result = run_cli(cli_args(sb, tmp_path, "run", "--image", str(img), "--audio", str(SAMPLE_AUDIO)), cli_env(sb))
    assert result.returncode == 2 and "between 1:4 and 4:1" in result.stderr
    assert sb.stats()["jobs"] == 0


def test_a_job_failing_at_creatify_exits_1_and_is_refunded(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    # The hosted image disappears before the service fetches it: the job fails remotely.
    sb.fault(kind="status", status=404, body={"detail": "gone"}, method="GET", path="/sandbox/files/", times=5)
    result = run_cli(
        cli_args(sb, tmp_path, "run", "--image", str(SAMPLE_IMAGE), "--audio", str(SAMPLE_AUDIO)), cli_env(sb)
    )
    assert result.returncode == 1, result.stderr
    assert "could not make this video" in result.stderr and "refunded" in result.stderr
    assert sb.stats()["remaining_credits"] == 1000
