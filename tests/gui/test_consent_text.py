"""The Quick-links consent says what the app does (issue 20.11)."""

from __future__ import annotations

from aurora_desktop.ui.sharing import consent_text


def test_the_consent_text_is_true() -> None:
    text = consent_text()
    # Hosted copies are deleted when the job ends (jobs/steps/hosting.release_inputs), not when
    # Creatify has fetched them; the photo's hidden details are stripped (media/photo.py).
    assert "as soon as Creatify has them" not in text
    assert "once the video is saved" in text
    assert "hidden details" in text
