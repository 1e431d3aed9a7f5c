"""Renders the sandbox's "lip-synced" video: a real, playable MP4, not AI.

The portrait (aspect kept, at most 720p) breathes gently and zooms and glows
with the loudness of the audio, over the audio track itself, so a person can
see and hear that the video follows the clip. Synchronous and CPU-bound: the
server runs it in a worker thread, off its event loop.

Encoded by Qt's own FFmpeg (QMediaRecorder fed by QVideoFrameInput and
QAudioBufferInput): MPEG-4 Part 2 video and AAC sound in an MP4, which every
player we meet plays. The app ships that FFmpeg for playback anyway; H.264 would
need a second FFmpeg with x264 (PyAV's: 76 MB of the frozen app).

Speed: a frame depends only on (loudness level, breathing phase), so at most
LEVELS x PHASES distinct pictures exist; each is drawn once and then sent again
with new timestamps. A 30 s clip is ~750 frames but ~100 distinct pictures
(benchmark: tests/benchmarks/bench_render.py).
"""

from __future__ import annotations

import io
import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from aurora_desktop.media.decode import decode_pcm
from aurora_desktop.media.encode import Movie, Picture, encode_mp4, picture_from_planes, yuv_planes
from aurora_desktop.media.inspect import ENVELOPE_RATE, inspect_audio

FPS = 25
LEVELS = 12  # loudness steps
PHASES = 8  # breathing steps per cycle
BREATH_SECONDS = 4.0
MAX_LONG_SIDE, MAX_SHORT_SIDE = 1280, 720


@dataclass(frozen=True, slots=True)
class AudioInfo:
    duration: float  # seconds
    envelope: list[float]  # loudness per video frame, 0..1


def video_size(width: int, height: int) -> tuple[int, int]:
    """Keep the aspect, fit within 720p in either orientation, even dimensions."""
    scale = min(1.0, MAX_SHORT_SIDE / min(width, height), MAX_LONG_SIDE / max(width, height))
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def analyse_audio(path: Path, fps: int = FPS) -> AudioInfo:
    """Decode the clip once: its exact duration and a per-frame loudness envelope."""
    facts = inspect_audio(path, keep_samples=True, allow_other_formats=True)
    samples = facts.samples if facts.samples is not None else array("h")
    per_frame = ENVELOPE_RATE // fps
    rms = []
    for start in range(0, len(samples), per_frame):
        chunk = samples[start : start + per_frame]
        rms.append(math.sqrt(sum(s * s for s in chunk) / len(chunk)) if chunk else 0.0)
    # Normalise against a loud-but-not-peak reference so speech fills the range.
    ref = sorted(rms)[int(len(rms) * 0.95)] if rms else 0.0
    envelope = [min(1.0, r / ref) if ref > 0 else 0.0 for r in rms]
    return AudioInfo(duration=facts.duration, envelope=envelope)


BAR_COLOUR = (255, 200, 60)  # the loudness meter along the bottom


def _scaled(box: tuple[float, float, float, float], scale: float) -> tuple[float, float, float, float]:
    left, top, right, bottom = box
    return (left * scale, top * scale, right * scale, bottom * scale)


class _FrameCache:
    """The distinct pictures of a render: the portrait zoomed with the loudness and the breath,
    with a loudness meter. Drawn straight into the encoder's YUV planes (each plane cropped and
    scaled on its own), so no picture is converted from RGB but the portrait itself, once."""

    def __init__(self, portrait: Image.Image, size: tuple[int, int]) -> None:
        self.base = portrait.resize(size, Image.Resampling.BILINEAR)
        self.size = size
        self.planes = yuv_planes(self.base)
        self.bar = [plane.getpixel((0, 0)) for plane in yuv_planes(Image.new("RGB", (2, 2), BAR_COLOUR))]
        # Only the encoder's copy is kept, as YUV 4:2:0 (1.5 bytes a pixel): up to LEVELS x PHASES
        # of them, about 100 MB at 720x960 (as RGBX, 4 bytes a pixel, it was 265 MB).
        self.frames: dict[tuple[int, int], Picture] = {}

    def _view(self, level: int, phase: int) -> tuple[tuple[float, float, float, float], tuple[int, int, int, int]]:
        """(the part of the portrait shown, the meter's rectangle) for a loudness level and a breath phase."""
        w, h = self.size
        loud = level / (LEVELS - 1)
        breath = math.sin(2 * math.pi * phase / PHASES)
        zoom = 1.0 + 0.06 * loud + 0.01 * (breath + 1)
        cw, ch = w / zoom, h / zoom
        left = (w - cw) / 2
        top = (h - ch) / 2 - 0.01 * h * breath  # a slight nod with the breath
        bar = int(w * 0.6 * loud)
        y = h - max(6, h // 40)
        return (left, max(0.0, top), left + cw, min(float(h), top + ch)), ((w - bar) // 2, y, (w + bar) // 2, h - 2)

    def picture(self, level: int, phase: int) -> Image.Image:
        """The same picture in RGB (the job's preview)."""
        box, meter = self._view(level, phase)
        img = self.base.resize(self.size, Image.Resampling.BILINEAR, box=box)
        ImageDraw.Draw(img).rectangle(meter, fill=BAR_COLOUR)
        return img

    def frame(self, level: int, phase: int) -> Picture:
        """The picture as the encoder takes it (drawn once, then shared by every frame that shows it)."""
        key = (level, phase)
        frame = self.frames.get(key)
        if frame is None:
            box, meter = self._view(level, phase)
            planes = []
            for plane, value in zip(self.planes, self.bar, strict=True):
                scale = plane.width / self.size[0]  # 1 for Y, 1/2 for U and V
                drawn = plane.resize(plane.size, Image.Resampling.BILINEAR, box=_scaled(box, scale))
                ImageDraw.Draw(drawn).rectangle([int(c * scale) for c in meter], fill=value)
                planes.append(drawn)
            frame = self.frames[key] = picture_from_planes(*planes)
        return frame


def render(
    image_bytes: bytes,
    audio_path: Path,
    out_path: Path,
    preview_path: Path | None = None,
    *,
    progress: Callable[[float], None] | None = None,
    audio: AudioInfo | None = None,
) -> AudioInfo:
    """Write an MP4 (MPEG-4 Part 2 video, AAC sound) as long as the audio."""
    # The stored pixels as they are, EXIF rotation note ignored: the least forgiving reading of
    # the real service. A sideways phone photo shows sideways here unless the app turned it.
    portrait = Image.open(io.BytesIO(image_bytes)).convert("RGB")
    info = audio or analyse_audio(audio_path)
    size = video_size(*portrait.size)
    cache = _FrameCache(portrait, size)
    n_frames = max(1, math.ceil(info.duration * FPS))

    def frame_at(i: int) -> Picture:
        env = info.envelope[min(i, len(info.envelope) - 1)] if info.envelope else 0.0
        level = round(env * (LEVELS - 1))
        phase = int((i / FPS) / BREATH_SECONDS * PHASES) % PHASES
        return cache.frame(level, phase)

    def frames_done(i: int) -> None:
        if progress and i % FPS == 0:
            progress(0.95 * i / n_frames)

    tmp = out_path.with_name(out_path.stem + ".part" + out_path.suffix)  # the recorder keeps a known suffix
    try:
        encode_mp4(Movie(tmp, size, FPS, n_frames, frame_at, decode_pcm(audio_path), frames_done))
        tmp.replace(out_path)
    finally:
        tmp.unlink(missing_ok=True)

    if preview_path is not None:
        cache.picture(LEVELS // 2, 0).save(preview_path, "JPEG", quality=85)
    if progress:
        progress(1.0)
    return info
