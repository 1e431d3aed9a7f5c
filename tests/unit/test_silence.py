"""How much of a clip is silent (issue 10, defect 10), measured on real decoded WAV files."""

from __future__ import annotations

from array import array
from pathlib import Path

import pytest

from aurora_desktop.media.inspect import inspect_audio
from aurora_desktop.media.silence import SNAP_MARGIN, TRIM_MARGIN, Envelope, silences, snap, trim_silence
from tests.fixtures.media_files import tone_wav
from tests.unit.signals import RATE, noise, speech, tone, write_memo


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


# Pauses, trimming and snapping on decoded samples (media/silence.py, issue 25 "Voice: trim").

KNOWN = [("-", 1.0), ("v", 2.0), ("-", 0.5), ("v", 3.0), ("-", 0.15), ("v", 1.0), ("-", 1.0)]
KNOWN_PAUSES = [(0.0, 1.0), (3.0, 3.5), (7.65, 8.65)]  # the 0.15 s gap is between words: no pause


@pytest.mark.parametrize(
    ("loud", "hiss"),
    [
        (6000, 30),  # an ordinary recording
        (600, 5),  # a quiet voice memo: its voice (-35 dBFS) is under most fixed silence levels
        (20000, 300),  # a loud song on a noisy line: its hiss (-40 dBFS) is over most
        (6000, 0),  # digital silence between the words
    ],
)
def test_pauses_are_found_at_any_loudness(loud: int, hiss: int) -> None:
    env = Envelope.of_samples(speech(KNOWN, loud=loud, hiss=hiss), RATE)
    found = silences(env)
    assert len(found) == len(KNOWN_PAUSES), found
    for (a, b), (x, y) in zip(found, KNOWN_PAUSES, strict=True):
        assert a == pytest.approx(x, abs=0.02) and b == pytest.approx(y, abs=0.02)
    assert env.duration == pytest.approx(8.65)


def test_continuous_music_has_no_pause() -> None:
    song = array("h")
    for _ in range(10):  # loud and soft phrases, no rest
        song += tone(1.0, 12000) + tone(1.0, 1500)
    assert silences(Envelope.of_samples(song, RATE)) == []


def test_a_silent_clip_is_one_long_silence_and_trims_to_nothing() -> None:
    env = Envelope.of_samples(noise(3.0, 3), RATE)
    assert silences(env) == [(0.0, 3.0)]
    assert trim_silence(env) is None


def test_pauses_of_stereo_bytes_as_decode_pcm_gives_them() -> None:
    mono = speech(KNOWN)
    stereo = array("h", [s for s in mono for _ in range(2)])
    env = Envelope.of_samples(stereo.tobytes(), RATE, channels=2)
    assert env.duration == pytest.approx(8.65)
    flat = [t for pause in silences(env) for t in pause]
    assert flat == pytest.approx([t for pause in KNOWN_PAUSES for t in pause], abs=0.02)
    from aurora_desktop.media.decode import Pcm

    pcm = Pcm(stereo.tobytes(), RATE, 2)  # the functions take a decoded Pcm as it is, too
    assert silences(pcm) == silences(env) and trim_silence(pcm) == trim_silence(env)


def test_trim_keeps_a_margin_of_quiet_at_each_end() -> None:
    env = Envelope.of_samples(speech([("-", 1.2), ("v", 2.0), ("-", 0.5), ("v", 1.0), ("-", 0.8)]), RATE)
    start, end = trim_silence(env) or (0, 0)
    assert start == pytest.approx(1.2 - TRIM_MARGIN, abs=0.015)
    assert end == pytest.approx(4.7 + TRIM_MARGIN, abs=0.015)
    # Within a selection: its own quiet ends go, the pause inside stays; never beyond the selection.
    assert trim_silence(env, 3.3, 5.5) == pytest.approx((3.7 - TRIM_MARGIN, 4.7 + TRIM_MARGIN), abs=0.015)
    assert trim_silence(env, 1.5, 2.5) == (1.5, 2.5)  # all voice: unchanged
    assert trim_silence(env, 3.25, 3.6) is None  # inside the pause


def test_snap_moves_a_handle_into_the_nearest_pause_within_reach() -> None:
    pauses = [(3.0, 3.5), (7.15, 8.15), (9.0, 9.1)]
    assert snap(2.8, pauses) == pytest.approx(3.0 + SNAP_MARGIN)  # before the pause: into it
    assert snap(3.9, pauses) == pytest.approx(3.5 - SNAP_MARGIN)  # after it: back into it
    assert snap(7.6, pauses) == 7.6  # inside, clear of the sound: unchanged
    assert snap(5.0, pauses) == 5.0  # no pause within reach
    assert snap(5.0, pauses, reach=2.5) == pytest.approx(3.4)  # the nearer of the two
    assert snap(9.3, pauses) == pytest.approx(9.05)  # a pause shorter than two margins: its middle
    assert snap(1.0, []) == 1.0


def test_pauses_in_a_real_decoded_voice_memo(tmp_path: Path) -> None:
    """An AAC (.m4a) memo, as a phone records one, decoded by the app's own decoder."""
    pytest.importorskip("av")
    from aurora_desktop.media.decode import PCM_RATE, decode_pcm

    samples = speech([("-", 0.6), ("v", 1.5), ("-", 0.8), ("v", 2.0), ("-", 0.7)], rate=48000)
    path = write_memo(tmp_path / "memo.m4a", samples, "aac", "mp4")

    env = Envelope.of_pcm(decode_pcm(path, every=PCM_RATE // RATE))
    assert env.duration == pytest.approx(5.6, abs=0.05)
    found = silences(env)
    assert len(found) == 3, found
    for (a, b), (x, y) in zip(found, [(0.0, 0.6), (2.1, 2.9), (4.9, 5.6)], strict=True):
        assert a == pytest.approx(x, abs=0.05) and b == pytest.approx(y, abs=0.05)
    assert trim_silence(env) == pytest.approx((0.5, 5.0), abs=0.05)


@pytest.mark.parametrize("amplitude", [0, 15, 300, 4095, 4096, 12000, 32767])
def test_frame_levels_are_exact_when_quiet_and_within_half_a_db_when_loud(amplitude: int) -> None:
    for signal in (tone(0.05, amplitude), array("h", [-amplitude] * 400), array("h", [-32768] * 400)):
        peak = min(32767, max(abs(s) for s in signal))  # -32768 counts as full scale
        levels = set(Envelope.of_samples(signal, RATE).levels)
        levels_of_bytes = set(Envelope.of_samples(signal.tobytes(), RATE).levels)
        assert levels == levels_of_bytes and len(levels) == 1
        (level,) = levels
        if peak < 4096:
            assert level == peak
        else:
            assert peak <= level <= peak * 1.07  # 0.6 dB


def test_times_stay_exact_at_a_rate_whose_10_ms_is_not_whole_samples() -> None:
    rate = 22050  # 220.5 samples in 10 ms: frames of 220, whose times must not drift
    env = Envelope.of_samples(speech([("v", 100.0), ("-", 1.0), ("v", 20.0)], rate=rate), rate)
    [(a, b)] = silences(env)
    assert a == pytest.approx(100.0, abs=0.02) and b == pytest.approx(101.0, abs=0.02)
    assert env.duration == pytest.approx(121.0)
