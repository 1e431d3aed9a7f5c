"""The library and the player on the real window (issue 23, items 8-11, 18's filter word, 1's remedies)."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtMultimedia import QMediaPlayer

from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State
from aurora_desktop.jobs.vocabulary import ErrorCode, LibraryAction
from aurora_desktop.paths import resource
from aurora_desktop.ui import media, theme
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


def test_each_card_shows_play_folder_save_and_more_on_hover_and_when_selected(
    qtbot, open_window, shared_sandbox: Sandbox, tmp_path: Path
) -> None:
    """Item 9. Before: a card had no buttons (`LibraryPanel.selected_bar` missing); every action
    hid in the right-click menu."""
    from PySide6.QtWidgets import QApplication, QMenu

    window = open_window(shared_sandbox)
    first = saved_job(qtbot, window, tmp_path, "First")
    second = saved_job(qtbot, window, tmp_path, "Second")
    library = window.library
    select(window, first)
    bar = library.selected_bar
    qtbot.waitUntil(bar.isVisible, timeout=2_000)
    names = [b.accessibleName() for b in (*bar.buttons.values(), bar.more) if b.isVisible()]
    assert names == ["Play “First”", "Show “First” in its folder", "Save a copy of “First”", "More for “First”"]
    card = library.view.visualRect(library.view.currentIndex())
    assert card.contains(bar.geometry())  # on its card

    other = library.view.visualRect(library.proxy.index(0, 0))  # the newest: "Second", not selected
    qtbot.mouseMove(library.view.viewport(), other.center())
    qtbot.waitUntil(library.hover_bar.isVisible, timeout=2_000)
    assert library.hover_bar.job().id == second.id and other.contains(library.hover_bar.geometry())
    assert bar.isVisible()  # the selected card keeps its own

    before = window.theme.choice
    window.theme.set_choice("dark")  # a live theme switch: the bar wears the new card colour at once
    try:
        qtbot.waitUntil(lambda: bar._colour == theme.current().accent_soft, timeout=2_000)
    finally:
        window.theme.set_choice(before)

    library.view.setFocus()
    qtbot.keyClick(library.view, Qt.Key.Key_Tab)  # keyboard: from the list to the card's buttons
    assert window.focusWidget() in (*bar.buttons.values(), bar.more)

    qtbot.mouseClick(bar.more, Qt.MouseButton.LeftButton)  # "…": the right-click menu
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=2_000)
    menu = QApplication.activePopupWidget()
    assert [a.text() for a in menu.actions()] == [label for _, label in library.actions_for(first)]
    menu.close()

    if window.player.available:
        qtbot.mouseClick(bar.buttons[LibraryAction.PLAY], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: window.player.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState, timeout=10_000
        )
        media.pause(window.player.player)


def test_a_job_stopped_by_sharing_offers_its_remedies_in_its_menu_and_on_its_card(
    qtbot, open_window, shared_sandbox: Sandbox, sample_urls: tuple[str, str], tmp_path: Path
) -> None:
    """Item 1 (window part). Before: the job's menu offered Try again, Make again, Cancel, Remove
    but neither "Use my own storage" nor "Paste links instead", and its card no button."""
    window = open_window(shared_sandbox)
    job = saved_job(
        qtbot,
        window,
        tmp_path,
        "Stuck",
        state=State.NEEDS_ATTENTION,
        output_path=None,
        image=InputFile(InputKind.IMAGE, sample_urls[0]),
        error_code=ErrorCode.SHARING,
        error_message="The file-sharing services could not be reached for 10 minutes. Nothing was spent.",
    )
    keys = [key for key, _ in window.library.actions_for(job)]
    assert keys[:3] == [LibraryAction.OWN_STORAGE, LibraryAction.PASTE_LINKS, LibraryAction.RETRY]
    assert LibraryAction.CANCEL in keys and LibraryAction.REMOVE in keys  # kept

    select(window, job)
    bar = window.library.selected_bar
    qtbot.waitUntil(bar.isVisible, timeout=2_000)
    shown = [b.text() for b in bar.buttons.values() if b.isVisible()]
    assert shown == ["Use my own storage", "Paste links instead", "Try again"]
    assert not bar.buttons[LibraryAction.PLAY].isVisible()

    qtbot.mouseClick(bar.buttons[LibraryAction.OWN_STORAGE], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.settings_dialog is not None and window.settings_dialog.isVisible(), timeout=5_000)
    dialog = window.settings_dialog
    assert dialog.tabs.currentIndex() == 1 and dialog.sharing_storage.isChecked()
    dialog.reject()

    qtbot.mouseClick(bar.buttons[LibraryAction.PASTE_LINKS], Qt.MouseButton.LeftButton)
    panel = window.create_panel
    assert window.focusWidget() is panel.audio_zone.link  # the voice was a file here: its link to paste
    assert panel.image_source == sample_urls[0] and not panel.audio_source

    qtbot.mouseClick(bar.buttons[LibraryAction.RETRY], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.job(job.id).state is not State.NEEDS_ATTENTION, timeout=10_000)


def test_rename_says_what_it_renames_and_can_rename_the_file_with_its_sidecar_and_transcript(
    qtbot, open_window, shared_sandbox: Sandbox, tmp_path: Path
) -> None:
    """Item 10. Before: the dialog was titled "Rename" and renamed only the name in the library;
    the file kept its old name (no `file_box` on the dialog)."""
    from PySide6.QtWidgets import QApplication

    window = open_window(shared_sandbox)
    job = saved_job(qtbot, window, tmp_path, "Shop intro")
    video = Path(job.output_path)
    video.with_suffix(".json").write_text('{"name": "Shop intro"}')
    video.with_suffix(".txt").write_text("Hello there.\n")
    (tmp_path / "Spring sale.mp4").write_bytes(b"another video")  # the name is taken: never overwritten
    select(window, job)
    window.library.view.setFocus()
    qtbot.keyClick(window.library.view, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=5_000)
    dialog = QApplication.activeModalWidget()
    assert dialog.windowTitle() == "Rename the video in the library"
    assert dialog.file_box.isVisible() and "Shop intro.mp4" in dialog.file_box.text()
    dialog.name_edit.setText("Spring sale")
    dialog.file_box.setChecked(True)
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)

    moved = tmp_path / "Spring sale (2).mp4"
    qtbot.waitUntil(lambda: window.model.job(job.id).output_path == str(moved), timeout=5_000)
    assert window.model.job(job.id).name == "Spring sale" and moved.exists() and not video.exists()
    assert moved.with_suffix(".txt").read_text() == "Hello there.\n" and moved.with_suffix(".json").exists()
    assert (tmp_path / "Spring sale.mp4").read_bytes() == b"another video"
    stored = window.services.engine.store.sync.get(job.id)
    assert stored is not None and stored.output_path == str(moved)  # the store follows the file
