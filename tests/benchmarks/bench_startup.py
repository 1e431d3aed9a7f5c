"""Start-up to a usable window, and memory, as users have it (issue 12, part 2).

    .venv/bin/python tests/benchmarks/bench_startup.py [--runs 5] [--idle 5]

Variants, each a fresh process, runs interleaved so machine noise hits all alike:
- the floor: a bare PySide6 window importing the Qt modules the app uses plus
  httpx, qasync and keyring, with one button;
- the app from source with a library of 1,000 jobs, in demo mode and in account
  mode (keys in the environment, a sandbox process playing Creatify over real HTTP);
- the same with 10,000 jobs (account mode).

Time: from the process being started to the first paint of the window's
Generate button (the create panel is there: the window is usable), and to the
first paint of the library's list with its rows in it ("library visible"),
both taken by an event filter in the child. The floor's window holds the same
button and a list of 1,000 rows (a QStringListModel), so "library visible"
is measured against a bare window showing 1,000 rows with the same imports.
Memory, read from /proc in the child: resident memory after --idle seconds of
doing nothing (idle), and the high-water mark (peak). Each figure is printed as
the median of --runs and as a ratio to the floor. Goals with 1,000 jobs: first
paint and memory <= 1.5x the floor, library visible <= 2x (issue 23 item 20).
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
sys.path.insert(0, str(ROOT))

# The child: the same probe for the floor and the app. -------------------------------

PROBE = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # MiB

class Probe(QObject):
    painted = False
    rows = False

    def eventFilter(self, obj, event):
        # The library's list painted with rows in it (the floor's list has the same name).
        if not self.rows and event.type() == QEvent.Type.Paint and obj.objectName() == "qt_scrollarea_viewport":
            view = obj.parent()
            if view.accessibleName() == "Your videos" and view.model() is not None and view.model().rowCount():
                self.rows = True
                print("rows", time.monotonic(), flush=True)
        # The create panel's Generate button (the welcome page's Connect is "primary" too).
        if not self.painted and event.type() == QEvent.Type.Paint and obj.objectName() == "primary" \
                and obj.accessibleName() == "Generate video":
            self.painted = True
            print("paint", time.monotonic(), flush=True)
            self.deadline = time.monotonic() + 60
            QTimer.singleShot(int(float(os.environ["BENCH_IDLE"]) * 1000), self.report)
        return False

    def report(self):
        if not self.rows and time.monotonic() < self.deadline:  # a busy machine: the rows still coming
            QTimer.singleShot(200, self.report)
            return
        print("memory", status("VmRSS"), status("VmHWM"), flush=True)
        if os.environ.get("BENCH_MODULES"):
            print("modules", " ".join(sorted(m for m in sys.modules if m.startswith("PySide6.Qt"))), flush=True)
        QTimer.singleShot(0, QApplication.instance().quit if os.environ["BENCH_KIND"] == "floor" else quit_app)

def quit_app():
    for widget in QApplication.topLevelWidgets():
        if type(widget).__name__ == "MainWindow":
            widget.close()

app = QApplication(sys.argv[:1])
probe = Probe()
app.installEventFilter(probe)
if os.environ["BENCH_KIND"] == "floor":
    from PySide6 import QtDBus, QtGui, QtMultimedia, QtMultimediaWidgets, QtNetwork, QtSvg  # as the app
    import httpx, keyring, qasync
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QHBoxLayout, QListView, QMainWindow, QPushButton, QWidget
    window = QMainWindow()
    central = QWidget()
    button = QPushButton("Generate video")
    button.setObjectName("primary")
    button.setAccessibleName("Generate video")
    view = QListView()
    view.setAccessibleName("Your videos")
    view.setModel(QStringListModel([f"Video {i}" for i in range(1000)], view))
    row = QHBoxLayout(central)
    row.addWidget(button)
    row.addWidget(view)
    window.setCentralWidget(central)
    window.resize(1280, 760)
    window.show()
    app.exec()
else:
    from aurora_desktop.__main__ import main
    sys.exit(main(sys.argv[1:]))
"""


def fill(profile: Path, n: int) -> None:
    """A profile whose library holds n jobs, as bench_library.py makes them (mostly saved, some failed)."""
    from bench_library import fill as fill_store

    from aurora_desktop import paths

    paths.use_profile(profile)
    try:
        fill_store(paths.data_dir() / "jobs.sqlite3", n)
    finally:
        paths.use_profile(None)


def measure(kind: str, args: list[str], env_extra: dict[str, str], idle: float) -> tuple[float, float, float, float]:
    """(seconds to the first paint of Generate, idle MiB, peak MiB, seconds to the library's
    rows) of one fresh process."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent",
        "BENCH_KIND": kind,
        "BENCH_IDLE": str(idle),
        **env_extra,
    }
    # Compiled bytecode is kept, as every installed app (and the frozen one) has it: a shell
    # with PYTHONDONTWRITEBYTECODE would otherwise compile the app's modules at every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if "AURORA_API_ID" not in env_extra:
        env.pop("AURORA_API_ID", None)
        env.pop("AURORA_API_KEY", None)
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    lines = {line.split()[0]: line.split()[1:] for line in proc.stdout.splitlines() if line.strip()}
    if "paint" not in lines or "memory" not in lines or "rows" not in lines:
        raise RuntimeError(f"{kind} {args}: no figures (exit {proc.returncode})\n{proc.stderr[-2000:]}")
    if "modules" in lines:
        print(f"  Qt modules loaded by the app: {' '.join(m.removeprefix('PySide6.') for m in lines['modules'])}")
    return (
        float(lines["paint"][0]) - start,
        float(lines["memory"][0]),
        float(lines["memory"][1]),
        float(lines["rows"][0]) - start,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--idle", type=float, default=5.0, help="seconds after the first paint before memory is read")
    opts = ap.parse_args()

    from aurora_desktop.sandbox.process import SandboxProcess

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lib1k, lib10k = root / "lib-1k", root / "lib-10k"
        fill(lib1k, 1_000)
        fill(lib10k, 10_000)
        sandbox = SandboxProcess(["--credits", "100000"]).start()
        try:
            account = {"AURORA_API_ID": sandbox.api_id, "AURORA_API_KEY": sandbox.api_key}
            variants: dict[str, tuple[str, list[str], dict[str, str]]] = {
                "floor (bare window)": ("floor", [], {}),
                "app, 1,000 jobs, demo": ("app", ["--sandbox", "--profile", str(lib1k)], {}),
                "app, 1,000 jobs, account": ("app", ["--api-base", sandbox.url, "--profile", str(lib1k)], account),
                "app, 10,000 jobs, account": ("app", ["--api-base", sandbox.url, "--profile", str(lib10k)], account),
            }
            figures: dict[str, list[tuple[float, float, float, float]]] = {name: [] for name in variants}
            for run in range(opts.runs + 1):
                for name, (kind, args, env) in variants.items():
                    extra = {**env, "BENCH_MODULES": "1"} if run == 0 and kind == "app" and "demo" in name else env
                    result = measure(kind, args, extra, opts.idle)
                    if run:  # the first round warms the disk cache (and the demo's port)
                        figures[name].append(result)
        finally:
            sandbox.stop()

    def med(name: str, i: int) -> float:
        return statistics.median(r[i] for r in figures[name])

    floor = "floor (bare window)"
    print(
        f"start-up to a usable window and memory, median of {opts.runs} interleaved runs "
        f"(idle memory {opts.idle:g} s after the first paint)"
    )
    print(f"  {'':<28} {'first paint':>16} {'library visible':>16} {'idle memory':>20} {'peak memory':>20}")
    for name in figures:
        cells = []
        for i, unit in ((0, "s"), (3, "s"), (1, "MiB"), (2, "MiB")):
            value = med(name, i)
            text = f"{value:.2f} {unit}" if unit == "s" else f"{value:.0f} {unit}"
            cells.append(f"{text} ({value / med(floor, i):.2f}x)")
        print(f"  {name:<28} {cells[0]:>16} {cells[1]:>16} {cells[2]:>20} {cells[3]:>20}")
    print("  goals with 1,000 jobs: first paint and memory <= 1.50x the floor, library visible <= 2.00x")


if __name__ == "__main__":
    main()
