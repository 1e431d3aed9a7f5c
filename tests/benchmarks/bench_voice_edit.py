"""How long the voice editor's analysis takes next to decoding the clip (issues 25 and 26).

    .venv/bin/python tests/benchmarks/bench_voice_edit.py [--minutes 5] [--rounds 3]

A voice-like clip (phrases of a tone with room hiss, pauses of 0.3-1.2 s) of --minutes,
written as a 16-bit WAV and as an AAC .m4a (a phone memo). The baseline is decoding it as
the app does before any analysis (media/decode.py, every 6th sample: 8 kHz mono, as
inspect.py does). Then the analysis on that decoded sound (media/silence.py): the envelope,
the pauses, trim_silence, and split_at_pauses for a 60 s limit. Printed: the best of
--rounds for each, and analysis / decode. Goal: analysis well under decode time (< 0.5).
Also printed for comparison: the envelope made from the full 48 kHz sound instead.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from aurora_desktop.media.decode import PCM_RATE, decode_pcm
from aurora_desktop.media.qt_threads import ensure_app
from aurora_desktop.media.silence import Envelope, silences, split_at_pauses, trim_silence
from tests.unit.signals import speech, write_memo

T = TypeVar("T")
ANALYSIS_RATE = 8000


def best_of(rounds: int, work: Callable[[], T]) -> tuple[float, T]:
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    assert result is not None
    return min(times), result


def clip_pattern(minutes: float) -> list[tuple[str, float]]:
    pattern: list[tuple[str, float]] = [("-", 0.5)]
    pauses = (0.3, 0.5, 0.8, 1.2)
    total, k = 0.5, 0
    while total < minutes * 60 - 8:
        phrase = 3.0 + (k * 7 % 5)
        pattern += [("v", phrase), ("-", pauses[k % 4])]
        total += phrase + pauses[k % 4]
        k += 1
    pattern.append(("v", minutes * 60 - total))
    return pattern


def analyse(env: Envelope) -> int:
    found = silences(env)
    trim_silence(env)
    plan = split_at_pauses(env, limit=60, minimum=5)
    return len(found) + len(plan.cuts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ensure_app()
    samples = speech(clip_pattern(args.minutes), rate=PCM_RATE)
    with tempfile.TemporaryDirectory() as tmp:
        wav_path = Path(tmp) / "voice.wav"
        with wave.open(str(wav_path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(PCM_RATE)
            out.writeframes(samples.tobytes())
        m4a_path = write_memo(Path(tmp) / "voice.m4a", samples, "aac", "mp4")
        print(f"clip: {args.minutes:g} min voice-like, mono; best of {args.rounds}")
        for name, path in (("wav", wav_path), ("m4a", m4a_path)):
            decode_s, pcm = best_of(args.rounds, lambda p=path: decode_pcm(p, every=PCM_RATE // ANALYSIS_RATE))  # type: ignore[misc]
            envelope_s, env = best_of(args.rounds, lambda pcm=pcm: Envelope.of_pcm(pcm))  # type: ignore[misc]
            rest_s, _ = best_of(args.rounds, lambda env=env: analyse(env))  # type: ignore[misc]
            analysis = envelope_s + rest_s
            print(
                f"{name}: decode at 8 kHz {decode_s * 1000:.0f} ms (baseline); analysis {analysis * 1000:.0f} ms "
                f"(envelope {envelope_s * 1000:.0f} ms, pauses+trim+split {rest_s * 1000:.0f} ms) "
                f"= {analysis / decode_s:.2f} x decode"
            )
        full_decode_s, full = best_of(1, lambda: decode_pcm(wav_path))
        full_env_s, _ = best_of(args.rounds, lambda: Envelope.of_pcm(full))
        print(
            f"for comparison, at 48 kHz: decode {full_decode_s * 1000:.0f} ms, envelope {full_env_s * 1000:.0f} ms "
            f"= {full_env_s / full_decode_s:.2f} x decode"
        )
        plan = split_at_pauses(Envelope.of_pcm(pcm), limit=60, minimum=5)
        print(f"split for a 60 s model: {len(plan.parts)} parts, {plan.outcome.value}")


if __name__ == "__main__":
    main()
