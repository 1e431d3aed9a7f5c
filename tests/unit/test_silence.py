"""How much of a clip is silent (issue 10, defect 10), measured on real decoded WAV files."""

from __future__ import annotations

from pathlib import Path

import pytest

from aurora_desktop.media.inspect import inspect_audio
from tests.fixtures.media_files import tone_wav


@pytest.mark.parametrize(
    ("parts", "silent", "warning"),
    [
        ([(5.0, 0)], 5.0, "This clip is silent:"),
        ([(5.0, 200)], 5.0, "This clip is silent:"),  # a faint hum is still no voice
        ([(1.0, 6000), (4.0, 0), (1.0, 6000)], 4.0, "silent for 4 of its 6 seconds"),
        ([(2.0, 6000), (1.0, 0), (3.0, 6000)], 1.0, ""),
        ([(6.0, 6000)], 0.0, ""),
    ],
)
def test_silent_seconds_and_the_warning(tmp_path: Path, parts, silent: float, warning: str) -> None:
    facts = inspect_audio(tone_wav(tmp_path / "clip.wav", parts))
    assert facts.silent_seconds == pytest.approx(silent, abs=0.11)
    assert (warning in facts.silence_warning) if warning else facts.silence_warning == ""


def test_the_headless_run_is_told_too(tmp_path: Path) -> None:
    from aurora_desktop.jobs.prepare import prepare
    from tests.fixtures.loops import run
    from tests.fixtures.media_files import SAMPLE_IMAGE

    prepared = run(prepare(str(SAMPLE_IMAGE), str(tone_wav(tmp_path / "muted.wav", [(3.0, 0)])), work_dir=tmp_path))
    assert any("This clip is silent" in note for note in prepared.notes)
