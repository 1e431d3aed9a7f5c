from datetime import UTC, datetime
from pathlib import Path

import pytest

from aurora_desktop.jobs.naming import check_template, reserve_unique_path, safe_stem, video_stem

WHEN = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shop promo", "Shop promo"),
        ("../../etc/passwd", "etcpasswd"),
        ('a/b\\c:d*e?f"g<h>i|j', "abcdefghij"),
        ("CON", "CON_"),
        ("nul.txt", "nul_.txt"),
        ("  spaced\n\tout  ", "spaced out"),
        ("...", "video"),
        ("", "video"),
        (".hidden", "hidden"),
        ("trailing dot.", "trailing dot"),
        ("caf\udce9", "caf\ufffd"),  # a non-UTF-8 byte from the command line
    ],
)
def test_safe_stem(text: str, expected: str) -> None:
    assert safe_stem(text) == expected


def test_long_names_fit_every_file_system() -> None:
    stem = safe_stem("é" * 400)
    assert len(stem.encode("utf-8")) <= 255 - len(".json") and stem


def test_template_fields_and_fallback() -> None:
    local = WHEN.astimezone()
    assert (
        video_stem("{date} {name}", name="Hi", model="aurora_v1", job_id="abcdef123", when=WHEN)
        == f"{local:%Y-%m-%d} Hi"
    )
    assert (
        video_stem("{name}-{model}-{id}", name="Hi", model="aurora_v1", job_id="abcdef123", when=WHEN)
        == "Hi-aurora_v1-abcdef12"
    )
    # An unusable template never blocks saving: the default takes over.
    assert video_stem("{oops}", name="Hi", model="m", job_id="x", when=WHEN) == f"{local:%Y-%m-%d} Hi"
    with pytest.raises(ValueError, match="Unknown field"):
        check_template("{date} {title}")
    with pytest.raises(ValueError, match="malformed"):
        check_template("{date")


def test_reserve_unique_path_never_overwrites(tmp_path: Path) -> None:
    first = reserve_unique_path(tmp_path, "clip", ".mp4")
    assert first.exists()  # reserved on disk before it is handed out
    second = reserve_unique_path(tmp_path, "clip", ".mp4")
    second.with_suffix(".json").write_text("{}")  # a sidecar alone also reserves the name
    third = reserve_unique_path(tmp_path, "clip", ".mp4")
    assert [first.name, second.name, third.name] == ["clip.mp4", "clip (2).mp4", "clip (3).mp4"]
