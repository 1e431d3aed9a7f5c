"""How times and sizes read to a person, in one place for the window and the headless command."""

from __future__ import annotations

import math
from decimal import Decimal

# A clip's length is measured here by decoding it, resampled to 48 kHz and read at 8 kHz: the
# resampling moves the end by a few samples (a 4.000 s WAV reads 3.998 s at 8 kHz, 3.99975 s at
# 44.1 kHz), and a float sum adds ~1e-9. So a length within 5 ms of a whole second *is* that
# second: 4.0001 s is billed 4 s, never 5, and 3.998 s is not "rounded up". More than that (an
# MP3's padding is 26 ms a frame) is sound Creatify counts too, and is billed.
WHOLE_SECOND_SLACK = 0.005


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


def whole_seconds(seconds: float) -> int:
    """Seconds as Creatify bills them: whole seconds, rounded up (10.4 s -> 11, 4.0 s -> 4).
    The one figure for a voice's length in the price, the script editor and the command line."""
    if seconds < 0 or math.isnan(seconds):
        raise ValueError("a length must be a non-negative number of seconds")
    return math.ceil(seconds - WHOLE_SECOND_SLACK) if seconds > WHOLE_SECOND_SLACK else 0


def rounded_up(seconds: float) -> bool:
    """The length is billed as more than it is (4.3 s as 5 s): then the price says why, once."""
    return whole_seconds(seconds) - seconds > WHOLE_SECOND_SLACK


ROUNDED_UP = "Creatify bills whole seconds, rounded up"


def credits_text(value: Decimal | float) -> str:
    """Credits exactly as they are: 11, 5.5, 0.7, 1234567.5 (never 1.23457e+06 or 7.700000000000001).
    The one way credits read, in the window and on the command line."""
    number = credits_exact(value)
    if not number.is_finite():
        return str(value)
    text = format(number, "f")
    return (text.rstrip("0").rstrip(".") if "." in text else text) or "0"


def credits_exact(value: Decimal | float) -> Decimal:
    """A credit amount as a Decimal; a float is taken as the shortest decimal that reads back as it."""
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def credits_number(value: Decimal | float | None) -> int | float | None:
    """A credit amount for JSON: a whole number as an integer, else the float that prints as it does."""
    if value is None:
        return None
    number = credits_exact(value)
    return int(number) if number == number.to_integral_value() else float(number)
