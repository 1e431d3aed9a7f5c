"""A photo converted by an older version is not reused (review of issue 20, item 11)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image

from aurora_desktop.media.photo import DEFAULT_BACKGROUND, convert_photo

COMMENT = b"Owner: Jane Example, 12 Private Road"


def test_a_copy_made_by_the_old_code_is_not_reused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 40, 40)).save(buffer, "JPEG", comment=COMMENT)
    data = buffer.getvalue()
    # What the old code left in the cache: its name, the original's comment still inside.
    digest = hashlib.sha256(data + DEFAULT_BACKGROUND.encode()).hexdigest()[:24]
    old = tmp_path / f"photo-{digest}.jpg"
    old.write_bytes(data)

    converted = convert_photo(data, tmp_path)

    assert converted is not None
    path, _changes = converted
    assert path != old
    assert COMMENT not in path.read_bytes()
    with Image.open(path) as img:
        assert "comment" not in img.info
