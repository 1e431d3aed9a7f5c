"""Decoding any audio (MP3, WAV, M4A/AAC, Ogg/Opus, FLAC, a video's sound) to 16-bit PCM.

Through Qt's own FFmpeg (QAudioDecoder), which the app ships for playback anyway:
the app needs no second copy of FFmpeg (PyAV's was 76 of the frozen app's 288 MB).
Blocking by design, for worker threads (asyncio.to_thread, the sandbox's render
pool): each call runs a local Qt event loop on its own thread until the decoder
is done. An application object must exist (qt_threads.ensure_app()).

Always at 48 kHz: Qt 6.11's decoder stalls, producing nothing, when asked to
*down*-sample some MP3s (44.1 kHz to 8 or 22.05 kHz); to 48 kHz it works for every
format and rate tried (8-96 kHz, MP3/WAV/FLAC/AAC/Opus). Callers that want fewer
samples take every n-th (48 kHz divides evenly into 8 kHz).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QTimer, QUrl
from PySide6.QtMultimedia import QAudioDecoder, QAudioFormat

from aurora_desktop.media.qt_threads import call, dispose, made, quiet_ffmpeg, require_app

PCM_RATE = 48_000
STALL_SECONDS = 30.0  # no new sound for this long: the decoder is stuck, not slow


class DecodeError(Exception):
    """reason: "unreadable" (damaged, or not audio), "no-sound" (no audio in it), "too-long", "stalled"."""

    def __init__(self, reason: str, seconds: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.seconds = seconds  # for "too-long": the length found so far


@dataclass(frozen=True, slots=True)
class Pcm:
    data: bytes  # interleaved signed 16-bit little-endian
    rate: int
    channels: int

    @property
    def frames(self) -> int:
        return len(self.data) // (2 * self.channels)

    @property
    def duration(self) -> float:
        return self.frames / self.rate


def decode_pcm(path: Path, *, channels: int = 1, longest: float | None = None, every: int = 1) -> Pcm:
    """The whole clip as PCM at PCM_RATE, or, mono with `every` > 1, every n-th sample of it
    (at PCM_RATE / every: for loudness, a sixth of the memory). With `longest` (seconds), a clip
    whose header says it is longer, or that decodes longer, is refused (DecodeError "too-long")
    as soon as known."""
    if every > 1 and channels != 1:
        raise ValueError("every > 1 is for mono")
    fmt = QAudioFormat()
    fmt.setSampleRate(PCM_RATE)
    fmt.setChannelCount(channels)
    fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    chunks = _Decoding(path, fmt, longest=longest, every=every).run()
    return Pcm(b"".join(chunks), PCM_RATE // every, channels)


def source_channels(path: Path) -> int:
    """1 for a mono source, 2 for anything with more channels (decodes only its first buffer)."""
    decoding = _Decoding(path, QAudioFormat(), first_buffer_only=True)
    decoding.run()
    return 1 if decoding.native_channels <= 1 else 2


class _Decoding(QObject):
    """One QAudioDecoder run to its end on this thread's own event loop.

    A QObject, so that its slots are Qt connections that die with it. Slots that were
    methods of a plain Python object were tracked by PySide through a weak reference,
    whose callback, when the object was freed after the decoder was destroyed, tore
    down a connection that no longer existed: a segfault (seen in the test suite)."""

    def __init__(
        self,
        path: Path,
        fmt: QAudioFormat,
        *,
        longest: float | None = None,
        first_buffer_only: bool = False,
        every: int = 1,
    ) -> None:
        require_app()
        super().__init__()
        self.path = path
        self.fmt = fmt
        self.longest = longest
        self.first_buffer_only = first_buffer_only
        self.chunks: list[bytes] = []
        self.every = every
        self.skip = 0  # samples to skip at the next buffer's start, to keep every n-th across buffers
        self.seconds = 0.0
        self.native_channels = 0
        self.error: DecodeError | None = None
        self.done = False

    def run(self) -> list[bytes]:
        self.loop = QEventLoop()
        self.decoder = dec = made(QAudioDecoder())
        quiet_ffmpeg()
        self.stall = QTimer(singleShot=True, interval=int(STALL_SECONDS * 1000))
        try:
            dec.setAudioFormat(self.fmt)
            dec.setSource(QUrl.fromLocalFile(str(self.path)))
            self.stall.timeout.connect(self._stalled)
            dec.bufferReady.connect(self._take)
            dec.finished.connect(self._finish)
            dec.durationChanged.connect(self._announced)
            dec.error[QAudioDecoder.Error].connect(self._failed)  # type: ignore[index]  # the signal, not error()
            self.stall.start()
            call(dec, "start")
            if not self.done:  # errors can be emitted inside start(), before the loop runs
                self.loop.exec()
            self.stall.stop()
            if self.error is None and not self.first_buffer_only:
                self._take()  # what arrived with "finished"
            call(dec, "stop")
            dec.setSource(QUrl())  # its threads end now, while setSource() lets the GIL go
        finally:
            dispose(self.decoder, self.stall, self.loop, self)  # here, on their own thread
        if self.error is not None:
            raise self.error
        if not self.chunks and not self.first_buffer_only:
            raise DecodeError("no-sound")
        return self.chunks

    def _take(self) -> None:
        dec = self.decoder
        while dec.bufferAvailable():
            buf = dec.read()
            if not buf.isValid():
                continue
            fmt = buf.format()
            self.native_channels = self.native_channels or fmt.channelCount()
            data = bytes(buf.constData())
            self.seconds += len(data) / (fmt.bytesPerFrame() * fmt.sampleRate())
            if self.every > 1:
                samples = array("h")
                samples.frombytes(data)
                kept = samples[self.skip :: self.every]
                self.skip = (self.skip - len(samples)) % self.every
                data = kept.tobytes()
            self.chunks.append(data)
            if self.first_buffer_only:
                self._finish()
                return
        self.stall.start()
        if self.longest is not None and self.seconds > self.longest:
            self._finish(DecodeError("too-long", self.seconds))

    def _stalled(self) -> None:
        self._finish(DecodeError("stalled"))

    def _announced(self, ms: int) -> None:
        if self.longest is not None and ms / 1000 > self.longest:
            self._finish(DecodeError("too-long", ms / 1000))

    def _failed(self, _error: QAudioDecoder.Error) -> None:
        self._finish(DecodeError("unreadable"))

    def _finish(self, error: DecodeError | None = None) -> None:
        if self.done:
            return
        self.done = True
        self.error = error
        self.loop.quit()
