"""Framing a photo for a platform (media/framing.py) and the command line's time arguments."""

from __future__ import annotations

import argparse
from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from aurora_desktop.cli.inputs import seconds_arg, trim_arg
from aurora_desktop.media import faces
from aurora_desktop.media.framing import PRESETS, UPPER_MIDDLE, Box, check_box, frame_for, frame_photo, parse_crop
from aurora_desktop.media.inspect import InputError

ASTRONAUT = Path(__file__).parent / "face_photos" / "astronaut.jpg"


@pytest.mark.parametrize("shape", list(PRESETS))
@pytest.mark.parametrize("size", [(4000, 3000), (3000, 4000), (1080, 1080), (1920, 1080)])
def test_each_preset_gives_the_largest_frame_of_exactly_that_shape(shape: str, size: tuple[int, int]) -> None:
    w, h = (int(v) for v in shape.split(":"))
    box = frame_for(*size, parse_crop(shape))  # type: ignore[arg-type]
    assert box.x >= 0 and box.y >= 0 and box.x + box.width <= size[0] and box.y + box.height <= size[1]
    assert abs(box.width / box.height - w / h) < 0.002  # exact up to one pixel of rounding
    assert box.width == size[0] or box.height == size[1]  # as large as the photo allows


def test_the_frame_is_centred_on_the_face_and_held_inside_the_photo() -> None:
    # A 4:3 photo cut to 9:16: full height, 1688 of 4000 px wide.
    on_face = frame_for(4000, 3000, Fraction(9, 16), (0.7, 0.3))
    assert on_face == Box(round(0.7 * 4000 - 1688 / 2), 0, 1688, 3000)
    at_edge = frame_for(4000, 3000, Fraction(9, 16), (0.98, 0.3))
    assert at_edge.x + at_edge.width == 4000  # pushed back inside, not cut off
    # Without a face: the upper middle (a portrait's face is in its upper part).
    tall = frame_for(1000, 3000, Fraction(1, 1), None)
    assert tall == Box(0, round(UPPER_MIDDLE * 3000 - 500), 1000, 1000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("9:16", Fraction(9, 16)), (" 16 : 9 ", Fraction(16, 9)), ("10,20,300,400", Box(10, 20, 300, 400))],
)
def test_crop_values(text: str, expected: object) -> None:
    assert parse_crop(text) == expected


@pytest.mark.parametrize("text", ["9:0", "1:5", "wide", "1,2,3", "-1,0,300,300"])
def test_crop_values_refused_in_words(text: str) -> None:
    with pytest.raises(ValueError, match=r"shape|box"):
        parse_crop(text)


def test_boxes_the_service_would_refuse_are_said_before_anything_is_sent() -> None:
    with pytest.raises(InputError, match="at least 256 pixels"):
        check_box(Box(0, 0, 200, 400), 1000, 1000)
    with pytest.raises(InputError, match="does not fit"):
        check_box(Box(900, 0, 300, 300), 1000, 1000)
    check_box(Box(0, 0, 256, 256), 1000, 1000)  # the smallest the service takes


def test_the_framed_copy_holds_exactly_the_chosen_pixels_and_the_original_is_untouched(tmp_path: Path) -> None:
    before = ASTRONAUT.read_bytes()
    framed, box = frame_photo(ASTRONAUT, Fraction(9, 16), tmp_path, centre=(0.43, 0.23))
    assert ASTRONAUT.read_bytes() == before
    assert box == Box(round(0.43 * 512 - 144), 0, 288, 512)
    with Image.open(framed) as out, Image.open(ASTRONAUT) as src:
        assert out.format == "PNG" and out.size == (288, 512)
        expected = src.convert("RGB").crop((box.x, box.y, box.x + 288, box.y + 512))
        assert ImageChops.difference(out.convert("RGB"), expected).getbbox() is None  # lossless
    again, _ = frame_photo(ASTRONAUT, Fraction(9, 16), tmp_path, centre=(0.43, 0.23))
    assert again == framed and len(list(tmp_path.iterdir())) == 1  # the same framing is made once


@pytest.mark.skipif(not faces.detector_available(), reason="no face detector wheel for this platform")
def test_a_preset_starts_on_the_face_the_detector_found(tmp_path: Path) -> None:
    check = faces.check_face(ASTRONAUT)
    _, box = frame_photo(ASTRONAUT, Fraction(1, 2), tmp_path, centre=check.faces[0].centre)
    face_x, _, face_w, _ = check.faces[0].in_pixels(512, 512)
    assert box.x <= face_x and face_x + face_w <= box.x + box.width  # the whole face is in the frame
    assert abs((box.x + box.width / 2) - (face_x + face_w / 2)) <= 2


@pytest.mark.parametrize(("text", "expected"), [("12.5", 12.5), ("1:05", 65.0), ("0:05.25", 5.25), ("90", 90.0)])
def test_times_in_seconds_or_minutes(text: str, expected: float) -> None:
    assert seconds_arg(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("0:05-0:25", (5.0, 25.0)), ("5-", (5.0, None)), ("-3", (0.0, 3.0))])
def test_trim_ranges(text: str, expected: tuple[float, float | None]) -> None:
    assert trim_arg(text) == expected


@pytest.mark.parametrize("text", ["5", "25-5", "1:75-2:00", "a-b"])
def test_trim_ranges_refused_in_words(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        trim_arg(text)
