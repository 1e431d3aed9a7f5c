"""The library and the player on the real window (issue 23, items 8-11, 18's filter word, 1's remedies)."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtMultimedia import QMediaPlayer

from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State
from aurora_desktop.paths import resource
from aurora_desktop.ui import media
from aurora_desktop.ui.job_model import status_text
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE
from tests.fixtures.sandbox import Sandbox

pytestmark = pytest.mark.e2e


def saved_job(qtbot, window, folder: Path, name: str = "Shop intro", **changes: object) -> LocalJob:
    """A finished video in the window's library: a real file (the sample clip), in the store and the list."""
    video = folder / f"{name}.mp4"
    shutil.copyfile(resource("samples", "clip.mp4"), video)
    job = LocalJob(
        id=uuid.uuid4().hex,
        token=uuid.uuid4().hex,
        name=name,
        model="aurora_v1_fast",
        image=InputFile(InputKind.IMAGE, str(SAMPLE_IMAGE)),
        audio=InputFile(InputKind.AUDIO, str(SAMPLE_AUDIO)),
        state=State.SAVED,
        output_path=str(video),
    ).with_changes(**changes)
    task = window.tasks.spawn(window.services.engine.store.insert(job))
    qtbot.waitUntil(task.done, timeout=5_000)
    window.model.upsert(job)
    return job


def select(window, job: LocalJob) -> None:
    window.library.select_job(job.id)


def test_selecting_a_video_shows_it_ready_to_play_and_enter_plays_it(
    qtbot, open_window, shared_sandbox: Sandbox, tmp_path: Path
) -> None:
    """Item 8. Before: selecting a video changed nothing in the player (it stayed on "Your
    finished video plays here."); only a double-click or Enter loaded it."""
    window = open_window(shared_sandbox)
    if not window.player.available:
        pytest.skip("no QtMultimedia backend: the player offers the system player instead")
    first = saved_job(qtbot, window, tmp_path, "First")
    second = saved_job(qtbot, window, tmp_path, "Second")
    select(window, first)
    qtbot.waitUntil(lambda: window.player.path == Path(first.output_path), timeout=5_000)
    assert window.player.stage.currentWidget() is window.player.video
    assert window.player.play_button.isEnabled()
    qtbot.wait(300)
    assert window.player.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState  # ready, not playing

    select(window, second)
    qtbot.waitUntil(lambda: window.player.path == Path(second.output_path), timeout=5_000)
    window.library.view.setFocus()
    qtbot.keyClick(window.library.view, Qt.Key.Key_Return)  # Enter plays the selected video
    qtbot.waitUntil(
        lambda: window.player.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState, timeout=10_000
    )
    media.pause(window.player.player)


def test_after_a_removal_the_player_shows_its_empty_state(
    qtbot, open_window, shared_sandbox: Sandbox, tmp_path: Path
) -> None:
    """Item 8. Before: the player kept a black video area with "0:00 / 0:00" after the video it
    showed was removed."""
    window = open_window(shared_sandbox)
    job = saved_job(qtbot, window, tmp_path, "Gone soon")
    saved_job(qtbot, window, tmp_path, "Stays")
    window.play(job)
    qtbot.waitUntil(lambda: window.player.path == Path(job.output_path), timeout=5_000)
    select(window, job)
    window.tasks.spawn(window.library_actions.remove(job, to_trash=False))
    qtbot.waitUntil(lambda: window.model.job(job.id) is None, timeout=5_000)
    qtbot.wait(200)
    player = window.player
    assert player.path is None
    assert player.stage.currentWidget() is (player.placeholder if player.available else player.fallback)
    assert "0:00" not in player.time.text()
    assert window.library.selected_job() is None  # not the next video, shown instead
    window.library_actions.undo_removal()


def test_the_volume_bar_jumps_where_clicked_the_speaker_mutes_and_the_curve_is_logarithmic(
    qtbot, open_window, shared_sandbox: Sandbox, tmp_path: Path
) -> None:
    """Item 11. Before: a click on the volume bar only stepped 10 towards the click, there was no
    speaker button (`player.mute` missing), and the level was sent as it is (50 % → 0.5)."""
    window = open_window(shared_sandbox)
    player = window.player
    bar = player.volume
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=QPoint(int(bar.width() * 0.25), bar.height() // 2))
    assert abs(bar.value() - 25) <= 8
    if not player.available:
        pytest.skip("no QtMultimedia backend: no audio output to check")
    job = saved_job(qtbot, window, tmp_path)
    select(window, job)
    qtbot.waitUntil(lambda: player.audio is not None, timeout=5_000)
    bar.setValue(50)
    qtbot.waitUntil(lambda: player.audio.volume() < 0.3, timeout=2_000)  # about a tenth: half as loud, as heard
    level = player.audio.volume()
    assert player.mute.accessibleName() == "Mute" and not player.mute.isChecked()
    qtbot.mouseClick(player.mute, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: player.audio.volume() == 0.0, timeout=2_000)
    assert player.mute.isChecked() and "unmute" in player.mute.accessibleName()
    assert bar.value() == 50  # the level is kept for when the sound comes back
    qtbot.mouseClick(player.mute, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: abs(player.audio.volume() - level) < 1e-6, timeout=2_000)


def test_the_filter_says_the_chips_word(qtbot, open_window, shared_sandbox: Sandbox, tmp_path: Path) -> None:
    """Item 18. Before: the chip said "Ready" and the filter "Finished"."""
    window = open_window(shared_sandbox)
    job = saved_job(qtbot, window, tmp_path)
    box = window.library.status
    words = [box.itemText(i) for i in range(box.count())]
    assert status_text(job) == "Ready" and "Ready" in words and "Finished" not in words
    box.setCurrentIndex(words.index("Ready"))
    assert window.library.proxy.rowCount() == 1
