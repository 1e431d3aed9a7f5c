"""Draws the app icon (made here, nothing third-party) in every format the builds need.

python build/make_icons.py   ->  resources/icons/aurora.png, build/icons/aurora.{png,ico,icns}
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent


def draw(size: int = 512) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    s = size / 512
    d.rounded_rectangle([16 * s, 16 * s, 496 * s, 496 * s], radius=110 * s, fill=(28, 36, 84, 255))
    glow = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    g = ImageDraw.Draw(glow)
    for i, colour in enumerate(((64, 224, 180), (90, 160, 255), (200, 110, 255))):  # the aurora bands
        y = (150 + i * 55) * s
        g.arc([-120 * s, y, 632 * s, y + 420 * s], 200, 340, fill=(*colour, 255), width=int(34 * s))
    img.alpha_composite(glow.filter(ImageFilter.GaussianBlur(6 * s)))
    d.ellipse([196 * s, 250 * s, 316 * s, 370 * s], fill=(245, 222, 200, 255))  # a face
    d.pieslice([222 * s, 318 * s, 290 * s, 350 * s], 0, 180, fill=(190, 60, 80, 255))  # speaking
    return img


if __name__ == "__main__":
    icon = draw()
    (ROOT / "resources" / "icons").mkdir(parents=True, exist_ok=True)
    (ROOT / "build" / "icons").mkdir(parents=True, exist_ok=True)
    icon.resize((256, 256), Image.Resampling.LANCZOS).save(ROOT / "resources" / "icons" / "aurora.png")
    icon.save(ROOT / "build" / "icons" / "aurora.png")
    icon.save(ROOT / "build" / "icons" / "aurora.ico", sizes=[(16, 16), (32, 32), (48, 48), (256, 256)])
    icon.save(ROOT / "build" / "icons" / "aurora.icns")
    print("icons written")
