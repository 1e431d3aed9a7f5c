"""Renders the sandbox's "lip-synced" video: a real, playable MP4, not AI.

The portrait (aspect kept, at most 720p) breathes gently and zooms and glows
with the loudness of the audio, over the audio track itself, so a person can
see and hear that the video follows the clip. Synchronous and CPU-bound: the
server runs it in a worker thread, off its event loop.

Speed: a frame depends only on (loudness level, breathing phase), so at most
LEVELS x PHASES distinct pictures exist; each is drawn and converted to YUV once
and then re-encoded with new timestamps. A 30 s clip is ~750 frames but ~100
distinct pictures (benchmark: tests/benchmarks/bench_render.py).
"""

from __future__ import annotations

import io
import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
from PIL import Image, ImageDraw

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


class _FrameCache:
    def __init__(self, portrait: Image.Image, size: tuple[int, int]) -> None:
        self.base = portrait.resize(size, Image.Resampling.BILINEAR)
        self.size = size
        self.frames: dict[tuple[int, int], av.VideoFrame] = {}

    def get(self, level: int, phase: int) -> av.VideoFrame:
        key = (level, phase)
        frame = self.frames.get(key)
        if frame is None:
            frame = av.VideoFrame.from_image(self._draw(level, phase)).reformat(format="yuv420p")
            self.frames[key] = frame
        return frame

    def _draw(self, level: int, phase: int) -> Image.Image:
        w, h = self.size
        loud = level / (LEVELS - 1)
        breath = math.sin(2 * math.pi * phase / PHASES)
        zoom = 1.0 + 0.06 * loud + 0.01 * (breath + 1)
        cw, ch = w / zoom, h / zoom
        left = (w - cw) / 2
        top = (h - ch) / 2 - 0.01 * h * breath  # a slight nod with the breath
        img = self.base.resize(
            self.size, Image.Resampling.BILINEAR, box=(left, max(0.0, top), left + cw, min(float(h), top + ch))
        )
        draw = ImageDraw.Draw(img)
        bar = int(w * 0.6 * loud)  # a loudness meter along the bottom
        y = h - max(6, h // 40)
        draw.rectangle([(w - bar) // 2, y, (w + bar) // 2, h - 2], fill=(255, 200, 60))
        return img


def render(
    image_bytes: bytes,
    audio_path: Path,
    out_path: Path,
    preview_path: Path | None = None,
    *,
    progress: Callable[[float], None] | None = None,
    audio: AudioInfo | None = None,
) -> AudioInfo:
    """Write an H.264/AAC MP4 (MPEG-4 Part 2 if x264 is missing) as long as the audio."""
    # The stored pixels as they are, EXIF rotation note ignored: the least forgiving reading of
    # the real service. A sideways phone photo shows sideways here unless the app turned it.
    portrait = Image.open(io.BytesIO(image_bytes)).convert("RGB")
    info = audio or analyse_audio(audio_path)
    size = video_size(*portrait.size)
    cache = _FrameCache(portrait, size)
    n_frames = max(1, math.ceil(info.duration * FPS))

    tmp = out_path.with_suffix(out_path.suffix + ".part")
    with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        try:
            vstream = out.add_stream("libx264", rate=FPS, options={"preset": "veryfast", "crf": "26"})
        except av.codec.codec.UnknownCodecError:  # pragma: no cover - wheel without x264
            vstream = out.add_stream("mpeg4", rate=FPS)
        vstream.width, vstream.height = size
        vstream.pix_fmt = "yuv420p"
        astream = out.add_stream("aac", rate=44100, layout="mono")

        # Interleave: video frames first per step is fine, the muxer orders packets.
        for i in range(n_frames):
            env = info.envelope[min(i, len(info.envelope) - 1)] if info.envelope else 0.0
            level = round(env * (LEVELS - 1))
            phase = int((i / FPS) / BREATH_SECONDS * PHASES) % PHASES
            frame = cache.get(level, phase)
            frame.pts = i  # in 1/FPS units: the stream's codec time base
            out.mux(vstream.encode(frame))
            if progress and i % FPS == 0:
                progress(0.95 * i / n_frames)
        out.mux(vstream.encode(None))

        with av.open(str(audio_path)) as src:
            resampler = av.AudioResampler(format="fltp", layout="mono", rate=44100)
            for aframe in src.decode(src.streams.audio[0]):
                for res in resampler.resample(aframe):
                    res.pts = None
                    out.mux(astream.encode(res))
            for res in resampler.resample(None):
                res.pts = None
                out.mux(astream.encode(res))
        out.mux(astream.encode(None))
    tmp.replace(out_path)

    if preview_path is not None:
        cache.get(LEVELS // 2, 0).to_image().save(preview_path, "JPEG", quality=85)
    if progress:
        progress(1.0)
    return info
