"""Split points for long clips and sample-exact cuts (media/silence.py split_at_pauses,
media/voice_edit.py cut_wav; issues 25 "Voice: trim" and 26 "Long audio")."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
import wave
from array import array
from pathlib import Path

import pytest

from aurora_desktop.media.silence import Envelope, SplitOutcome, SplitPlan, split_at_pauses
from aurora_desktop.media.voice_edit import CutError, cut_wav, sample_range
from tests.unit.signals import RATE, speech, tone, write_memo


def _talk(pattern: list[tuple[str, float]]) -> Envelope:
    return Envelope.of_samples(speech(pattern), RATE)


def _cut_times(plan: SplitPlan) -> list[float]:
    return [c.seconds for c in plan.cuts]


def test_a_150_second_talk_is_cut_in_its_two_longest_usable_pauses() -> None:
    # Phrases of 9.6 s with 0.4 s breaths; two 1.2 s pauses, at 45.0-46.2 and 100.0-101.2.
    pattern: list[tuple[str, float]] = []
    for start, end in ((0.0, 45.0), (46.2, 100.0), (101.2, 150.0)):
        at = start
        while at + 10 < end:
            pattern += [("v", 9.6), ("-", 0.4)]
            at += 10
        pattern += [("v", end - at)]
        if end < 150:
            pattern += [("-", 1.2)]
    env = _talk(pattern)
    assert env.duration == pytest.approx(150.0, abs=0.01)

    plan = split_at_pauses(env, limit=60, minimum=5)
    assert plan.outcome is SplitOutcome.PAUSES
    assert _cut_times(plan) == pytest.approx([45.6, 100.6], abs=0.02)  # the middle of each long pause
    assert [c.pause for c in plan.cuts] == pytest.approx([1.2, 1.2], abs=0.02)
    assert all(5 <= b - a <= 60 for a, b in plan.parts) and plan.parts[-1][1] == env.duration
    assert split_at_pauses(env, limit=60, minimum=5) == plan  # deterministic


def test_fewer_parts_win_over_longer_pauses() -> None:
    # 110 s: a 0.4 s breath at 55 allows two parts; the long pauses at 30 and 80 would need three.
    env = _talk([("v", 30), ("-", 1.5), ("v", 23.5), ("-", 0.4), ("v", 24.6), ("-", 1.5), ("v", 28.5)])
    plan = split_at_pauses(env, limit=60, minimum=5)
    assert plan.outcome is SplitOutcome.PAUSES
    assert _cut_times(plan) == pytest.approx([55.2], abs=0.02)


def test_just_over_the_limit_cuts_once_in_the_pause() -> None:
    env = _talk([("v", 30), ("-", 0.6), ("v", 30.5)])
    plan = split_at_pauses(env, limit=60, minimum=5)
    assert plan.outcome is SplitOutcome.PAUSES
    assert _cut_times(plan) == pytest.approx([30.3], abs=0.02)


def test_a_long_pause_across_the_limit_is_cut_inside_it_not_in_the_words() -> None:
    # 100 s; a 3 s pause from 59.5 to 62.5: its middle (61.0) would make a 61 s first part.
    env = _talk([("v", 59.5), ("-", 3.0), ("v", 37.5)])
    plan = split_at_pauses(env, limit=60, minimum=5)
    assert plan.outcome is SplitOutcome.PAUSES
    assert _cut_times(plan) == pytest.approx([59.7], abs=0.02)  # 0.2 s of the pause kept before the words
    assert plan.cuts[0].pause == pytest.approx(3.0, abs=0.02)


def test_pauses_too_near_the_ends_are_not_used_and_that_is_said() -> None:
    # 61 s; its only pauses would leave a part shorter than the 5 s minimum.
    env = _talk([("v", 1.0), ("-", 1.0), ("v", 55.5), ("-", 1.0), ("v", 2.5)])
    plan = split_at_pauses(env, limit=60, minimum=5)
    assert plan.outcome is SplitOutcome.NO_PAUSE
    assert len(plan.cuts) == 1 and plan.cuts[0].pause == 0.0
    assert all(5 <= b - a <= 60 for a, b in plan.parts)


def test_a_long_stretch_without_pause_is_cut_at_its_quietest_moments() -> None:
    # 150 s of continuous music with two soft moments (0.3 s at a quarter of the level).
    song = tone(40.0, 12000) + tone(0.3, 3000) + tone(55.0, 12000) + tone(0.3, 3000) + tone(54.4, 12000)
    env = Envelope.of_samples(song, RATE)
    plan = split_at_pauses(env, limit=60, minimum=5)
    assert plan.outcome is SplitOutcome.NO_PAUSE
    assert _cut_times(plan) == pytest.approx([40.15, 95.45], abs=0.1)
    assert all(c.pause == 0.0 for c in plan.cuts)


def test_pauses_where_there_are_and_quiet_moments_where_there_are_none() -> None:
    # 130 s: speech with a pause at 40 s, then 80 s of music with no rest.
    env = Envelope.of_samples(speech([("v", 40.0), ("-", 1.0), ("v", 9.0)]) + tone(80.0, 12000), RATE)
    plan = split_at_pauses(env, limit=60, minimum=5)
    assert plan.outcome is SplitOutcome.NO_PAUSE
    assert plan.cuts[0].seconds == pytest.approx(40.5, abs=0.02) and plan.cuts[0].pause > 0
    assert len(plan.cuts) == 2 and plan.cuts[1].pause == 0.0


@pytest.mark.parametrize(
    ("seconds", "limit", "minimum", "outcome"),
    [
        (50.0, 60, 5, SplitOutcome.FITS),
        (3.0, 60, 5, SplitOutcome.TOO_SHORT),  # shorter than any part may be
        (61.0, 60, 40, SplitOutcome.IMPOSSIBLE),  # two parts of at least 40 s make 80 s
        (61.0, 4, 5, SplitOutcome.IMPOSSIBLE),  # the limit is under the minimum
        (61.0, 0, 0, SplitOutcome.IMPOSSIBLE),  # no limit at all (a model not yet known)
    ],
)
def test_clips_that_are_not_cut(seconds: float, limit: float, minimum: float, outcome: SplitOutcome) -> None:
    plan = split_at_pauses(_talk([("v", seconds)]), limit=limit, minimum=minimum)
    assert (plan.outcome, plan.cuts) == (outcome, ())
    [(start, end)] = plan.parts
    assert start == 0.0 and end == pytest.approx(seconds)


# cut_wav: sample-exact, atomic, plain about a full disk.


def _ramp_wav(path: Path, rate: int = 44100, channels: int = 2, seconds: float = 3.0) -> array[int]:
    """Every sample different (left rising, right falling): any shift shows."""
    frames = int(rate * seconds)
    samples = array(
        "h", [((n // channels) * (1 if n % channels == 0 else -1)) % 65536 - 32768 for n in range(frames * channels)]
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return samples


def _read_wav(path: Path) -> tuple[int, int, array[int]]:
    with wave.open(str(path), "rb") as wav:
        samples = array("h")
        samples.frombytes(wav.readframes(wav.getnframes()))
        return wav.getframerate(), wav.getnchannels(), samples


def test_a_wav_is_cut_at_exactly_the_samples_of_the_selection(tmp_path: Path) -> None:
    source = _ramp_wav(tmp_path / "voice.wav")
    cut_wav(tmp_path / "voice.wav", 1.2345, 2.5, tmp_path / "cut.wav")
    rate, channels, got = _read_wav(tmp_path / "cut.wav")
    first, past = round(1.2345 * 44100), round(2.5 * 44100)
    assert (rate, channels) == (44100, 2)  # its own rate: nothing resampled
    assert got == source[first * 2 : past * 2]
    assert got[:2] == source[first * 2 : first * 2 + 2]  # the first frame is the one at round(start * rate)
    assert len(got) // 2 == past - first  # ends just before the one at round(end * rate)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_cuts_that_share_a_boundary_join_with_no_gap_or_repeat(tmp_path: Path) -> None:
    source = _ramp_wav(tmp_path / "voice.wav", rate=22050, channels=1)
    edges = [0.0, 0.7071, 1.9999, 3.0]
    joined = array("h")
    for i, (a, b) in enumerate(itertools.pairwise(edges)):
        joined += _read_wav(cut_wav(tmp_path / "voice.wav", a, b, tmp_path / f"part{i}.wav"))[2]
    assert joined == source


def test_a_decoded_pcm_is_cut_the_same_way(tmp_path: Path) -> None:
    from aurora_desktop.media.decode import Pcm

    source = array("h", range(-24000, 24000))
    pcm = Pcm(source.tobytes(), 48000, 1)
    cut_wav(pcm, 0.1, 0.25, tmp_path / "job" / "cut.wav")  # its folder is made
    assert _read_wav(tmp_path / "job" / "cut.wav") == (48000, 1, source[4800:12000])
    assert sample_range(-1.0, 99.0, 48000, pcm.frames) == (0, 48000)  # clamped to the clip


def test_a_memo_in_another_format_is_cut_from_its_decoded_sound(tmp_path: Path) -> None:
    pytest.importorskip("av")
    from aurora_desktop.media.decode import decode_pcm

    samples = speech([("v", 1.0), ("-", 0.5), ("v", 1.0)], rate=48000)
    path = write_memo(tmp_path / "memo.ogg", samples, "libopus", "ogg")
    decoded = array("h")
    decoded.frombytes(decode_pcm(path).data)

    rate, channels, got = _read_wav(cut_wav(path, 0.9, 1.6, tmp_path / "cut.wav"))
    assert (rate, channels) == (48000, 1)
    assert got == decoded[43200:76800]


def test_an_existing_target_is_replaced_whole(tmp_path: Path) -> None:
    _ramp_wav(tmp_path / "voice.wav", seconds=1.0)
    (tmp_path / "cut.wav").write_bytes(b"old")
    cut_wav(tmp_path / "voice.wav", 0.0, 0.5, tmp_path / "cut.wav")
    assert _read_wav(tmp_path / "cut.wav")[0] == 44100
    with pytest.raises(ValueError):
        cut_wav(tmp_path / "voice.wav", 0.5, 0.5, tmp_path / "empty.wav")


def test_an_unreadable_source_is_a_plain_sentence(tmp_path: Path) -> None:
    (tmp_path / "notes.m4a").write_bytes(b"these are notes, not sound" * 40)
    with pytest.raises(CutError) as caught:
        cut_wav(tmp_path / "notes.m4a", 0.0, 1.0, tmp_path / "cut.wav")
    assert "damaged" in caught.value.user_message and not caught.value.disk_full
    assert not (tmp_path / "cut.wav").exists()


FILL_THE_DISK = """
import json, sys
from pathlib import Path
from aurora_desktop.media.voice_edit import CutError, cut_wav

small = Path(sys.argv[1])
old = small / "cut.wav"
old.write_bytes(b"the previous cut")
try:
    cut_wav(Path(sys.argv[2]), 0.0, 2.5, old)
    result = {"error": None}
except CutError as exc:
    result = {"error": exc.user_message, "disk_full": exc.disk_full}
result["left"] = sorted(p.name for p in small.iterdir())
result["old"] = old.read_bytes().decode()
print(json.dumps(result))
"""


@pytest.mark.linux_only
@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare (util-linux)")
def test_a_full_disk_is_said_plainly_and_leaves_no_half_file(tmp_path: Path) -> None:
    """A real full disk: a 64 kB tmpfs, mounted in a private mount namespace (unshare -rm,
    no privileges needed), that the 440 kB cut does not fit in."""
    _ramp_wav(tmp_path / "voice.wav")
    small = tmp_path / "small"
    small.mkdir()
    probe = subprocess.run(
        ["unshare", "-rm", "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(small)], check=False
    )
    if probe.returncode != 0:
        pytest.skip("user namespaces are not allowed here")
    script = 'mount -t tmpfs -o size=64k tmpfs "$1" && exec "$2" -c "$3" "$1" "$4"'
    done = subprocess.run(
        [
            "unshare",
            "-rm",
            "sh",
            "-c",
            script,
            "sh",
            str(small),
            sys.executable,
            FILL_THE_DISK,
            str(tmp_path / "voice.wav"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["disk_full"] is True
    assert result["error"] == "The selection could not be saved: the disk is full. Free some space and try again."
    assert "No space" not in result["error"]  # plain words, not the system's
    assert result["left"] == ["cut.wav"] and result["old"] == "the previous cut"  # no half file; the old one intact
