"""Converting voice memos in other formats (m4a/AAC, ogg, flac, a video's audio) to WAV.

Creatify takes MP3 and WAV only. Qt's FFmpeg (media/decode.py) decodes the rest;
16-bit PCM at 48 kHz, mono or stereo as the source is, loses nothing that matters
for a voice or a song.

The same conversion leaves behind what a file says about its owner: an MP3's ID3 or
APE tags (artist, owner, comments) or a WAV's extra chunks (LIST/INFO, iXML, bext)
go on to hosts that may be public. `has_hidden_details()` tells such a file; it is
sent as a WAV of its decoded audio, which carries only the sound.
"""

from __future__ import annotations

import os
import struct
import tempfile
import wave
from pathlib import Path
from typing import BinaryIO

from aurora_desktop.fileio import open_regular
from aurora_desktop.media.inspect import InputError

# The chunks of a WAV that hold the sound and how to play it; any other one (LIST/INFO with
# artist and comments, iXML, bext with the recorder's name, id3) holds details.
_WAV_SOUND_CHUNKS = frozenset({b"fmt ", b"data", b"fact"})
_TAIL = 128 + 32  # an ID3v1 tag (128 bytes) or an APE/ID3v2 footer (32/10 bytes) at the end


def has_hidden_details(path: Path, fmt: str) -> bool:
    """Does this MP3 or WAV carry anything besides its sound (tags, names, comments)?"""
    with open_regular(path) as fh:
        head = fh.read(12)
        size = os.fstat(fh.fileno()).st_size
        if fmt == "wav":
            return _wav_has_details(fh, head, size)
        fh.seek(max(0, size - _TAIL))
        tail = fh.read(_TAIL)
    return (
        head.startswith((b"ID3", b"APETAGEX"))
        or tail[-128:].startswith(b"TAG")
        or b"APETAGEX" in tail
        or (
            tail[-10:].startswith(b"3DI")  # an ID3v2 tag appended at the end
        )
    )


def _wav_has_details(stream: BinaryIO, head: bytes, size: int) -> bool:
    if not (head.startswith(b"RIFF") and head[8:12] == b"WAVE"):
        return False
    at = 12
    while at + 8 <= size:
        stream.seek(at)
        header = stream.read(8)
        if len(header) < 8:
            break
        kind, length = header[:4], struct.unpack("<I", header[4:])[0]
        if kind not in _WAV_SOUND_CHUNKS:
            return True
        at += 8 + length + (length & 1)
    return False


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
