"""Issue 21: no module of the app grows past 500 lines; a part that needs more is split by concern
(docs/architecture.md, "Where a change goes in the window")."""

from __future__ import annotations

from pathlib import Path

import aurora_desktop

LIMIT = 500


def test_no_module_is_longer_than_the_limit() -> None:
    package = Path(aurora_desktop.__file__).parent
    sizes = {
        p.relative_to(package).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for p in package.rglob("*.py")
    }
    assert len(sizes) > 100  # the whole package was read
    assert {name: n for name, n in sizes.items() if n > LIMIT} == {}
