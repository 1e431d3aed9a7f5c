from decimal import Decimal

import pytest

from aurora_desktop.api.catalog import CATALOG, audio_too_long, billable_seconds, cost_credits, get_model


@pytest.mark.parametrize(
    ("model", "seconds", "credits"),
    [
        ("aurora_v1", 10.4, Decimal("11")),  # the documented example
        ("aurora_v1", 10.0, Decimal("10")),
        ("aurora_v1", 10.0000000001, Decimal("10")),  # decoder float noise is not a second
        ("aurora_v1_fast", 7.62, Decimal("4.0")),  # 8 s x 0.5
        ("aurora_v2_720p", 3.2, Decimal("2.8")),  # 4 s x 0.7
        ("aurora_v2_2k", 14.0, Decimal("39.2")),
        ("aurora_v1", 0.0, Decimal("0")),
    ],
)
def test_cost_rounds_partial_seconds_up(model: str, seconds: float, credits: Decimal) -> None:
    assert cost_credits(model, seconds) == credits


def test_limits_come_from_the_table() -> None:
    assert audio_too_long("aurora_v1", 300.5)
    assert not audio_too_long("aurora_v1", 300.0)
    assert audio_too_long("aurora_v2_1080p", 60.0)
    assert not audio_too_long("aurora_v2_1080p", 59.7)
    assert audio_too_long("aurora_v2_2k", 14.4)


def test_lookup_by_key_or_model_version() -> None:
    assert get_model("aurora_v1_fast").credits_per_second == Decimal("0.5")
    assert get_model("aurora_v2").model_version == "aurora_v2"
    with pytest.raises(KeyError, match="unknown model"):
        get_model("aurora_v9")
    assert len({m.key for m in CATALOG}) == len(CATALOG)
    assert [m.documented for m in CATALOG if m.model_version == "aurora_v2"] == [False] * 4


def test_negative_audio_is_refused() -> None:
    with pytest.raises(ValueError):
        billable_seconds(-1)


def test_a_whole_second_measured_a_hair_long_is_billed_as_that_second() -> None:
    """A 4.0 s clip measured 4.0001 s (a resampled sample or two) was priced 5 s: now 4 s; the
    price explains the rounding only when a clip really is billed longer than it is."""
    from aurora_desktop.formatting import rounded_up, whole_seconds

    assert [whole_seconds(s) for s in (4.0, 4.0001, 4.004, 4.01, 10.4, 0.0)] == [4, 4, 4, 5, 11, 0]
    assert cost_credits("aurora_v1", 4.0001) == 4
    assert not rounded_up(4.0001) and not rounded_up(3.998) and rounded_up(7.6)
