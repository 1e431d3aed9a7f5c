"""Decoding and encoding with Qt's own FFmpeg (media/decode.py, media/encode.py), for real.

The voice memos a creator brings are written here with PyAV (a test-only dependency,
its own FFmpeg): MP3s at every common rate (the rates where Qt's decoder stalls when
asked to down-sample), iPhone M4A, WhatsApp Ogg/Opus, FLAC, stereo and 96 kHz WAV.
"""

from __future__ import annotations

import gc
import math
import subprocess
import sys
import threading
import wave
from array import array
from pathlib import Path

import av
import pytest
import shiboken6
from PySide6.QtMultimedia import QAudioFormat

from aurora_desktop.media.convert import convert_to_wav
from aurora_desktop.media.decode import PCM_RATE, DecodeError, _Decoding, decode_pcm, source_channels
from aurora_desktop.media.inspect import InputError, inspect_audio
from aurora_desktop.sandbox import render
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE

pytestmark = pytest.mark.e2e


def memo(path: Path, codec: str, rate: int, seconds: float, layout: str = "mono", fmt: str | None = None) -> Path:
    """A 440 Hz tone, loud in the first half and silent in the second."""
    channels = 2 if layout == "stereo" else 1
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        total, done = int(seconds * rate), 0
        while done < total:
            n = min(1024, total - done)
            tone = [
                int(12000 * math.sin(2 * math.pi * 440 * (done + i) / rate)) if done + i < total // 2 else 0
                for i in range(n)
                for _ in range(channels)
            ]
            frame = av.AudioFrame(format="s16", layout=layout, samples=n)
            frame.planes[0].update(array("h", tone).tobytes())
            frame.sample_rate, frame.pts = rate, done
            for packet in stream.encode(frame):
                out.mux(packet)
            done += n
        for packet in stream.encode(None):
            out.mux(packet)
    return path


MEMOS = [
    ("voice.mp3", "libmp3lame", 44100, "mono", None),
    ("voice-22k.mp3", "libmp3lame", 22050, "stereo", None),
    ("voice-48k.mp3", "libmp3lame", 48000, "stereo", None),
    ("iphone.m4a", "aac", 44100, "mono", "mp4"),
    ("whatsapp.ogg", "libopus", 48000, "mono", "ogg"),
    ("studio.flac", "flac", 96000, "stereo", None),
    ("studio.wav", "pcm_s16le", 96000, "stereo", None),
]


@pytest.mark.parametrize(("name", "codec", "rate", "layout", "fmt"), MEMOS, ids=[m[0] for m in MEMOS])
def test_every_memo_decodes_to_its_length_with_its_loud_and_silent_halves(
    tmp_path: Path, name: str, codec: str, rate: int, layout: str, fmt: str | None
) -> None:
    path = memo(tmp_path / name, codec, rate, 4.0, layout, fmt)
    facts = inspect_audio(path, keep_samples=True, allow_other_formats=True)
    assert facts.duration == pytest.approx(4.0, abs=0.08)  # codec padding, never a stall's zero
    assert facts.silent_seconds == pytest.approx(2.0, abs=0.25)
    assert facts.samples is not None and max(facts.samples[: len(facts.samples) // 3]) > 8000
    assert facts.supported == name.endswith((".mp3", ".wav"))
    assert source_channels(path) == (2 if layout == "stereo" else 1)


def test_a_converted_memo_is_a_wav_of_the_same_length_and_channels(tmp_path: Path) -> None:
    source = memo(tmp_path / "song.m4a", "aac", 44100, 3.0, "stereo", "mp4")
    wav_path = convert_to_wav(source, tmp_path / "out" / "song.wav")
    with wave.open(str(wav_path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (2, 2, PCM_RATE)
        assert wav.getnframes() / PCM_RATE == pytest.approx(3.0, abs=0.08)
    assert not list((tmp_path / "out").glob(".convert-*"))  # no leftovers beside it
    assert inspect_audio(wav_path).supported


def test_what_is_not_sound_is_refused_in_plain_words(tmp_path: Path) -> None:
    garbage = tmp_path / "notes.mp3"
    garbage.write_bytes(b"this is a text file, not a voice\n" * 200)
    with pytest.raises(InputError, match="damaged or in a format"):
        inspect_audio(garbage, allow_other_formats=True)
    with pytest.raises(InputError, match="no sound in it"):
        inspect_audio(SAMPLE_IMAGE, allow_other_formats=True)
    with pytest.raises(DecodeError) as too_long:
        decode_pcm(SAMPLE_AUDIO, longest=2.0)
    assert too_long.value.reason == "too-long"


def test_decoders_made_on_short_lived_threads_die_there(tmp_path: Path) -> None:
    """Each decode's Qt objects are destroyed on the thread that made them, before it ends.
    Left to Python they outlived it (held in reference cycles through their slots) and
    were torn down at exit from another thread ("Timers cannot be stopped from another
    thread"); that crashed the suite once."""
    path = memo(tmp_path / "v.mp3", "libmp3lame", 44100, 1.0)
    runs: list[_Decoding] = []

    def decode() -> None:
        runs.append(_Decoding(path, QAudioFormat()))  # made on the thread that runs it, as decode_pcm does
        runs[-1].run()

    for _ in range(5):
        worker = threading.Thread(target=decode)
        worker.start()
        worker.join(30)
    gc.collect()
    assert len(runs) == 5 and all(decoding.chunks for decoding in runs)  # each decoded
    alive = [obj for d in runs for obj in (d.decoder, d.stall, d.loop, d) if shiboken6.isValid(obj)]
    assert alive == []


def test_the_sandbox_render_is_an_mp4_with_every_frame_and_the_sound(tmp_path: Path) -> None:
    out = tmp_path / "video.mp4"
    info = render.render(SAMPLE_IMAGE.read_bytes(), SAMPLE_AUDIO, out, tmp_path / "preview.jpg")
    with av.open(str(out)) as video:
        vstream, astream = video.streams.video[0], video.streams.audio[0]
        frames = sum(1 for _ in video.decode(vstream))
        assert (vstream.codec_context.name, astream.codec_context.name) == ("mpeg4", "aac")
        assert frames == math.ceil(info.duration * render.FPS)
        assert float(video.duration / 1_000_000) == pytest.approx(info.duration, abs=0.1)
    assert not list(tmp_path.glob("*.part*"))
    assert (tmp_path / "preview.jpg").stat().st_size > 1000


FIRST_DECODES_AT_ONCE = """
import sys, threading
from pathlib import Path
from PySide6.QtCore import qInstallMessageHandler
from aurora_desktop.media import qt_threads

qt_threads.ensure_app()  # first, as the command line does: before Qt Multimedia is loaded
from aurora_desktop.media.decode import decode_pcm
barrier, done = threading.Barrier(3), []

def first_decode():
    barrier.wait()  # all three load Qt's media plugin together, as three new sandbox jobs do
    done.append(len(decode_pcm(Path(sys.argv[1])).data))

threads = [threading.Thread(target=first_decode, daemon=True) for _ in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join(30)
print(len(done), qInstallMessageHandler(None), flush=True)
"""


def test_a_headless_process_decodes_on_three_threads_at_once_quietly() -> None:
    """The sandbox hung when its first jobs decoded together: a Python message handler
    (ensure_app() installed one) took the GIL under the mutex of Qt's media plugin while it
    loaded; 16 of 20 such processes hung. Now no handler, no hang, and stderr (the command
    line's JSON events) stays free of Qt's chatter."""
    done = subprocess.run(
        [sys.executable, "-c", FIRST_DECODES_AT_ONCE, str(SAMPLE_AUDIO)],
        capture_output=True,
        text=True,
        timeout=60,  # a hang holds the GIL, so the script's own join times out only with it
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["3", "None"]  # every decode finished; no Python handler was installed
    assert done.stderr == ""
