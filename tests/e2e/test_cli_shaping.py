"""`run --crop / --trim / --trim-silence` and the face check's note, against the sandbox (issue 25)."""

from __future__ import annotations

import json
import math
import sys
import wave
from pathlib import Path

import av
import pytest
from PIL import Image, ImageChops

from aurora_desktop.media import faces
from tests.fixtures.cli import cli_args, cli_env, run_cli
from tests.fixtures.media_files import tone_wav
from tests.fixtures.sandbox import Sandbox

pytestmark = pytest.mark.e2e
PHOTOS = Path(__file__).parents[1] / "unit" / "face_photos"
needs_detector = pytest.mark.skipif(not faces.detector_available(), reason="no face detector wheel for this platform")


def _events(stderr: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


@needs_detector
def test_a_vertical_video_of_the_voice_without_its_quiet_ends(make_sandbox, tmp_path: Path) -> None:
    sb: Sandbox = make_sandbox()
    # 1.5 s of silence, 3 s of voice, 2 s of silence: the video should last about 3.2 s.
    voice = tone_wav(tmp_path / "memo.wav", [(1.5, 0), (3.0, 6000), (2.0, 0)])
    profile = tmp_path / "p"
    args = ["run", "--image", str(PHOTOS / "astronaut.jpg"), "--audio", str(voice)]
    result = run_cli(cli_args(sb, profile, *args, "--crop", "9:16", "--trim-silence", "--json"), cli_env(sb))
    assert result.returncode == 0, result.stderr
    events = _events(result.stderr)
    [face] = [e for e in events if "face" in e]
    assert face["face"] == "face_ok"
    [crop] = [e for e in events if "crop" in e]
    x, y, w, h = (int(v) for v in str(crop["crop"]).split(","))
    assert (w, h) == (288, 512) and x <= 0.43 * 512 <= x + w  # the face's centre is inside the frame
    [trim] = [e for e in events if "trim" in e]
    start, end = trim["trim"]  # type: ignore[misc]
    assert 1.3 <= start <= 1.5 and 4.5 <= end <= 4.7  # a tenth of a second of quiet kept each side

    # What was sent: the framed photo (exactly the chosen pixels) and the cut voice.
    sent_photos = list(profile.rglob("framed-*.png"))
    assert len(sent_photos) == 1, sent_photos
    with Image.open(sent_photos[0]) as got, Image.open(PHOTOS / "astronaut.jpg") as src:
        assert (
            ImageChops.difference(got.convert("RGB"), src.convert("RGB").crop((x, y, x + w, y + h))).getbbox() is None
        )
    [cut] = list(profile.rglob("voice-*.wav"))
    with wave.open(str(cut)) as wav:
        assert abs(wav.getnframes() / wav.getframerate() - (end - start)) < 0.02

    saved = Path(result.stdout.strip().splitlines()[-1])
    with av.open(str(saved)) as container:
        stream = container.streams.video[0]
        assert stream.width * 16 == stream.height * 9  # the video took the photo's new shape
    sidecar = json.loads(saved.with_suffix(".json").read_text())
    assert sidecar["credits_used"] == math.ceil(end - start)  # priced on the cut: whole seconds, rounded up


@needs_detector
def test_a_photo_with_no_face_is_a_note_not_a_refusal(tmp_path: Path) -> None:
    # No service is needed to be told: the voice file is missing, so the run stops at exit 2
    # after the photo was looked at.
    result = run_cli(
        [
            sys.executable,
            "-m",
            "aurora_desktop",
            "run",
            "--profile",
            str(tmp_path / "p"),
            "--sandbox",
            "--image",
            str(PHOTOS / "coffee.jpg"),
            "--audio",
            str(tmp_path / "missing.wav"),
        ],
        cli_env(),
    )
    assert result.returncode == 2
    assert "No face was found in this photo" in result.stderr
    assert "does not exist" in result.stderr or "missing.wav" in result.stderr


def test_trimming_a_link_or_a_script_is_refused_in_words(tmp_path: Path) -> None:
    link = run_cli(
        [
            sys.executable,
            "-m",
            "aurora_desktop",
            "run",
            "--profile",
            str(tmp_path / "p"),
            "--sandbox",
            "--image",
            str(PHOTOS / "astronaut.jpg"),
            "--audio",
            "https://example.com/voice.mp3",
            "--trim",
            "1-3",
        ],
        cli_env(),
    )
    assert link.returncode == 2 and "--trim works on a voice file on this computer" in link.stderr
    script = run_cli(
        [
            sys.executable,
            "-m",
            "aurora_desktop",
            "run",
            "--profile",
            str(tmp_path / "p"),
            "--sandbox",
            "--image",
            str(PHOTOS / "astronaut.jpg"),
            "--script",
            "Hello there",
            "--voice",
            "x",
            "--trim-silence",
        ],
        cli_env(),
    )
    assert script.returncode == 2 and "for a voice clip" in script.stderr
