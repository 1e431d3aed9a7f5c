"""How times and sizes read to a person, in one place for the window and the headless command."""

from __future__ import annotations


def clock_text(seconds: float) -> str:
    """0:42, 12:05, 1:02:03: a play position, a duration, or how long a job has been going."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def time_left(left: float | None) -> str:
    """An estimate in plain words: "about 3 min left", "under a minute left"; "" when
    nothing can be said (jobs/eta.py makes the estimate)."""
    if left is None:
        return ""
    if left < 60:
        return "under a minute left"
    return f"about {round(left / 60)} min left"


def megabytes(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def plain_length(seconds: float) -> str:
    """A model's limit or a clip's length in words: 1 minute, 14 seconds, 6 min 10 s (never 59.7 s)."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes, rest = divmod(whole, 60)
    if rest == 0:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{minutes} min {rest} s"
