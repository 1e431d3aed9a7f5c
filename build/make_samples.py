"""Regenerates resources/samples/ (the demo portrait and voice clip).

Provenance: both files are made here, from nothing third-party. The portrait is
drawn with Pillow primitives by this script; the voice is Debian's espeak-ng
(GPL-3 program; its output audio is not covered by its licence) speaking the
text below, converted to 22.05 kHz mono WAV by sox. clip.mp4 (a smoke-test
clip for the player) is the sandbox's own render of a small copy of the
portrait with the first two seconds of the voice.

    python build/make_samples.py   (needs espeak-ng and sox: build/install-system-deps.sh --test)
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

OUT = Path(__file__).resolve().parent.parent / "resources" / "samples"
VOICE_TEXT = "Hello! I am Aurora, your talking portrait. Drop in a photo and a voice, and I will bring them to life."


def portrait(path: Path, size: tuple[int, int] = (720, 960)) -> None:
    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for y in range(h):  # soft studio backdrop
        t = y / h
        draw.line([(0, y), (w, y)], fill=(int(40 + 60 * t), int(70 + 50 * t), int(120 + 40 * t)))
    cx = w // 2
    draw.ellipse([cx - 260, h - 260, cx + 260, h + 220], fill=(52, 84, 140))  # shoulders
    draw.rectangle([cx - 55, h // 2 + 60, cx + 55, h - 200], fill=(224, 172, 140))  # neck
    draw.ellipse([cx - 175, 150, cx + 175, 610], fill=(60, 40, 30))  # hair back
    draw.ellipse([cx - 150, 200, cx + 150, 600], fill=(236, 188, 156))  # face
    draw.chord([cx - 165, 150, cx + 165, 420], 180, 360, fill=(60, 40, 30))  # fringe
    for ex in (cx - 62, cx + 62):  # eyes
        draw.ellipse([ex - 30, 370, ex + 30, 400], fill=(250, 250, 250))
        draw.ellipse([ex - 13, 372, ex + 13, 398], fill=(70, 110, 60))
        draw.ellipse([ex - 6, 379, ex + 6, 391], fill=(20, 20, 20))
        draw.arc([ex - 38, 340, ex + 38, 372], 200, 340, fill=(60, 40, 30), width=6)  # brows
    draw.line([(cx, 405), (cx - 12, 470), (cx + 6, 478)], fill=(200, 140, 115), width=5)  # nose
    draw.chord([cx - 55, 500, cx + 55, 545], 0, 180, fill=(180, 70, 80))  # mouth
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    img.save(path, optimize=True)


def voice(path: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        subprocess.run(["espeak-ng", "-v", "en-us+f3", "-s", "150", "-w", str(raw), VOICE_TEXT], check=True)
        subprocess.run(["sox", str(raw), "-r", "22050", "-c", "1", "-b", "16", str(path)], check=True)


def clip(path: Path) -> None:
    import io
    import sys

    sys.path.insert(0, str(OUT.parent.parent))
    from aurora_desktop.sandbox.render import render

    with tempfile.TemporaryDirectory() as tmp:
        short = Path(tmp) / "short.wav"
        subprocess.run(["sox", str(OUT / "voice.wav"), str(short), "trim", "0", "2"], check=True)
        small = io.BytesIO()
        Image.open(OUT / "portrait.png").resize((360, 480)).save(small, "PNG")
        render(small.getvalue(), short, path)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    portrait(OUT / "portrait.png")
    voice(OUT / "voice.wav")
    clip(OUT / "clip.mp4")
    print("wrote", *sorted(p.name for p in OUT.iterdir()))
