"""Cutting a selection of a voice clip into a WAV file, sample-exact (issues 25 and 26).

The selection [start, end) is the samples from round(start * rate) up to, not including,
round(end * rate): the cut lasts exactly (those two numbers' difference) / rate seconds, and
two cuts that share a boundary (the parts of a long clip) join with no sample missing or
repeated. The rate is the source's own for a 16-bit PCM WAV (its samples are copied as they
are: no decoding, no resampling); anything else is decoded once by Qt's FFmpeg
(media/decode.py) to 16-bit PCM at 48 kHz, as convert.py does, and cut from that.

Written like every file the app keeps: to a temp file beside the target, then renamed
(fileio.temp_beside); a disk that fills on the way is a CutError with a plain sentence, and
no half file is left behind.
"""

from __future__ import annotations

import errno
import os
import wave
from pathlib import Path

from aurora_desktop.errors import UserError
from aurora_desktop.fileio import FileRefused, open_regular, temp_beside
from aurora_desktop.media.silence import PcmLike

_DISK_FULL = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG})


class CutError(UserError):
    """The selection could not be written (`disk_full`: for lack of space) or the source read."""

    default_message = "The selection could not be saved."

    def __init__(self, user_message: str, *, detail: str = "", disk_full: bool = False) -> None:
        super().__init__(user_message, detail=detail)
        self.disk_full = disk_full


def sample_range(start: float, end: float, rate: int, frames: int) -> tuple[int, int]:
    """The frames [first, past_last) of the selection [start, end) seconds, within the clip."""
    first = min(frames, max(0, round(start * rate)))
    return first, min(frames, max(first, round(end * rate)))


def cut_wav(source: Path | PcmLike, start: float, end: float, target: Path) -> Path:
    """Write the selection [start, end) seconds of `source` (an audio file, or a decoded Pcm)
    to `target` as a 16-bit PCM WAV, atomically. Raises CutError (plain sentences), and
    ValueError for an empty selection."""
    if isinstance(source, Path):
        native = _read_pcm_wav(source, start, end)
        if native is not None:
            rate, channels, data = native
        else:
            pcm = _decoded(source)
            rate, channels, data = pcm.rate, pcm.channels, _slice(pcm, start, end)
    else:
        rate, channels, data = source.rate, source.channels, _slice(source, start, end)
    if not data:
        raise ValueError(f"the selection {start:.3f}-{end:.3f} s holds no sound")
    _write_wav(target, rate, channels, data)
    return target


def _slice(pcm: PcmLike, start: float, end: float) -> bytes:
    size = 2 * pcm.channels
    first, past = sample_range(start, end, pcm.rate, len(pcm.data) // size)
    return pcm.data[first * size : past * size]


def _read_pcm_wav(path: Path, start: float, end: float) -> tuple[int, int, bytes] | None:
    """A 16-bit PCM WAV's selected frames at its own rate, read without the rest of the file;
    None for any other file (it is decoded instead)."""
    try:
        with open_regular(path) as fh:
            if fh.read(12)[8:12] != b"WAVE":
                return None
            fh.seek(0)
            try:
                with wave.open(fh, "rb") as wav:
                    if wav.getsampwidth() != 2:
                        return None
                    rate, channels = wav.getframerate(), wav.getnchannels()
                    first, past = sample_range(start, end, rate, wav.getnframes())
                    wav.setpos(first)
                    return rate, channels, wav.readframes(past - first)
            except (wave.Error, EOFError):  # float, 24-bit in an extensible header, damaged: decode
                return None
    except (FileRefused, OSError) as exc:
        raise CutError(f"The voice file {path.name!r} cannot be read.", detail=f"{type(exc).__name__}: {exc}") from None


def _decoded(path: Path) -> PcmLike:
    from aurora_desktop.media.decode import DecodeError, decode_pcm, source_channels  # Qt Multimedia: on first use

    try:
        return decode_pcm(path, channels=source_channels(path))
    except DecodeError as exc:
        raise CutError(
            "The voice file is damaged or in a format that cannot be played.", detail=f"decode: {exc.reason}"
        ) from None


def _write_wav(target: Path, rate: int, channels: int, data: bytes) -> None:
    tmp = temp_beside(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "xb") as fh:
            with wave.open(fh, "wb") as out:
                out.setnchannels(channels)
                out.setsampwidth(2)
                out.setframerate(rate)
                out.writeframes(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno in _DISK_FULL:
            raise CutError(
                "The selection could not be saved: the disk is full. Free some space and try again.",
                detail=f"{type(exc).__name__}: {exc}",
                disk_full=True,
            ) from None
        raise CutError(
            "The selection could not be saved (is the folder read-only, or the disk unplugged?).",
            detail=f"{type(exc).__name__}: {exc}",
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
