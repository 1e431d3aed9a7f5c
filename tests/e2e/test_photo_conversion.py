"""Issue 10, defect 14: phone and camera photos become exactly what the preview shows.

Every photo is made here with Pillow (HEIC with pillow-heif), prepared as the
window and `run` prepare it, and hosted on the sandbox's real file endpoint;
the hosted bytes are then decoded *without* applying EXIF (as the sandbox and
a strict service do) and checked: size, orientation, colours.
"""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import httpx
import pytest
from PIL import Image

from aurora_desktop.hosting.sandbox import SandboxHoster
from aurora_desktop.jobs.prepare import prepare
from tests.fixtures.cli import cli_args, cli_env
from tests.fixtures.loops import run
from tests.fixtures.media_files import SAMPLE_AUDIO

pytestmark = pytest.mark.e2e

RED, BLUE, WHITE, GREEN = (255, 0, 0), (0, 0, 255), (255, 255, 255), (0, 255, 0)
W, H = 600, 400  # the upright photo: landscape, a red block in its top-left corner

# What Pillow's exif_transpose does for each orientation, undone: the pixels a camera stores.
STORED = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def upright() -> Image.Image:
    img = Image.new("RGB", (W, H), BLUE)
    img.paste(Image.new("RGB", (W // 3, H // 3), RED), (0, 0))
    return img


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def exif_photo(path: Path, orientation: int) -> Path:
    img = upright()
    if STORED[orientation] is not None:
        img = img.transpose(STORED[orientation])
    exif = Image.Exif()
    exif[0x0112] = orientation
    img.save(path, "JPEG", quality=95, exif=exif)
    return path


def hosted_image(sb, tmp_path: Path, photo: Path, background: str = "#ffffff") -> tuple[Image.Image, list[str]]:
    """Prepare as the app does, host on the sandbox, fetch the hosted bytes back."""

    async def scenario():
        prepared = await prepare(
            str(photo), str(SAMPLE_AUDIO), work_dir=tmp_path / "cache", photo_background=background
        )
        hosted = await SandboxHoster(sb.url, sb.credentials()).host(
            Path(prepared.image_source), key="j/image", content_type=prepared.image.mime
        )
        return hosted.url, prepared.notes, prepared.image.mime

    url, notes, mime = run(scenario())
    data = httpx.get(url).content
    img = Image.open(io.BytesIO(data))
    img.load()
    assert img.format in ("JPEG", "PNG", "WEBP") and Image.MIME[img.format] == mime
    return img, notes


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_sent_upright(shared_sandbox, tmp_path: Path, orientation: int) -> None:
    img, notes = hosted_image(shared_sandbox, tmp_path, exif_photo(tmp_path / f"o{orientation}.jpg", orientation))
    assert img.size == (W, H)
    assert img.getexif().get(0x0112, 1) == 1  # nothing left for a service to ignore
    assert near(img.getpixel((20, 20)), RED) and near(img.getpixel((W - 20, H - 20)), BLUE)
    assert near(img.getpixel((W - 20, 20)), BLUE) and near(img.getpixel((20, H - 20)), BLUE)
    assert bool(notes) == (orientation != 1)
    if orientation != 1:
        assert "turned upright" in notes[0]


def test_heic_from_an_iphone(shared_sandbox, tmp_path: Path) -> None:
    import pillow_heif

    path = tmp_path / "IMG_0001.HEIC"
    pillow_heif.from_pillow(upright()).save(str(path), quality=90)
    img, notes = hosted_image(shared_sandbox, tmp_path, path)
    assert img.format == "JPEG" and img.size == (W, H) and near(img.getpixel((20, 20)), RED)
    assert "converted from HEIC" in notes[0]


def test_an_animated_gif_sends_its_first_frame(shared_sandbox, tmp_path: Path) -> None:
    path = tmp_path / "wave.gif"
    first = upright()
    second = Image.new("RGB", (W, H), GREEN)
    first.save(path, save_all=True, append_images=[second], duration=200, loop=0)
    img, notes = hosted_image(shared_sandbox, tmp_path, path)
    assert img.size == (W, H) and near(img.getpixel((20, 20)), RED) and near(img.getpixel((W - 20, H - 20)), BLUE)
    assert "first frame" in notes[0]


def test_cmyk_jpeg_becomes_screen_colours(shared_sandbox, tmp_path: Path) -> None:
    path = tmp_path / "print.jpg"
    upright().convert("CMYK").save(path, "JPEG", quality=95)
    img, notes = hosted_image(shared_sandbox, tmp_path, path)
    assert img.mode == "RGB" and near(img.getpixel((20, 20)), RED, 60)
    assert "CMYK" in notes[0]


def test_sixteen_bit_png_is_reduced_not_clipped(shared_sandbox, tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    Image.new("I;16", (W, H), 40000).save(path)  # 40000 of 65535: a mid grey
    img, notes = hosted_image(shared_sandbox, tmp_path, path)
    assert img.mode == "RGB" and abs(img.getpixel((W // 2, H // 2))[0] - 40000 // 256) <= 3
    assert "16-bit" in notes[0]


@pytest.mark.parametrize(("background", "expected"), [("#ffffff", WHITE), ("#00ff00", GREEN)])
def test_transparency_is_filled_with_the_chosen_colour(shared_sandbox, tmp_path: Path, background, expected) -> None:
    path = tmp_path / "logo.png"
    img = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    img.paste(Image.new("RGBA", (200, 200), (*RED, 255)), (200, 100))
    img.save(path)
    sent, notes = hosted_image(shared_sandbox, tmp_path, path, background)
    assert near(sent.getpixel((10, 10)), expected, 10)  # not black
    assert near(sent.getpixel((300, 200)), RED, 10)
    assert "transparent background filled" in notes[0]


def test_a_huge_camera_photo_is_reduced(shared_sandbox, tmp_path: Path) -> None:
    path = tmp_path / "DSC_8000.png"
    Image.new("RGB", (8000, 6000), BLUE).save(path, optimize=False)
    img, notes = hosted_image(shared_sandbox, tmp_path, path)
    assert img.size == (4096, 3072)
    assert "reduced from 8000 × 6000 to 4096 × 3072" in notes[0]


def test_a_photo_that_needs_nothing_is_sent_as_it_is(shared_sandbox, tmp_path: Path) -> None:
    path = tmp_path / "fine.png"
    upright().save(path)
    img, notes = hosted_image(shared_sandbox, tmp_path, path)
    assert img.format == "PNG" and notes == []


def test_the_headless_run_sends_a_sideways_phone_photo_upright(make_sandbox, tmp_path: Path) -> None:
    """The whole way: `run` with an EXIF-6 photo (stored sideways, shown portrait), the sandbox
    renders the stored pixels as they are, and the video comes out portrait-shaped."""
    sb = make_sandbox()
    photo = tmp_path / "IMG_PORTRAIT.jpg"
    portrait = Image.new("RGB", (400, 600), BLUE)  # upright: portrait, 2:3
    portrait.paste(Image.new("RGB", (130, 200), RED), (0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6
    portrait.transpose(Image.Transpose.ROTATE_90).save(photo, "JPEG", quality=95, exif=exif)  # stored landscape
    args = cli_args(sb, tmp_path / "profile", "run", "--image", str(photo), "--audio", str(SAMPLE_AUDIO), "--json")
    result = subprocess.run(args, env=cli_env(sb), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert any("turned upright" in json.loads(line).get("message", "") for line in result.stderr.splitlines() if line)
    import av

    with av.open(result.stdout.strip().splitlines()[-1]) as video:
        stream = video.streams.video[0]
        assert stream.codec_context.height > stream.codec_context.width  # portrait, as the photo is meant
