"""Where a voice clip is quiet: pauses, trimming, snapping, and cut points for long clips.

Pure functions on decoded samples (no Qt, no files), so the waveform editor, the command
line and the long-audio split all judge silence the same way, and tests need no decoding.

Everything starts from an `Envelope`: the clip's peak level in 10 ms frames. It is made
from 16-bit samples (`Envelope.of_samples`) or a decoded `Pcm` (`Envelope.of_pcm`). For
speed, decode at a reduced rate (`decode_pcm(path, every=6)`, 8 kHz, as inspect.py does):
a peak per 10 ms is as good at 8 kHz as at 48 kHz. The work is C-level (bytes.translate,
max() over slices), never a Python loop per sample: 5 minutes take about a fifth of their
decoding (tests/benchmarks/bench_voice_edit.py).

Not the same rule as inspect.silent_seconds(): that one says whether a clip is silent at all
(a fixed -40 dBFS), which a level relative to the clip cannot.

Silence is judged against the clip's own loudness (`quiet_level`), so a quiet voice memo
and a loud song both work; a fixed level would call the whole memo silent or the song's
quiet verse a pause.
"""

from __future__ import annotations

import enum
import itertools
import math
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

FRAME_SECONDS = 0.01  # one level per 10 ms: finer than any pause that matters, 6000 per minute
# Percentiles of the frame levels. The 95th is the clip's loud speech (a few shouts or clicks
# above it do not move it); the 5th its floor (room noise, or digital silence between words).
LOUD_PERCENTILE = 0.95
FLOOR_PERCENTILE = 0.05
# The quiet level sits 30 % of the way (in dB) from the floor up to the loud level: well above
# the noise, well below speech. In a usable recording the room's noise is some 30-50 dB under
# the voice (the tests' signals: 36-46 dB), so the line falls 10-15 dB above the noise.
QUIET_FRACTION = 0.3
# Never closer than 25 dB under the loud level: a clip with no real pause (continuous music,
# where the floor is near the loud level) then has no silence, instead of its softer half.
QUIET_BELOW_LOUD_DB = 25.0
# Never under -66 dBFS (16 of 32767): dither and a faint hum of a few steps are silence even
# in a clip of digital silence and speech (whose floor, 0, is -inf dB).
QUIET_LEAST = 16
PAUSE_SECONDS = 0.25  # a pause is at least this long: gaps between words are shorter (~0.1 s)
TRIM_MARGIN = 0.1  # seconds of quiet kept before the first and after the last sound: a soft
# onset (a breath, an "h") is not clipped, and the face has a moment before it speaks
SNAP_MARGIN = 0.1  # a handle snapped into a pause stays this far from the sound at its edge
EDGE_KEEP = 0.2  # a cut near a long pause's end keeps this much quiet before the sound
BLOCK_SECONDS = 1.0  # without a pause, one cut candidate per second: its quietest 100 ms
QUIET_WINDOW_FRAMES = 10  # 100 ms


COARSE_FROM = 16  # frames louder than 16 * 256 (-18 dBFS) are measured on their high bytes
# The high byte of a signed 16-bit sample, as the level it stands for: 0..127 for 0..32767,
# and for a negative sample its complement (-1..-256 -> 0, -32768 -> 127).
_ABS_HIGH_BYTE = bytes(b if b < 128 else 255 - b for b in range(256))


class PcmLike(Protocol):
    """media/decode.py's Pcm (named here, not imported: that module loads Qt Multimedia)."""

    @property
    def data(self) -> bytes: ...
    @property
    def rate(self) -> int: ...
    @property
    def channels(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Envelope:
    """Peak level (0..32767) of each frame of a clip (about FRAME_SECONDS), all channels together."""

    levels: array[int]  # "l": one per frame; the last frame may be shorter
    duration: float  # seconds, exact (from the sample count)
    frame_seconds: float = FRAME_SECONDS  # exact: a whole number of samples (220 at 22.05 kHz)

    @classmethod
    def of_samples(cls, samples: Sequence[int] | bytes, rate: int, channels: int = 1) -> Envelope:
        """From interleaved signed 16-bit samples: an array("h") or a list (native values), or
        their little-endian bytes (as decode_pcm gives them)."""
        if isinstance(samples, bytes | bytearray | memoryview):
            data = bytes(samples)
            values = array("h")
            values.frombytes(data)
            if sys.byteorder == "big":
                values.byteswap()
        else:
            values = samples if isinstance(samples, array) else array("h", samples)
            if sys.byteorder == "big":
                values = array("h", values)
                values.byteswap()
                data = values.tobytes()
                values.byteswap()
            else:
                data = values.tobytes()
        # Each sample's high byte, as a level 0..127, in one C pass: a frame whose loudest high
        # byte reaches COARSE_FROM is loud, and its level is that byte's (within 1/COARSE_FROM,
        # half a dB); only quieter frames are measured sample by sample. The quiet level is
        # never over -25 dBFS (QUIET_BELOW_LOUD_DB), under the coarse range: no frame is judged
        # silent or not on a coarse level. A loud clip's analysis is a few times faster.
        high = data[1::2].translate(_ABS_HIGH_BYTE)
        frame = max(1, round(rate * FRAME_SECONDS))
        step = frame * channels
        levels = array("l")
        for at in range(0, len(values), step):
            coarse = max(high[at : at + step])
            if coarse >= COARSE_FROM:
                levels.append(coarse * 256 + 255)
            else:
                window = values[at : at + step]  # a slice: max()/min() run in C over it
                levels.append(max(max(window), -min(window)))
        return cls(levels, len(values) / channels / rate, frame / rate)

    @classmethod
    def of_pcm(cls, pcm: PcmLike) -> Envelope:
        return cls.of_samples(pcm.data, pcm.rate, pcm.channels)

    def frame_at(self, seconds: float) -> int:
        return min(len(self.levels), max(0, round(seconds / self.frame_seconds)))

    def time_of(self, frame: int) -> float:
        return min(self.duration, frame * self.frame_seconds)


def _db(level: float) -> float:
    return 20 * math.log10(max(level, 1) / 32768)


def _level(db: float) -> float:
    return 32768 * 10 ** (db / 20)


def quiet_level(env: Envelope) -> int:
    """The level under which a frame of this clip is silent (see the constants above)."""
    if not env.levels:
        return QUIET_LEAST
    ordered = sorted(env.levels)
    loud = _db(ordered[min(len(ordered) - 1, int(len(ordered) * LOUD_PERCENTILE))])
    floor = _db(ordered[int(len(ordered) * FLOOR_PERCENTILE)])
    quiet = min(floor + QUIET_FRACTION * (loud - floor), loud - QUIET_BELOW_LOUD_DB)
    return max(QUIET_LEAST, math.ceil(_level(quiet)))


def _quiet_runs(env: Envelope) -> list[tuple[int, int]]:
    """Runs of silent frames as (first, past-last) frame indexes."""
    quiet = quiet_level(env)
    runs: list[tuple[int, int]] = []
    start = -1
    for i, level in enumerate(env.levels):
        if level < quiet:
            if start < 0:
                start = i
        elif start >= 0:
            runs.append((start, i))
            start = -1
    if start >= 0:
        runs.append((start, len(env.levels)))
    return runs


def _envelope(source: Envelope | PcmLike) -> Envelope:
    return source if isinstance(source, Envelope) else Envelope.of_pcm(source)


def silences(source: Envelope | PcmLike, min_seconds: float = PAUSE_SECONDS) -> list[tuple[float, float]]:
    """The clip's quiet stretches of at least min_seconds, as (start, end) seconds, in order.
    A quiet start or end of the clip counts, however short the clip."""
    env = _envelope(source)
    least = max(1, round(min_seconds / env.frame_seconds))
    return [(env.time_of(a), env.time_of(b)) for a, b in _quiet_runs(env) if b - a >= least]


def trim_silence(
    source: Envelope | PcmLike, start: float = 0.0, end: float | None = None, margin: float = TRIM_MARGIN
) -> tuple[float, float] | None:
    """The selection [start, end] without its quiet start and end, keeping `margin` seconds of
    quiet on each side (never beyond the selection). None when the selection is all silence."""
    env = _envelope(source)
    end = env.duration if end is None else min(end, env.duration)
    start = max(0.0, start)
    first, last = env.frame_at(start), env.frame_at(end)
    quiet = quiet_level(env)
    sounding = [i for i in range(first, min(last, len(env.levels))) if env.levels[i] >= quiet]
    if not sounding:
        return None
    return max(start, env.time_of(sounding[0]) - margin), min(end, env.time_of(sounding[-1] + 1) + margin)


def snap(
    seconds: float, pauses: Sequence[tuple[float, float]], reach: float = 0.5, margin: float = SNAP_MARGIN
) -> float:
    """`seconds` moved into the nearest pause within `reach` seconds (for the waveform's
    handles): to the nearest point of the pause at least `margin` from its edges (its middle
    when it is shorter than two margins). Unchanged when inside such a point already, or when
    no pause is within reach."""
    best, distance = seconds, reach
    for a, b in pauses:
        m = min(margin, (b - a) / 2)
        point = min(max(seconds, a + m), b - m)
        if abs(point - seconds) <= distance:
            best, distance = point, abs(point - seconds)
    return best


class SplitOutcome(enum.StrEnum):
    """What `split_at_pauses` found, for the window or the command line to say in a sentence."""

    FITS = "fits"  # within the limit already: no cut
    PAUSES = "pauses"  # every cut is in the middle of a pause
    NO_PAUSE = "no-pause"  # some stretch had no pause in reach (music?): cut at its quietest moment
    TOO_SHORT = "too-short"  # shorter than the minimum part: cannot be made at all
    IMPOSSIBLE = "impossible"  # no set of parts within [minimum, limit] exists (limit < minimum...)


@dataclass(frozen=True, slots=True)
class Cut:
    seconds: float
    pause: float  # length of the pause it is in (seconds); 0.0 for a cut at a quietest moment


@dataclass(frozen=True, slots=True)
class SplitPlan:
    outcome: SplitOutcome
    cuts: tuple[Cut, ...]
    duration: float

    @property
    def parts(self) -> list[tuple[float, float]]:
        """(start, end) of each part: the whole clip when there is no cut."""
        edges = [0.0, *(c.seconds for c in self.cuts), self.duration]
        return list(itertools.pairwise(edges))


@dataclass(frozen=True, slots=True, order=True)
class _Candidate:
    seconds: float
    worth: float  # the quiet around it: a pause's length at its middle, less near its ends
    level: int  # for a quietest-moment candidate: its 100 ms peak (lower is better)
    pause: float  # the length of the pause it is in; 0.0 for a quietest moment


def split_at_pauses(source: Envelope | PcmLike, limit: float, minimum: float) -> SplitPlan:
    """Cut points so that each part lasts at most `limit` and at least `minimum` seconds.

    Cuts are in the middle of pauses (PAUSE_SECONDS or longer: never mid-word). Among the
    plans, the best is, in order: the fewest cuts outside a pause, the fewest parts, the
    longest pauses in total, the quietest cuts outside a pause. A stretch with no pause in
    reach (continuous music) is cut at the quietest 100 ms of some second (NO_PAUSE).
    Deterministic: the same envelope always gives the same plan. (Given a Pcm, its envelope
    is made first; make one Envelope and pass it to every call when there are several.)"""
    env = _envelope(source)
    duration = env.duration
    if duration <= limit + 1e-6:
        outcome = SplitOutcome.TOO_SHORT if duration < minimum else SplitOutcome.FITS
        return SplitPlan(outcome, (), duration)
    if limit <= 0 or limit < minimum:
        return SplitPlan(SplitOutcome.IMPOSSIBLE, (), duration)
    pauses = sorted(c for a, b in silences(env) if a > 0 and b < duration for c in _pause_points(a, b))
    plan = _best_plan(pauses, duration, limit, minimum)
    if plan is None:
        plan = _best_plan(sorted(pauses + _quietest_moments(env), key=lambda c: c.seconds), duration, limit, minimum)
    if plan is None:
        return SplitPlan(SplitOutcome.IMPOSSIBLE, (), duration)
    cuts = tuple(Cut(round(c.seconds, 3), round(c.pause, 3)) for c in plan)
    outcome = SplitOutcome.PAUSES if all(c.pause > 0 for c in cuts) else SplitOutcome.NO_PAUSE
    return SplitPlan(outcome, cuts, duration)


def _pause_points(a: float, b: float) -> list[_Candidate]:
    """Where a pause may be cut: its middle, worth its length; in a long one also near each end
    (EDGE_KEEP from the sound), worth twice that distance: for when its middle is just out of
    a part's reach (a 3 s pause across the limit)."""
    points = [_Candidate((a + b) / 2, b - a, 0, b - a)]
    if b - a >= 4 * EDGE_KEEP:
        points += [
            _Candidate(a + EDGE_KEEP, 2 * EDGE_KEEP, 0, b - a),
            _Candidate(b - EDGE_KEEP, 2 * EDGE_KEEP, 0, b - a),
        ]
    return points


def _quietest_moments(env: Envelope) -> list[_Candidate]:
    """In each BLOCK_SECONDS of the clip, the middle of its quietest QUIET_WINDOW_FRAMES (of the
    middle one, when several windows in a row are as quiet: the middle of a soft moment)."""
    block = round(BLOCK_SECONDS / env.frame_seconds)
    levels, found = env.levels, []
    for first in range(0, len(levels) - QUIET_WINDOW_FRAMES + 1, block):
        last = min(first + block, len(levels) - QUIET_WINDOW_FRAMES + 1)
        peaks = [max(levels[i : i + QUIET_WINDOW_FRAMES]) for i in range(first, last)]
        level = min(peaks)
        run_start, run_length, best_start, best_length = 0, 0, 0, 0
        for i, peak in enumerate(peaks):
            if peak == level:
                run_start, run_length = (run_start, run_length + 1) if run_length else (i, 1)
                if run_length > best_length:
                    best_start, best_length = run_start, run_length
            else:
                run_length = 0
        at = first + best_start + (best_length - 1) // 2
        found.append(_Candidate(env.time_of(at + QUIET_WINDOW_FRAMES // 2), 0.0, level, 0.0))
    return found


_Cost = tuple[int, int, float, int]  # cuts outside pauses, parts, -total worth, total level


def _best_plan(candidates: list[_Candidate], duration: float, limit: float, minimum: float) -> list[_Candidate] | None:
    """The best chain of candidates from 0 to `duration` with every step in [minimum, limit]
    (dynamic programming over the candidates in time order; a step's reach is bounded by the
    limit, so it is linear in the clip's length for a fixed limit)."""
    eps = 1e-6
    times = [0.0, *(c.seconds for c in candidates)]
    best: list[tuple[_Cost, int] | None] = [((0, 1, 0.0, 0), -1)]
    lo = 0  # the earliest predecessor still within `limit` of the current candidate
    for i, cand in enumerate(candidates, start=1):
        while times[i] - times[lo] > limit + eps:
            lo += 1
        found: tuple[_Cost, int] | None = None
        for j in range(lo, i):
            previous = best[j]
            if previous is None or times[i] - times[j] < minimum - eps:
                continue
            (forced, parts, worth, level), _ = previous
            cost = (forced + (cand.pause <= 0), parts + 1, worth - cand.worth, level + cand.level)
            if found is None or cost < found[0]:
                found = (cost, j)
        best.append(found)
    ends = [
        (entry[0], j)
        for j, entry in enumerate(best)
        if entry is not None and minimum - eps <= duration - times[j] <= limit + eps
    ]
    if not ends:
        return None
    _, j = min(ends)
    chain: list[_Candidate] = []
    while j > 0:
        chain.append(candidates[j - 1])
        entry = best[j]
        assert entry is not None
        j = entry[1]
    return chain[::-1]
