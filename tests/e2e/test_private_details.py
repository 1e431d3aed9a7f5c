"""A photo's hidden details never reach a public host (issue 20.11): a phone JPEG with its GPS
position, owner's name and phone model, shared through Quick links to the loopback stand-in
hosts, arrives with no EXIF, XMP or comment, turned upright, and is the very copy priced."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import httpx
import pytest
from PIL import Image

from aurora_desktop.hosting.quick import QuickLinkHoster, configured_hosts
from aurora_desktop.jobs.prepare import prepare
from tests.fixtures.loops import run
from tests.fixtures.media_files import SAMPLE_AUDIO

pytestmark = pytest.mark.e2e

PRIVATE = (b"Ann Example", b"PhoneMaker", b"Phone X", b"xmpmeta", b"Ann's phone")


def _phone_photo(path: Path, orientation: int | None) -> Path:
    """600 x 300 px stored, red with a blue left half; orientation 6 means 'turn it 90° clockwise'."""
    img = Image.new("RGB", (600, 300), "red")
    img.paste("blue", (0, 0, 300, 300))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    exif[0x010F], exif[0x0110], exif[0x013B] = "PhoneMaker", "Phone X", "Ann Example"
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 1.0)})
    img.save(path, "JPEG", exif=exif, comment=b"Ann's phone", xmp=b"<x:xmpmeta>Ann Example</x:xmpmeta>")
    data = path.read_bytes()
    assert all(p in data for p in PRIVATE)
    return path


@pytest.mark.parametrize("orientation", [6, None])
def test_a_photo_reaches_the_public_host_without_its_hidden_details(
    temp_hosts, tmp_path: Path, orientation: int | None
) -> None:
    photo = _phone_photo(tmp_path / "IMG_0001.jpg", orientation)
    prepared = run(prepare(str(photo), str(SAMPLE_AUDIO), work_dir=tmp_path / "work"))
    sent = Path(prepared.image_source)
    hosted = run(QuickLinkHoster(configured_hosts()).host(sent, key="j/image.jpg", content_type=prepared.image.mime))

    received = httpx.get(hosted.url).content  # what the public host holds
    assert not any(p in received for p in PRIVATE)
    with Image.open(io.BytesIO(received)) as img:
        assert not img.getexif() and "xmp" not in img.info and "comment" not in img.info
        if orientation == 6:  # turned upright: 300 x 600, the blue half now on top
            assert img.size == (300, 600)
            top, bottom = img.convert("RGB").getpixel((150, 100)), img.convert("RGB").getpixel((150, 500))
            assert top[2] > 200 > top[0] and bottom[0] > 200 > bottom[2]
        else:
            assert img.size == (600, 300)
    # The copy priced (its hash recorded for the job) is the copy sent, and it is made the same way twice.
    assert prepared.image_hash == hashlib.sha256(received).hexdigest()
    again = run(prepare(str(photo), str(SAMPLE_AUDIO), work_dir=tmp_path / "work2"))
    assert again.image_hash == prepared.image_hash
    assert any("hidden details" in note for note in prepared.notes)


def test_a_copy_uploaded_just_before_a_kill_is_deleted_on_resume(make_sandbox, temp_hosts, tmp_path: Path) -> None:
    """Killed (SIGKILL) after the host took the file but before the app recorded it (while it
    fetched the link back to check it): `resume` deletes that copy, and then the job's own."""
    import os
    import signal
    import subprocess
    import time

    from aurora_desktop.hosting.quick import HOSTS_ENV
    from tests.fixtures.cli import cli_args, cli_env, run_cli
    from tests.fixtures.media_files import SAMPLE_IMAGE

    sb = make_sandbox()
    zero = temp_hosts["0x0"]
    zero.mode("hang_fetch")
    env = cli_env(sb, **{HOSTS_ENV: os.environ[HOSTS_ENV]})
    profile = tmp_path / "profile"
    args = cli_args(sb, profile, "run", "--image", str(SAMPLE_IMAGE), "--audio", str(SAMPLE_AUDIO))
    args[args.index("--hosting") + 1] = "quick"
    with subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as proc:
        deadline = time.monotonic() + 60
        while not zero.events("fetch"):  # the host has the file; the app is checking its link
            assert proc.poll() is None and time.monotonic() < deadline, "the link was never checked"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    assert len(zero.log()["held"]) == 1  # the copy the killed run left behind

    zero.mode("ok")
    resume = cli_args(sb, profile, "resume")
    resume[resume.index("--hosting") + 1] = "quick"
    result = run_cli(resume, env)
    assert result.returncode == 0, result.stderr
    assert zero.log()["held"] == []  # that copy too was deleted, not left for the hour


# ----------------------------------------------------------------------------- voices (issue 20.11)

VOICE_PRIVATE = (b"Ann Example", b"Secret Title", b"+52.5200+013.4050", b"\xa9xyz")


def _voice(path: Path, container: str, codec: str, metadata: dict[str, str], seconds: float = 3.0) -> Path:
    """A 220 Hz tone written by PyAV (FFmpeg) with the given tags, as a phone or an editor would."""
    import math
    import struct

    import av

    rate = 44100
    with av.open(str(path), "w", format=container) as out:
        out.metadata.update(metadata)
        stream = out.add_stream(codec, rate=rate, layout="mono")
        total, size = int(rate * seconds), stream.codec_context.frame_size or 1024
        sample_format = stream.codec_context.format.name
        for start in range(0, total, size):
            count = min(size, total - start)
            wave = [math.sin(2 * math.pi * 220 * (start + k) / rate) for k in range(count)]
            if sample_format.startswith("flt"):
                data = struct.pack(f"<{count}f", *(0.25 * v for v in wave))
            else:
                data = struct.pack(f"<{count}h", *(int(8000 * v) for v in wave))
            frame = av.AudioFrame(format=sample_format, layout="mono", samples=count)
            frame.planes[0].update(data.ljust(frame.planes[0].buffer_size, b"\0"))
            frame.sample_rate, frame.pts = rate, start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


@pytest.mark.parametrize(
    ("name", "container", "codec", "metadata", "private"),
    [
        ("memo.mp3", "mp3", "libmp3lame", {"title": "Secret Title", "artist": "Ann Example"}, VOICE_PRIVATE[:2]),
        # a phone's voice memo: MPEG-4 audio with the place it was recorded (©xyz)
        ("memo.m4a", "mov", "aac", {"location": "+52.5200+013.4050/", "artist": "Ann Example"}, VOICE_PRIVATE[::2]),
    ],
)
def test_a_voice_reaches_the_public_host_without_its_tags(
    temp_hosts, tmp_path: Path, name: str, container: str, codec: str, metadata: dict[str, str], private
) -> None:
    voice = _voice(tmp_path / name, container, codec, metadata)
    data = voice.read_bytes()
    assert all(p in data for p in private)
    photo = _phone_photo(tmp_path / "IMG_0001.jpg", None)
    prepared = run(prepare(str(photo), str(voice), work_dir=tmp_path / "work"))
    sent = Path(prepared.audio_source)
    hosted = run(
        QuickLinkHoster(configured_hosts()).host(
            sent, key="j/audio.wav", content_type=prepared.audio.mime, sha256=prepared.audio_hash
        )
    )

    received = httpx.get(hosted.url).content  # what the public host holds
    assert received and not any(p in received for p in VOICE_PRIVATE)
    assert received.startswith(b"RIFF") and abs(prepared.audio.duration - 3.0) < 0.2  # the sound, priced by it
    # The copy priced is the copy sent, and it is made the same way twice.
    assert prepared.audio_hash == hashlib.sha256(received).hexdigest()
    again = run(prepare(str(photo), str(voice), work_dir=tmp_path / "work2"))
    assert again.audio_hash == prepared.audio_hash


def test_a_wav_with_an_info_chunk_is_sent_as_its_sound_only(tmp_path: Path) -> None:
    import struct

    from tests.fixtures.media_files import make_wav

    plain = make_wav(tmp_path / "plain.wav", 2.0)
    info = b"INFO" + b"IART" + struct.pack("<I", 12) + b"Ann Example\0"
    data = plain.read_bytes() + b"LIST" + struct.pack("<I", len(info)) + info
    tagged = tmp_path / "tagged.wav"
    tagged.write_bytes(data[:4] + struct.pack("<I", len(data) - 8) + data[8:])
    photo = _phone_photo(tmp_path / "IMG_0001.jpg", None)

    as_is = run(prepare(str(photo), str(plain), work_dir=tmp_path / "work"))
    assert as_is.audio_source == str(plain.resolve())  # nothing to remove: sent as it is
    cleaned = run(prepare(str(photo), str(tagged), work_dir=tmp_path / "work"))
    sent = Path(cleaned.audio_source).read_bytes()
    assert b"Ann Example" not in sent and b"LIST" not in sent and sent.startswith(b"RIFF")
    assert abs(cleaned.audio.duration - 2.0) < 0.05
