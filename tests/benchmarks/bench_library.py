"""Time to show a library of 10,000 jobs, against an empty library in the same run.

    .venv/bin/python tests/benchmarks/bench_library.py [--jobs 10000]

Measures, offscreen: reading every job from the SQLite store, filling the Qt
model, and the list view's first paint (the delegate draws only visible rows,
uniform item sizes keep layout O(1)).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication

from aurora_desktop.jobs.model import COLUMNS, InputFile, InputKind, LocalJob, State, job_columns, new_token
from aurora_desktop.jobs.store import JobStore
from aurora_desktop.jobs.store_schema import encode_value
from aurora_desktop.ui.job_model import JobListModel
from aurora_desktop.ui.library_view import LibraryPanel


def fill(path: Path, n: int) -> None:
    JobStore(path).close()  # schema
    rows = []
    for i in range(n):
        job = LocalJob(
            id=str(uuid.uuid4()),
            token=new_token(),
            name=f"Video {i}",
            model="aurora_v1",
            image=InputFile(InputKind.IMAGE, str(ROOT / "resources" / "samples" / "portrait.png")),
            audio=InputFile(InputKind.AUDIO, "/tmp/voice.wav"),
            state=State.SAVED if i % 10 else State.FAILED,
            audio_seconds=7.6,
            credits_used=8.0,
            error_message=None if i % 10 else "Creatify said no.",
        )
        rows.append([encode_value(c, v) for c, v in job_columns(vars(job)).items()])
    with sqlite3.connect(path) as db:  # setup only: one transaction for all rows
        db.executemany(f"INSERT INTO jobs ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", rows)


def show(path: Path) -> tuple[float, float]:
    """(reading the store -- the app does this on a worker thread, Qt part -- on the Qt thread)."""
    t = time.perf_counter()
    store = JobStore(path)
    jobs = store.list()
    store.close()
    read = time.perf_counter() - t
    t = time.perf_counter()
    model = JobListModel()
    model.reset(jobs)
    panel = LibraryPanel(model)
    panel.resize(680, 500)
    panel.show()
    QApplication.processEvents()  # layout and first paint
    panel.view.viewport().repaint()
    qt = time.perf_counter() - t
    panel.close()
    panel.deleteLater()
    QApplication.processEvents()
    return read, qt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    app = QApplication(sys.argv[:1])  # noqa: F841 - keeps Qt alive
    with tempfile.TemporaryDirectory() as tmp:
        empty, full = Path(tmp) / "empty.sqlite3", Path(tmp) / "full.sqlite3"
        JobStore(empty).close()
        fill(full, args.jobs)
        show(empty)
        show(full)  # warm-up
        base = [show(empty) for _ in range(args.runs)]
        big = [show(full) for _ in range(args.runs)]
    med = lambda runs, i: statistics.median(r[i] for r in runs) * 1000  # noqa: E731
    print(f"library of {args.jobs} jobs, median of {args.runs}:")
    print(f"  read from SQLite (worker thread): {med(big, 0):6.0f} ms   empty library {med(base, 0):5.1f} ms")
    print(
        f"  model + first paint (Qt thread):  {med(big, 1):6.0f} ms   empty library {med(base, 1):5.1f} ms"
        f"   ratio {med(big, 1) / med(base, 1):.1f}x"
    )
    sys.stdout.flush()
    os._exit(0)  # skip PySide6's interpreter-exit teardown


if __name__ == "__main__":
    main()
