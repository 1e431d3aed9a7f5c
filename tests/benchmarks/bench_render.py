"""Sandbox render speed for a 30 s clip, against a bare-encode baseline in the same run.

    .venv/bin/python tests/benchmarks/bench_render.py [--seconds 30] [--runs 3]

Prints seconds of video per second of wall time (goal: 30 s renders in < 15 s,
i.e. >= 2.0x) and the ratio to a baseline that only encodes one static picture
the same number of times, over the same sound, with the same encoder (the floor of what any render
must cost), so the figure means something on a noisy shared machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import wave
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from aurora_desktop.media.decode import decode_pcm
from aurora_desktop.media.encode import Movie, encode_mp4, picture_from_rgb
from aurora_desktop.media.qt_threads import ensure_app
from aurora_desktop.sandbox import render

SAMPLES = ROOT / "resources" / "samples"


def make_clip(seconds: float, out: Path) -> float:
    with wave.open(str(SAMPLES / "voice.wav")) as src:
        params, frames = src.getparams(), src.readframes(src.getnframes())
    per_second = params.framerate * params.sampwidth * params.nchannels
    data = (frames * (int(seconds * per_second / len(frames)) + 1))[: int(seconds * per_second) // 2 * 2]
    with wave.open(str(out), "wb") as dst:
        dst.setparams(params)
        dst.writeframes(data)
    return len(data) / per_second


def baseline(image: bytes, n_frames: int, clip: Path, out: Path) -> float:
    """Encode one static picture n times, over the same sound, with the render's encoder."""
    import io

    size = render.video_size(*Image.open(io.BytesIO(image)).size)
    start = time.perf_counter()
    picture = Image.open(io.BytesIO(image)).convert("RGB").resize(size)
    frame = picture_from_rgb(picture)
    encode_mp4(Movie(out, size, render.FPS, n_frames, lambda _i: frame, decode_pcm(clip)))
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    ensure_app()
    image = (SAMPLES / "portrait.png").read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "clip.wav"
        duration = make_clip(args.seconds, clip)
        n_frames = int(duration * render.FPS)
        ours, base = [], []
        for _ in range(args.runs):  # interleaved, so machine noise hits both alike
            t = time.perf_counter()
            render.render(image, clip, Path(tmp) / "out.mp4", Path(tmp) / "prev.jpg")
            ours.append(time.perf_counter() - t)
            base.append(baseline(image, n_frames, clip, Path(tmp) / "base.mp4"))
    o, b = statistics.median(ours), statistics.median(base)
    print(f"clip: {duration:.1f} s of audio, {n_frames} frames at {render.FPS} fps, {args.runs} runs (median)")
    print(
        f"sandbox render: {o:.2f} s wall = {duration / o:.2f} s of video per wall second "
        f"(goal: {args.seconds:g} s in < {args.seconds / 2:g} s, i.e. >= 2.00)"
    )
    print(f"baseline (static picture, same encoder and sound): {b:.2f} s wall = {duration / b:.2f} s/s")
    print(f"ratio render/baseline: {o / b:.2f}x the cost of the bare encode")


if __name__ == "__main__":
    main()
