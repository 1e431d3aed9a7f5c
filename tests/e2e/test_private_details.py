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
from tests.conftest import SAMPLE_AUDIO, run

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
    from tests.conftest import SAMPLE_IMAGE, cli_args, cli_env, run_cli

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
