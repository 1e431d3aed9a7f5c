"""The model catalog: every limit and price lives in this one table.

Prices are credits per second of audio (May 2026 pricing). Creatify bills
whole seconds, rounding partial seconds up. When Creatify changes a price or a
limit, change one row here; the client, the sandbox and the UI all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from aurora_desktop.formatting import plain_length, whole_seconds


@dataclass(frozen=True, slots=True)
class ModelSpec:
    key: str  # our unique key (model_version + resolution)
    model_version: str  # the value sent as `model_version`
    resolution: str | None  # aurora_v2 only; the request field name is unconfirmed
    label: str  # short name for people
    output: str  # what the video looks like
    credits_per_second: Decimal
    max_audio_seconds: float
    documented: bool  # False: seen on a newer model page, not in the API reference
    # A generous ceiling on the finished video's bitrate (typical output is a few Mbit/s): a
    # download announcing or streaming far more than this for the clip's length is refused.
    max_video_mbps: float = 20.0

    def max_video_bytes(self, seconds: float) -> int:
        """The most a finished video of `seconds` can reasonably weigh (plus room for headers)."""
        return int((seconds + 5) * self.max_video_mbps * 1_000_000 / 8) + 10_000_000


CATALOG: tuple[ModelSpec, ...] = (
    ModelSpec("aurora_v1", "aurora_v1", None, "Aurora v1", "720p, best quality", Decimal("1"), 300.0, True),
    ModelSpec(
        "aurora_v1_fast",
        "aurora_v1_fast",
        None,
        "Aurora v1 Fast",
        "below 720p, faster and cheaper",
        Decimal("0.5"),
        300.0,
        True,
    ),
    ModelSpec("aurora_v2_480p", "aurora_v2", "480p", "Aurora v2 480p", "480p", Decimal("0.4"), 59.7, False, 10),
    ModelSpec("aurora_v2_720p", "aurora_v2", "720p", "Aurora v2 720p", "720p", Decimal("0.7"), 59.7, False, 20),
    ModelSpec("aurora_v2_1080p", "aurora_v2", "1080p", "Aurora v2 1080p", "1080p", Decimal("1.4"), 59.7, False, 40),
    ModelSpec("aurora_v2_2k", "aurora_v2", "2k", "Aurora v2 2K", "2K", Decimal("2.8"), 14.375, False, 80),
)

DEFAULT_MODEL = "aurora_v1"
_BY_KEY = {m.key: m for m in CATALOG}


def get_model(key: str) -> ModelSpec:
    """Look a model up by catalog key, or by a bare `model_version` (first match)."""
    if key in _BY_KEY:
        return _BY_KEY[key]
    for spec in CATALOG:
        if spec.model_version == key:
            return spec
    raise KeyError(f"unknown model {key!r}; known: {', '.join(_BY_KEY)}")


def billable_seconds(audio_seconds: float) -> int:
    """Whole seconds billed: partial seconds round up (10.4 s -> 11), within
    formatting.WHOLE_SECOND_SLACK of a whole second is that second (4.0001 s -> 4)."""
    return whole_seconds(audio_seconds)


def cost_credits(model: ModelSpec | str, audio_seconds: float) -> Decimal:
    """Credits a clip costs: ceil(seconds) x price per second, exact (Decimal)."""
    spec = get_model(model) if isinstance(model, str) else model
    return billable_seconds(audio_seconds) * spec.credits_per_second


def audio_too_long(model: ModelSpec | str, audio_seconds: float) -> bool:
    spec = get_model(model) if isinstance(model, str) else model
    return audio_seconds > spec.max_audio_seconds + 1e-6


def too_long_message(duration: float, model: ModelSpec) -> str:
    """Which models would take the clip, or, when none would, the longest one by name."""
    clip = f"{duration:.1f} seconds" if duration < 60 else plain_length(duration)
    fits = sorted((m for m in CATALOG if not audio_too_long(m, duration)), key=lambda m: -m.max_audio_seconds)
    if not fits:
        longest = max(CATALOG, key=lambda m: m.max_audio_seconds)
        return (
            f"The audio is {clip} long; the longest any model takes is {plain_length(longest.max_audio_seconds)} "
            f"({longest.label}). Shorten the clip."
        )
    # Every model that takes it, grouped by how long a clip it takes (longest first).
    limits = sorted({m.max_audio_seconds for m in fits}, reverse=True)
    groups = [[m.label for m in fits if m.max_audio_seconds == limit] for limit in limits]
    choices = ", or ".join(
        f"{_either(labels)} (up to {plain_length(limit)})" for labels, limit in zip(groups, limits, strict=True)
    )
    return (
        f"The audio is {clip} long; {model.label} takes clips up to {plain_length(model.max_audio_seconds)}. "
        f"Choose {choices}, or shorten the clip."
    )


def _either(labels: list[str]) -> str:
    """ "A", "A or B", "A, B or C"."""
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"
