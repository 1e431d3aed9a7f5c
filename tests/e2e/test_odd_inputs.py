"""Inputs that are not ordinary files, or are huge, are refused at once with a plain
message and exit 2, before anything is read whole or decoded (issue 13.7 and 13.11)."""

from __future__ import annotations

import os
import struct
import time
from pathlib import Path

import pytest

from tests.fixtures.cli import cli_args, cli_env, run_cli
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE
from tests.fixtures.sandbox import Sandbox

pytestmark = pytest.mark.e2e

GB2 = 2 * 1024**3


def huge_wav(path: Path, size: int) -> Path:
    """A valid WAV header announcing `size` bytes of 48 kHz 16-bit stereo sound, sparse on disk."""
    data = size - 44
    header = (
        b"RIFF" + struct.pack("<I", data + 36) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 2, 48000, 192000, 4, 16)
    )
    with open(path, "wb") as fh:
        fh.write(header + b"data" + struct.pack("<I", data))
        fh.truncate(size)
    return path


def odd_inputs(tmp_path: Path) -> dict[str, tuple[str, str, str]]:
    """name -> (--image, --audio, words the message must hold)"""
    fifo = tmp_path / "portrait.png"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.png"
    zero.symlink_to("/dev/zero")
    sparse = tmp_path / "sparse.png"
    with open(sparse, "wb") as fh:
        fh.truncate(GB2)
    audio_fifo = tmp_path / "voice.wav"
    os.mkfifo(audio_fifo)
    return {
        "a FIFO as the image": (str(fifo), str(SAMPLE_AUDIO), "not a regular file"),
        "a link to /dev/zero as the image": (str(zero), str(SAMPLE_AUDIO), "not a regular file"),
        "a 2 GB sparse .png": (str(sparse), str(SAMPLE_AUDIO), "too large"),
        "a FIFO as the audio": (str(SAMPLE_IMAGE), str(audio_fifo), "not a regular file"),
        "a 2 GB .wav with a valid header": (str(SAMPLE_IMAGE), str(huge_wav(tmp_path / "big.wav", GB2)), "too large"),
        # 900 MB is within the size bound, but its header says 78 minutes: refused undecoded.
        "a 900 MB .wav of 78 minutes": (
            str(SAMPLE_IMAGE),
            str(huge_wav(tmp_path / "long.wav", 900 * 10**6)),
            "too long",
        ),
    }


def test_odd_files_exit_2_at_once_with_a_plain_message(shared_sandbox: Sandbox, tmp_path: Path) -> None:
    sb = shared_sandbox
    jobs_before = sb.stats()["jobs"]
    for case, (image, audio, words) in odd_inputs(tmp_path).items():
        started = time.monotonic()
        result = run_cli(
            cli_args(sb, tmp_path / "p", "run", "--image", image, "--audio", audio), cli_env(sb), timeout=60
        )
        seconds = time.monotonic() - started
        assert result.returncode == 2, (case, result.stderr)
        assert words in result.stderr, (case, result.stderr)
        assert "Traceback" not in result.stderr, case
        print(f"{case}: exit 2 in {seconds:.2f} s")
    assert sb.stats()["jobs"] == jobs_before
