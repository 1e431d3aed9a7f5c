"""The sandbox's video is a real one: QtMultimedia plays it to EndOfMedia."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QUrl
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer, QVideoSink

from aurora_desktop.api import CreateRequest, JobStatus
from aurora_desktop.ui import media
from tests.fixtures.loops import run
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE

pytestmark = pytest.mark.e2e

AUDIO_SECONDS = 7.62  # resources/samples/voice.wav (soxi)


def test_rendered_video_plays_to_end_with_the_audio_duration(qtbot, make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    image, audio = sb.host(SAMPLE_IMAGE), sb.host(SAMPLE_AUDIO)

    async def make_video() -> str:
        async with sb.client() as client:
            job = await client.create(CreateRequest(image=image, audio=audio))
            async with asyncio.timeout(60):
                while not (job := await client.get(job.id)).is_terminal:
                    await asyncio.sleep(0.2)
        assert job.status is JobStatus.DONE, job.failed_reason
        assert job.video_output
        return job.video_output

    video = tmp_path / "out.mp4"
    video.write_bytes(httpx.get(run(make_video())).content)

    player = QMediaPlayer()
    sink = QVideoSink()
    player.setVideoOutput(sink)
    if QMediaDevices.audioOutputs():  # play the sound too where there is a device
        player.setAudioOutput(QAudioOutput(player))
    frames: list[tuple[int, int]] = []
    sink.videoFrameChanged.connect(lambda f: frames.append((f.width(), f.height())) if f.isValid() else None)
    errors: list[str] = []
    player.errorOccurred.connect(lambda _e, text: errors.append(text))

    with qtbot.waitSignal(
        player.mediaStatusChanged, timeout=10_000, check_params_cb=lambda s: s == QMediaPlayer.MediaStatus.LoadedMedia
    ):
        player.setSource(QUrl.fromLocalFile(str(video)))
    assert abs(player.duration() / 1000 - AUDIO_SECONDS) <= 0.5
    assert player.hasVideo() and player.hasAudio()

    with qtbot.waitSignal(
        player.mediaStatusChanged, timeout=30_000, check_params_cb=lambda s: s == QMediaPlayer.MediaStatus.EndOfMedia
    ):
        media.play(player)
    assert not errors
    # The portrait (720x960 sample) arrived as real frames, throughout the clip.
    assert set(frames) == {(720, 960)}
    assert len(frames) >= AUDIO_SECONDS * 10
