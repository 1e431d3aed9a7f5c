"""Encoding pictures and PCM sound into an MP4 with Qt's own FFmpeg (the sandbox's renders).

QMediaRecorder fed by QVideoFrameInput and QAudioBufferInput (Qt 6.8+): MPEG-4
Part 2 video and AAC sound, the encoders Qt's LGPL FFmpeg build carries. Each
input asks for more when its queue has room (readyToSend...), so memory stays
flat however long the clip. Blocking by design, for worker threads: each call
runs a local Qt event loop until the recorder has written and closed the file.

Pictures are given as planar YUV 4:2:0 (`Picture`, 1.5 bytes a pixel), the encoder's own
format: a caller that keeps its distinct pictures (the sandbox's render) keeps them in the
least memory, and nothing converts each frame again on the way in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QByteArray, QEventLoop, QObject, QSize, QTimer, QUrl
from PySide6.QtMultimedia import (
    QAudioBuffer,
    QAudioBufferInput,
    QAudioFormat,
    QMediaCaptureSession,
    QMediaFormat,
    QMediaRecorder,
    QVideoFrame,
    QVideoFrameFormat,
    QVideoFrameInput,
)

from aurora_desktop.media.decode import Pcm
from aurora_desktop.media.qt_threads import call, dispose, made, quiet_ffmpeg, require_app

STALL_SECONDS = 60.0  # the encoder took nothing for this long: stuck, not slow
AUDIO_CHUNK_SECONDS = 0.1


class EncodeError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Picture:
    """One picture as planar YUV 4:2:0, BT.601 video range: a full-size Y plane, then U and
    V at half width and height (so the width and height are even)."""

    size: tuple[int, int]
    y: bytes
    u: bytes
    v: bytes


# Full-range YCbCr (what Pillow makes, as JPEG has it) to video range, which is what every
# player assumes for MPEG-4 video: Y 16..235, Cb and Cr 16..240.
_LUMA = [16 + round(v * 219 / 255) for v in range(256)]
_CHROMA = [128 + round((v - 128) * 224 / 255) for v in range(256)]


def yuv_planes(image: Image.Image) -> tuple[Image.Image, Image.Image, Image.Image]:
    """An RGB picture's Y (full size), U and V (half width and height) planes, in video range,
    as Pillow "L" images: a caller can crop, scale and draw on each, then make a Picture."""
    width, height = image.size
    if width % 2 or height % 2:
        raise ValueError(f"4:2:0 needs even dimensions, not {width}x{height}")
    y, cb, cr = image.convert("YCbCr").split()
    half = (width // 2, height // 2)
    return (
        y.point(_LUMA),
        cb.resize(half, Image.Resampling.BOX).point(_CHROMA),
        cr.resize(half, Image.Resampling.BOX).point(_CHROMA),
    )


def picture_from_planes(y: Image.Image, u: Image.Image, v: Image.Image) -> Picture:
    return Picture(y.size, y.tobytes(), u.tobytes(), v.tobytes())


def picture_from_rgb(image: Image.Image) -> Picture:
    return picture_from_planes(*yuv_planes(image))


@dataclass(frozen=True, slots=True)
class Movie:
    """What to write: n_frames pictures (frame_at(i), each `size`, shown 1/fps s) over `sound`."""

    out: Path
    size: tuple[int, int]
    fps: int
    n_frames: int
    frame_at: Callable[[int], Picture]
    sound: Pcm
    frames_done: Callable[[int], None] | None = None  # told how many frames the encoder has taken


def encode_mp4(movie: Movie) -> None:
    require_app()
    _Encoding(movie).run()


class _Encoding(QObject):
    """A QObject, so its slots die with it as Qt connections (see decode._Decoding)."""

    def __init__(self, movie: Movie) -> None:
        super().__init__()
        self.movie = movie
        self.size = QSize(*movie.size)
        self.next_frame = 0
        self.next_sample = 0
        self.video_ended = self.audio_ended = False
        self.error = ""

    def run(self) -> None:
        self.loop = QEventLoop()
        self.vfmt = vfmt = QVideoFrameFormat(self.size, QVideoFrameFormat.PixelFormat.Format_YUV420P)
        vfmt.setColorSpace(QVideoFrameFormat.ColorSpace.ColorSpace_BT601)
        vfmt.setColorRange(QVideoFrameFormat.ColorRange.ColorRange_Video)
        vfmt.setStreamFrameRate(self.movie.fps)
        self.afmt = QAudioFormat()
        self.afmt.setSampleRate(self.movie.sound.rate)
        self.afmt.setChannelCount(self.movie.sound.channels)
        self.afmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        session = made(QMediaCaptureSession())
        self.video = made(QVideoFrameInput(vfmt))
        self.audio = made(QAudioBufferInput(self.afmt))
        self.recorder = rec = made(QMediaRecorder())
        quiet_ffmpeg()
        self.stall = QTimer(singleShot=True, interval=int(STALL_SECONDS * 1000))
        try:
            session.setVideoFrameInput(self.video)
            session.setAudioBufferInput(self.audio)
            session.setRecorder(rec)
            media = QMediaFormat(QMediaFormat.FileFormat.MPEG4)
            media.setVideoCodec(QMediaFormat.VideoCodec.MPEG4)
            media.setAudioCodec(QMediaFormat.AudioCodec.AAC)
            rec.setMediaFormat(media)
            rec.setOutputLocation(QUrl.fromLocalFile(str(self.movie.out)))
            rec.setVideoFrameRate(self.movie.fps)
            rec.setVideoResolution(self.size)
            rec.setQuality(QMediaRecorder.Quality.NormalQuality)
            rec.setAutoStop(True)  # stops, and closes the file, once both inputs have sent their end
            self.stall.timeout.connect(self._stalled)
            self.video.readyToSendVideoFrame.connect(self._send_video)
            self.audio.readyToSendAudioBuffer.connect(self._send_audio)
            rec.recorderStateChanged.connect(self._state)
            rec.errorOccurred.connect(self._failed)
            self.stall.start()
            call(rec, "record")
            self.loop.exec()
            self.stall.stop()
            if self.error:
                call(rec, "stop")
        finally:
            # Here, on their own thread (qt_threads.dispose): the recorder first, the session last.
            dispose(rec, self.video, self.audio, session, self.stall, self.loop, self)
        if self.error:
            raise EncodeError(self.error)

    def _send_video(self) -> None:
        while self.next_frame < self.movie.n_frames:
            i = self.next_frame
            frame = self._frame(self.movie.frame_at(i))
            frame.setStartTime(i * 1_000_000 // self.movie.fps)
            frame.setEndTime((i + 1) * 1_000_000 // self.movie.fps)
            if not self.video.sendVideoFrame(frame):
                return  # the queue is full: readyToSendVideoFrame comes again
            self.next_frame += 1
            self.stall.start()
            if self.movie.frames_done:
                self.movie.frames_done(self.next_frame)
        if not self.video_ended:
            self.video_ended = self.video.sendVideoFrame(QVideoFrame())  # an empty frame: the end

    def _frame(self, picture: Picture) -> QVideoFrame:
        """A new frame each time (frames are explicitly shared: one frame sent twice would carry
        the last timestamp set on it), holding a copy of the picture's planes."""
        frame = QVideoFrame(self.vfmt)
        if not frame.map(QVideoFrame.MapMode.WriteOnly):
            raise EncodeError("could not write a video frame")
        try:
            width, height = picture.size
            for plane, data, (w, h) in (
                (0, picture.y, (width, height)),
                (1, picture.u, (width // 2, height // 2)),
                (2, picture.v, (width // 2, height // 2)),
            ):
                bits, stride = memoryview(frame.bits(plane)), frame.bytesPerLine(plane)
                if stride == w:
                    bits[: w * h] = data
                else:  # rows padded for alignment
                    for row in range(h):
                        bits[row * stride : row * stride + w] = data[row * w : (row + 1) * w]
        finally:
            frame.unmap()
        return frame

    def _send_audio(self) -> None:
        sound = self.movie.sound
        step = int(sound.rate * AUDIO_CHUNK_SECONDS)
        width = 2 * sound.channels
        while self.next_sample < sound.frames:
            start = self.next_sample
            count = min(step, sound.frames - start)
            data = QByteArray(sound.data[start * width : (start + count) * width])
            if not self.audio.sendAudioBuffer(QAudioBuffer(data, self.afmt, start * 1_000_000 // sound.rate)):
                return
            self.next_sample += count
            self.stall.start()
        if not self.audio_ended:
            self.audio_ended = self.audio.sendAudioBuffer(QAudioBuffer())

    def _state(self, state: QMediaRecorder.RecorderState) -> None:
        if state == QMediaRecorder.RecorderState.StoppedState:
            if not (self.video_ended and self.audio_ended) and not self.error:
                self.error = "the encoder stopped before the end"
            self.loop.quit()

    def _stalled(self) -> None:
        self._fail("the encoder stopped taking frames")

    def _failed(self, _error: QMediaRecorder.Error, text: str) -> None:
        self._fail(text or "the encoder failed")

    def _fail(self, text: str) -> None:
        self.error = self.error or text
        self.loop.quit()
