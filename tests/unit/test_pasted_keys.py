"""API ID and key pasted together in the shapes people copy them."""

from __future__ import annotations

import pytest

from aurora_desktop.secrets import parse_pasted_keys


@pytest.mark.parametrize(
    "text",
    [
        "a1b2c3d4-id:k9y8x7-key",
        "  a1b2c3d4-id:k9y8x7-key\n",
        "a1b2c3d4-id k9y8x7-key",
        "a1b2c3d4-id\tk9y8x7-key",
        "a1b2c3d4-id\nk9y8x7-key",
        "X-API-ID: a1b2c3d4-id\nX-API-KEY: k9y8x7-key",
        "--header 'X-API-ID: a1b2c3d4-id'\n".replace("--header '", "").replace("'", "") + "X-API-KEY: k9y8x7-key",
    ],
)
def test_both_keys_in_one_paste(text: str) -> None:
    assert parse_pasted_keys(text) == ("a1b2c3d4-id", "k9y8x7-key")


@pytest.mark.parametrize("text", ["", "just-one-value", "a:b:c", "one two three"])
def test_one_value_is_not_split(text: str) -> None:
    assert parse_pasted_keys(text) is None
