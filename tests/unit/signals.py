"""Synthetic voice-like signals with known pauses, for the silence and voice-edit tests.

Built from repeated blocks (array multiplication runs in C), so minutes of 8 kHz audio
take milliseconds to make.
"""

from __future__ import annotations

import functools
import math
import random
from array import array
from pathlib import Path

RATE = 8000


def tone(seconds: float, amplitude: int = 6000, rate: int = RATE) -> array[int]:
    """A 400 Hz tone (20 samples a period at 8 kHz): a stand-in for voiced speech."""
    period = rate // 400
    one = array("h", [int(amplitude * math.sin(2 * math.pi * k / period)) for k in range(period)])
    whole = one * (int(seconds * rate) // period + 1)
    return whole[: int(seconds * rate)]


def noise(seconds: float, amplitude: int, rate: int = RATE, seed: int = 1) -> array[int]:
    """Room noise of at most `amplitude` (0: digital silence); one second repeated."""
    whole = array("h", _noise_second(amplitude, rate, seed)) * (int(seconds) + 1)
    return whole[: int(seconds * rate)]


@functools.cache
def _noise_second(amplitude: int, rate: int, seed: int) -> tuple[int, ...]:
    rnd = random.Random(seed)
    return tuple(rnd.randint(-amplitude, amplitude) for _ in range(rate))


def speech(parts: list[tuple[str, float]], *, loud: int = 6000, hiss: int = 30, rate: int = RATE) -> array[int]:
    """("v", seconds) of voice (tone plus the room's hiss) and ("-", seconds) of pause (hiss only)."""
    second = list(zip(tone(1.0, loud, rate), noise(1.0, hiss, rate, seed=2), strict=True))
    voiced = array("h", [max(-32768, min(32767, a + b)) for a, b in second])  # one second, repeated
    out = array("h")
    for kind, seconds in parts:
        n = int(seconds * rate)
        out += (voiced * (n // rate + 1))[:n] if kind == "v" else noise(seconds, hiss, rate)
    return out


def write_memo(path: Path, samples: array[int], codec: str, fmt: str, rate: int = 48000) -> Path:
    """Mono samples encoded as a phone would (aac in mp4, libopus in ogg), with PyAV (test-only)."""
    import av

    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=rate, layout="mono")
        assert isinstance(stream, av.AudioStream)
        for at in range(0, len(samples), 1024):
            block = samples[at : at + 1024]
            frame = av.AudioFrame(format="s16", layout="mono", samples=len(block))
            frame.planes[0].update(block.tobytes())
            frame.sample_rate, frame.pts = rate, at
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path
