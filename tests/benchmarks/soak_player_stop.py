"""Stop a playing video many times: a bare player as before, one made through
ui/media.py's made() but stopped straight from Python, and the app's player.

Why: QMediaPlayer.stop() called from Python holds the GIL while Qt's FFmpeg threads
may need it (see aurora_desktop/ui/media.py); the app then froze for good. Each way
runs in its own process with a watchdog: a stop that does not return within
--hang seconds counts as a hang, and that process is ended.

    python tests/benchmarks/soak_player_stop.py [--stops 200] [--seed 1]

Prints, for each way, how many stops returned before a hang (or all of them) and
the slowest stop.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIP = ROOT / "resources" / "samples" / "clip.mp4"


def child(way: str, stops: int, seed: int, progress: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer, QUrl
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
    from PySide6.QtMultimediaWidgets import QVideoWidget
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from aurora_desktop.ui import media
    from aurora_desktop.ui.player import PlayerWidget

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    rnd = random.Random(seed)
    slowest = 0.0
    kept: list[object] = []  # as in the app and the tests: players are stopped, not deleted
    for n in range(1, stops + 1):
        if way == "app":
            widget = PlayerWidget()
            widget.show()
            widget.load(CLIP, autoplay=False)
            media.play(widget.player)
            kept.append(widget)
        else:  # a bare player, as made before ui/media.py ("warmed": through media.made())
            video = QVideoWidget()
            video.show()
            player, audio = QMediaPlayer(), QAudioOutput()
            if way == "warmed":
                player, audio = media.made(player), media.made(audio)
            player.setAudioOutput(audio)
            player.setVideoOutput(video)
            player.setSource(QUrl.fromLocalFile(str(CLIP)))
            player.play()
            kept += [video, player, audio]
        wait(rnd.randint(0, 2500))  # anywhere in the 2 s clip, or after its end
        started = time.monotonic()
        if way == "app":
            widget.pause()
            wait(50)
            widget.stop()
        else:
            player.pause()
            wait(50)
            player.stop()  # straight from Python, the GIL held
        slowest = max(slowest, time.monotonic() - started - 0.05)
        progress.write_text(json.dumps({"stops": n, "slowest": slowest}))
    app.processEvents()
    os._exit(0)  # the verdict is in the progress file


def run(way: str, stops: int, seed: int, hang: float) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"stops": 0, "slowest": 0.0}, f)
    progress = Path(f.name)
    cmd = [sys.executable, __file__, "--child", way, "--stops", str(stops), "--seed", str(seed)]
    cmd += ["--progress", str(progress)]
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL, cwd=ROOT)
    last, seen = time.monotonic(), 0
    while proc.poll() is None:
        time.sleep(0.5)
        done = json.loads(progress.read_text() or "{}").get("stops", 0)
        if done != seen:
            last, seen = time.monotonic(), done
        elif time.monotonic() - last > hang:
            proc.kill()
            proc.wait()
            break
    result = json.loads(progress.read_text())
    result["hung"] = result["stops"] < stops
    progress.unlink()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stops", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hang", type=float, default=20.0, help="seconds without a stop returning that count as a hang")
    ap.add_argument("--child", choices=["bare", "warmed", "app"])
    ap.add_argument("--progress", type=Path)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.stops, args.seed, args.progress)
        return
    print(f"Stopping a playing video {args.stops} times at random moments (seed {args.seed})")
    ways = (
        ("bare", "bare player, stop() from Python (before)"),
        ("warmed", "media.made() player, stop() from Python"),
        ("app", "the app's PlayerWidget (ui/media.py)"),
    )
    for way, label in ways:
        r = run(way, args.stops, args.seed, args.hang)
        verdict = f"HUNG after {r['stops']} stops" if r["hung"] else f"all {r['stops']} stops returned"
        print(f"  {label:42} {verdict}; slowest stop {r['slowest'] * 1000:.0f} ms", flush=True)


if __name__ == "__main__":
    main()
