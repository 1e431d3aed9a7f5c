"""Cold start to an interactive window: the frozen app vs the same app from source,
and both vs a bare PySide6 window importing the same Qt modules (the floor).

    .venv/bin/python tests/benchmarks/bench_startup.py [--runs 5]

Each run starts a fresh process with an empty profile (first-run window, no keys),
which shows its window and closes it as soon as the event loop turns
(--quit-after 0); the figure is the whole command's wall time. Runs are
interleaved so machine noise hits every variant alike; medians are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FROZEN = ROOT / "dist" / "aurora-desktop" / "aurora-desktop"

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
from PySide6 import QtMultimedia, QtMultimediaWidgets, QtNetwork  # the modules the app loads
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1280, 760); w.show()
QTimer.singleShot(0, w.close)
QTimer.singleShot(0, app.quit)
app.exec()
"""


def timed(cmd: list[str], profile: Path) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}
    env.pop("AURORA_API_ID", None)
    env.pop("AURORA_API_KEY", None)
    t = time.perf_counter()
    subprocess.run(
        [*cmd, *([] if cmd[-1] == BARE else ["--quit-after", "0", "--profile", str(profile)])],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
    )
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    variants = {
        "bare PySide6 window": [sys.executable, "-c", BARE],
        "app from source": [sys.executable, "-m", "aurora_desktop"],
    }
    if FROZEN.exists():
        variants["frozen app"] = [str(FROZEN)]
    else:
        print("(no frozen build: run `make package` to include it)")
    times: dict[str, list[float]] = {name: [] for name in variants}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs + 1):
            for name, cmd in variants.items():
                t = timed(cmd, Path(tmp) / f"{name}-{run}")
                if run:  # the first round only warms the disk cache
                    times[name].append(t)
    base = statistics.median(times["bare PySide6 window"])
    print(f"cold start to an interactive window, median of {args.runs} interleaved runs")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"  {name:<22} {med:6.2f} s   {med / base:5.2f}x the bare window")
    if "frozen app" in times:
        print(
            "  frozen / source: "
            f"{statistics.median(times['frozen app']) / statistics.median(times['app from source']):.2f}x"
        )


if __name__ == "__main__":
    main()
