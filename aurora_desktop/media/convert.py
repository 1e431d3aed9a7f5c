"""Converting voice memos in other formats (m4a/AAC, ogg, flac, a video's audio) to WAV.

Creatify takes MP3 and WAV only. Qt's FFmpeg (media/decode.py) decodes the rest;
16-bit PCM at 48 kHz, mono or stereo as the source is, loses nothing that matters
for a voice or a song.
"""

from __future__ import annotations

import os
import tempfile
import wave
from pathlib import Path

from aurora_desktop.media.inspect import InputError


def convert_to_wav(source: Path, target: Path) -> Path:
    """Decode source's first audio stream into a WAV at target (atomically)."""
    from aurora_desktop.media.decode import DecodeError, decode_pcm, source_channels  # on first use

    try:
        pcm = decode_pcm(source, channels=source_channels(source))
    except DecodeError as exc:
        if exc.reason == "no-sound":
            raise InputError("The file has no sound in it.") from None
        raise InputError("The audio could not be converted; the file may be damaged or in an unusual format.") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".convert-", suffix=".wav")
    try:
        with os.fdopen(fd, "wb") as fh, wave.open(fh, "wb") as out:
            out.setnchannels(pcm.channels)
            out.setsampwidth(2)
            out.setframerate(pcm.rate)
            out.writeframes(pcm.data)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target
