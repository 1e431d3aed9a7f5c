"""The job store opened by several processes at once (the window, `jobs`, `resume`, a
second start): a fresh profile's schema is made exactly once, whoever comes first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

OPEN_STORE = (
    "import sys; from pathlib import Path; from aurora_desktop.jobs.store import JobStore; "
    "JobStore(Path(sys.argv[1])).close()"
)


def test_four_processes_opening_a_fresh_store_at_once_all_succeed(tmp_path: Path) -> None:
    """Issue 13.3: 4 starts at once crashed 4 times in 80 with "table jobs already exists"."""
    failures = []
    for round_ in range(20):
        db = tmp_path / f"round-{round_}" / "jobs.sqlite3"
        db.parent.mkdir()
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN_STORE, str(db)], stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL
            )
            for _ in range(4)
        ]
        failures += [err for p in procs if (err := p.communicate(timeout=60)[1]) and p.returncode != 0]
    assert failures == []
