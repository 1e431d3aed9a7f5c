"""The real window, with the sandbox running as a real process."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget

from aurora_desktop.jobs.model import State
from aurora_desktop.jobs.vocabulary import LibraryAction
from aurora_desktop.ui import media
from aurora_desktop.ui.job_model import ElapsedRole
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE, make_wav
from tests.fixtures.sandbox import Sandbox
from tests.gui.boxes import shown_box

pytestmark = pytest.mark.e2e


def drop_files(widget: QWidget, *files: Path | str) -> bool:
    """A real drag-and-drop: QDragEnterEvent then QDropEvent carrying file URLs."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) if isinstance(f, Path) else QUrl(f) for f in files])
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(QPoint(10, 10), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPoint(10, 10), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def tasks_running(*names: str) -> list[asyncio.Task[Any]]:
    """The background tasks (ui/tasks.py names them by their key) still at work on the Qt loop."""
    loop = asyncio.get_event_loop()
    return [task for task in asyncio.all_tasks(loop) if task.get_name() in names and not task.done()]


def test_drop_generate_progress_done_and_play_to_the_end(qtbot, open_window, make_sandbox) -> None:
    sb: Sandbox = make_sandbox("--job-seconds", "8")  # long enough for several 2-second polls
    window = open_window(sb)
    panel = window.create_panel
    assert not panel.generate_button.isEnabled() and "portrait" in panel.reason.text()
    assert "Your videos will appear here" in window.library.view.empty_text

    assert drop_files(panel, SAMPLE_IMAGE, SAMPLE_AUDIO)  # both at once fill both inputs
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=15_000)
    # The balance arrives on its own request; the price does not wait for it.
    qtbot.waitUntil(lambda: "Remaining credits: 1000" in panel.price.text(), timeout=10_000)
    assert "This video will cost 8 credits" in panel.price.text()
    assert "720 × 960 px PNG" in panel.image_zone.facts.text() and "3:4" in panel.image_zone.facts.text()
    qtbot.waitUntil(lambda: not panel.image_zone.preview.pixmap().isNull(), timeout=10_000)  # the thumbnail
    assert "7.6 seconds" in panel.audio_zone.facts.text() and panel.waveform.peaks

    # Advanced options are hidden until asked for; once open, the prompt goes with the job.
    assert not panel.prompt_edit.isVisible()
    qtbot.mouseClick(panel.advanced, Qt.MouseButton.LeftButton)
    assert panel.prompt_edit.isVisible()
    panel.prompt_edit.setPlainText("warm light, slight smile")

    phases: list[tuple[str, float]] = []
    window.bridge.progress.connect(lambda _id, phase, done, total: phases.append((phase, done)))
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)
    assert "running" in window.windowTitle()
    assert window.model.index(0).data(ElapsedRole) >= 0  # active: elapsed time shown
    qtbot.waitUntil(
        lambda: window.model.job(window.model.index(0).data(Qt.ItemDataRole.UserRole + 1).id).state is State.SAVED,
        timeout=60_000,
    )
    job = window.model.index(0).data(Qt.ItemDataRole.UserRole + 1)
    assert Path(job.output_path).exists() and "running" not in window.windowTitle()
    assert job.text_prompt == "warm light, slight smile"
    assert window.model.index(0).data(ElapsedRole) is None  # finished: no clock
    window.library.search.setText("no such video")
    assert window.library.proxy.rowCount() == 0 and "No video matches" in window.library.view.empty_text
    window.library.search.clear()
    generating = [done for phase, done in phases if phase == "generating"]
    assert {p for p, _ in phases} >= {"hosting", "generating", "downloading"}
    assert generating == sorted(generating) and generating[-1] > generating[0]  # honest, rising progress
    qtbot.waitUntil(lambda: "Remaining credits: 992" in panel.price.text(), timeout=10_000)  # refreshed

    # The finished video plays in the embedded player, to the end.
    player = window.player.player
    qtbot.waitUntil(lambda: player.source().toLocalFile() == job.output_path, timeout=5_000)
    with qtbot.waitSignal(
        player.mediaStatusChanged, timeout=30_000, check_params_cb=lambda s: s == QMediaPlayer.MediaStatus.EndOfMedia
    ):
        if player.playbackState() != QMediaPlayer.PlaybackState.PlayingState:
            media.play(player)
    assert abs(player.duration() / 1000 - 7.62) < 0.5


def test_each_bad_input_shows_its_message_and_keeps_generate_disabled(
    qtbot, open_window, make_sandbox, tmp_path: Path
) -> None:
    window = open_window(make_sandbox())
    panel = window.create_panel
    not_a_picture = tmp_path / "face.png"
    not_a_picture.write_text("hello")
    tiny = tmp_path / "tiny.png"
    from PIL import Image

    Image.new("RGB", (120, 400)).save(tiny)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    cases = [
        ("image", not_a_picture, "not a picture"),
        ("image", tiny, "at least 256 pixels"),
        ("image", tmp_path / "gone.png", "does not exist"),
        ("audio", empty, "empty"),
        ("audio", SAMPLE_IMAGE, "no sound"),
    ]
    for kind, path, words in cases:
        panel.clear()
        drop_files(panel.image_zone if kind == "image" else panel.audio_zone, path)
        if kind == "image":
            drop_files(panel.audio_zone, SAMPLE_AUDIO)
        else:
            drop_files(panel.image_zone, SAMPLE_IMAGE)
        zone = panel.image_zone if kind == "image" else panel.audio_zone
        qtbot.waitUntil(lambda words=words, zone=zone: words in zone.warning.text(), timeout=10_000)
        assert zone.warning.isVisible()
        assert not panel.generate_button.isEnabled() and words in panel.reason.text()

    # Audio longer than the chosen model allows: the message names the limit.
    panel.clear()
    drop_files(panel, SAMPLE_IMAGE, make_wav(tmp_path / "long.wav", 16))
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=10_000)
    panel.set_model("aurora_v2_2k")
    # Issue 10, defect 11: plain limits, the models that would take it named, no price for a
    # video that cannot be made, and the same red as every other blocking problem.
    assert not panel.generate_button.isEnabled() and "takes clips up to 14 seconds" in panel.reason.text()
    assert "Choose Aurora v1 or Aurora v1 Fast (up to 5 minutes)" in panel.reason.text()
    assert "will cost" not in panel.price.text() and panel.reason.property("problem") is True
    panel.set_model("aurora_v1")
    assert panel.generate_button.isEnabled() and "will cost 16 credits" in panel.price.text()
    panel.set_audio(str(make_wav(tmp_path / "too-long-for-all.wav", 302)))
    qtbot.waitUntil(lambda: "longest any model takes" in panel.reason.text(), timeout=15_000)
    assert "5 minutes (Aurora v1)" in panel.reason.text() and "will cost" not in panel.price.text()
    assert panel.reason.property("problem") is True
    panel.clear()
    assert panel.reason.property("problem") is False  # "Add a portrait" is a next step, not a problem
    drop_files(panel, SAMPLE_IMAGE, make_wav(tmp_path / "long.wav", 16))
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=10_000)
    # Esc clears everything.
    qtbot.keyClick(panel, Qt.Key.Key_Escape)
    assert not panel.generate_button.isEnabled() and panel.image_source is None
    # Esc while the files are still being checked: the checks do not fill them back in. Once the
    # checks that were in flight have ended (cancelled by Esc, or done if Esc did not stop them),
    # nothing is left that could fill the form.
    earlier = tasks_running("inspect-image", "inspect-audio")
    drop_files(panel, SAMPLE_IMAGE, SAMPLE_AUDIO)
    checks = tasks_running("inspect-image", "inspect-audio")
    assert len(set(checks) - set(earlier)) == 2  # both of these still at work: Esc comes in the middle
    qtbot.keyClick(panel, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: all(task.done() for task in checks), timeout=15_000)
    assert panel.image_facts is None and panel.audio_facts is None and not panel.image_zone.facts.text()


def test_not_enough_credits_is_said_before_spending(qtbot, open_window, make_sandbox) -> None:
    window = open_window(make_sandbox("--credits", "5"))
    panel = window.create_panel
    drop_files(panel, SAMPLE_IMAGE, SAMPLE_AUDIO)
    qtbot.waitUntil(lambda: "costs 8 and you have 5" in panel.reason.text(), timeout=10_000)
    assert not panel.generate_button.isEnabled()


def test_wrong_keys_say_so_in_the_window_and_never_trap(qtbot, open_window, make_sandbox) -> None:
    """Revoked keys: a plain line in the window (no dialog at every start), and the demo one click away."""
    sb = make_sandbox("--api-key", "the-real-key")  # the window sends the default key: wrong
    window = open_window(sb)
    qtbot.waitUntil(lambda: "API ID and key" in window.banner.text(), timeout=10_000)
    assert window.banner.isVisible() and "switch to the demo" in window.banner.text()
    assert "the-real-key" not in window.banner.text() and "sandbox-key" not in window.banner.text()
    assert window.errors.dialogs == []  # nothing to click away
    assert window.mode_switch.account.isChecked() and window.mode_switch.demo.isEnabled()
    with qtbot.waitSignal(window.servicesReady, timeout=30_000):
        qtbot.mouseClick(window.mode_switch.demo, Qt.MouseButton.LeftButton)
    assert window.demo and window.mode_switch.demo.isChecked() and "nothing is spent" in window.banner.text()
    qtbot.waitUntil(lambda: window.create_panel.remaining is not None, timeout=10_000)  # the demo answers
    assert "pretend credits" in window.create_panel.price.text()


def test_a_failed_job_says_why_and_can_be_retried(qtbot, open_window, make_sandbox) -> None:
    sb = make_sandbox()
    sb.fault(kind="status", status=404, body={"detail": "gone"}, method="GET", path="/sandbox/files/", times=1)
    window = open_window(sb)
    panel = window.create_panel
    drop_files(panel, SAMPLE_IMAGE, SAMPLE_AUDIO)
    qtbot.waitUntil(panel.generate_button.isEnabled, timeout=10_000)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)

    def job():
        return window.model.index(0).data(Qt.ItemDataRole.UserRole + 1) if window.model.rowCount() else None

    qtbot.waitUntil(lambda: job() is not None and job().state is State.FAILED, timeout=30_000)
    assert "could not make this video" in job().error_message and "refunded" in job().error_message
    actions = [key for key, _ in window.library.actions_for(job())]
    assert "retry" in actions and "again" in actions and "play" not in actions
    # Issue 10, defect 13: details that help (not only versions).
    window.library.actionRequested.emit(LibraryAction.DETAILS, job())
    qtbot.waitUntil(lambda: "Last steps:" in QApplication.clipboard().text(), timeout=5_000)
    copied = QApplication.clipboard().text()
    assert "could not make this video" in copied and f"Job: {job().id}, state failed" in copied
    assert "remote-failed" in copied and "Creatify: job " in copied and "portrait.png" in copied
    window.library.actionRequested.emit(LibraryAction.RETRY, job())
    qtbot.waitUntil(lambda: job().state is State.SAVED, timeout=30_000)


def test_a_job_still_uploading_can_be_cancelled_and_removed_from_its_menu(qtbot, open_window, make_sandbox) -> None:
    """Issue 23 item 1: a job that spent nothing (here: its upload hangs) offers Cancel and Remove
    in its menu, and Cancel ends it with nothing requested. Before: only "Make again" and "Rename"."""
    sb = make_sandbox()
    sb.fault(kind="delay", seconds=60, method="PUT", path="/sandbox/files/", times=2)
    window = open_window(sb)
    panel = window.create_panel
    drop_files(panel, SAMPLE_IMAGE, SAMPLE_AUDIO)
    qtbot.waitUntil(panel.generate_button.isEnabled, timeout=10_000)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)

    def job():
        return window.model.index(0).data(Qt.ItemDataRole.UserRole + 1) if window.model.rowCount() else None

    qtbot.waitUntil(lambda: job() is not None and job().state is State.HOSTING, timeout=20_000)
    actions = [key for key, _ in window.library.actions_for(job())]
    assert LibraryAction.CANCEL in actions and LibraryAction.REMOVE in actions
    window.library.actionRequested.emit(LibraryAction.CANCEL, job())
    qtbot.waitUntil(lambda: job().state is State.CANCELLED, timeout=10_000)
    assert LibraryAction.CANCEL not in [key for key, _ in window.library.actions_for(job())]
    assert (
        sb.stats()["jobs"] == 0 and sb.stats()["requests"].get("POST /api/aurora/", 0) == 0
    )  # nothing asked, nothing spent


def test_closed_mid_job_then_reopened_continues_and_finishes(qtbot, open_window, make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox("--job-seconds", "6")
    profile = tmp_path / "same-profile"
    window = open_window(sb, profile=profile)
    drop_files(window.create_panel, SAMPLE_IMAGE, SAMPLE_AUDIO)
    qtbot.waitUntil(window.create_panel.generate_button.isEnabled, timeout=10_000)
    qtbot.mouseClick(window.create_panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            window.model.rowCount() == 1
            and window.model.index(0).data(Qt.ItemDataRole.UserRole + 1).state is State.REMOTE
        ),
        timeout=20_000,
    )
    with qtbot.waitSignal(window.closed, timeout=15_000):
        window.close()  # asks nothing; the job stays in the store

    again = open_window(sb, profile=profile)
    first = again.model.index(0).data(Qt.ItemDataRole.UserRole + 1)
    assert again.model.rowCount() == 1 and not first.state.is_final  # shown, still going
    qtbot.waitUntil(
        lambda: again.model.index(0).data(Qt.ItemDataRole.UserRole + 1).state is State.SAVED, timeout=60_000
    )
    assert sb.stats()["jobs"] == 1  # continued, not made twice


def test_first_run_offers_both_paths_and_the_demo_is_ready_to_go(qtbot, open_window) -> None:
    window = open_window(wait_ready=False)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.welcome, timeout=10_000)
    with qtbot.waitSignal(window.servicesReady, timeout=30_000):
        window.welcome.demoRequested.emit()
    assert window.banner.isVisible() and "nothing is spent" in window.banner.text()
    assert "demo" in window.windowTitle()
    panel = window.create_panel
    qtbot.waitUntil(panel.generate_button.isEnabled, timeout=15_000)  # sample portrait and voice pre-filled
    assert "8 credits" in panel.price.text()


def test_without_a_keyring_keys_can_be_kept_for_this_session_only(
    qtbot, open_window, make_sandbox, tmp_path: Path
) -> None:
    from aurora_desktop.ui.settings_dialog import SettingsDialog

    sb = make_sandbox()
    window = open_window(sb, keys_in_env=False, wait_ready=False, profile=tmp_path / "p")
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.welcome, timeout=10_000)
    window.welcome.settingsRequested.emit()
    dialog = window.findChild(SettingsDialog)
    qtbot.waitUntil(lambda: "no password store" in dialog.where.text(), timeout=10_000)
    assert not dialog.where.text().startswith("fail")  # no raw backend name for a person
    assert dialog.session_only.isVisibleTo(dialog)  # the way forward is offered
    dialog.api_id.setText(sb.proc.api_id)
    dialog.api_key.setText(sb.proc.api_key)
    dialog.session_only.setChecked(True)
    with qtbot.waitSignal(window.servicesReady, timeout=30_000):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: "Remaining credits: 1000" in window.create_panel.price.text(), timeout=10_000)
    assert window.secrets.session_only
    for path in (tmp_path / "p").rglob("*"):  # never written to disk
        if path.is_file():
            assert sb.proc.api_key.encode() not in path.read_bytes(), path


def test_a_damaged_library_is_kept_aside_only_after_the_user_agrees(qtbot, open_window, tmp_path: Path) -> None:
    """Issue 13.4: a damaged library showed as "no videos yet"; now the user is told first."""
    garbage = b"this is not a database " * 100
    db = tmp_path / "profile" / "data" / "jobs.sqlite3"
    db.parent.mkdir(parents=True)
    db.write_bytes(garbage)
    window = open_window(profile=tmp_path / "profile", demo=True, wait_ready=False)
    qtbot.waitUntil(lambda: shown_box(window, "is damaged and cannot be read") is not None, timeout=15_000)
    damaged = shown_box(window, "is damaged and cannot be read")
    assert db.read_bytes() == garbage  # nothing changed before the user agreed
    [fresh] = [b for b in damaged.buttons() if "start a new list" in b.text()]
    with qtbot.waitSignal(window.servicesReady, timeout=30_000):
        fresh.click()
    [kept] = db.parent.glob("jobs.damaged-*.sqlite3")
    assert kept.read_bytes() == garbage  # kept aside whole
    assert window.model.rowCount() == 0 and "kept as" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.create_panel.remaining is not None, timeout=10_000)  # the new demo answers


def test_a_double_click_on_generate_makes_one_video_and_the_same_again_is_asked(
    qtbot, open_window, shared_sandbox: Sandbox
) -> None:
    """Issue 10.3 (a double charge): a double click made two identical jobs."""
    sb = shared_sandbox
    window = open_window(sb)
    panel = window.create_panel
    jobs_before = sb.stats()["jobs"]
    assert drop_files(panel, SAMPLE_IMAGE, SAMPLE_AUDIO)
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled() and panel.remaining is not None, timeout=15_000)
    qtbot.mouseDClick(panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)  # and a third, impatient one
    qtbot.waitUntil(lambda: window.model.rowCount() >= 1 and panel.generate_button.isEnabled(), timeout=15_000)
    first = window.model.index(0).data(Qt.ItemDataRole.UserRole + 1)
    qtbot.waitUntil(lambda: window.model.job(first.id).state is State.SAVED, timeout=60_000)
    assert window.model.rowCount() == 1 and sb.stats()["jobs"] == jobs_before + 1  # one video, charged once
    assert shown_box(window, "charged again") is None  # the extra clicks were swallowed, not asked about

    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)  # the very same video again: asked
    qtbot.waitUntil(lambda: shown_box(window, "charged again") is not None)
    assert window.model.rowCount() == 1
    [again] = [b for b in shown_box(window, "charged again").buttons() if b.text() == "Make another take"]
    again.click()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=15_000)
    jobs = [window.model.index(i).data(Qt.ItemDataRole.UserRole + 1) for i in range(2)]
    for job in jobs:
        qtbot.waitUntil(lambda job=job: window.model.job(job.id).state is State.SAVED, timeout=60_000)
    assert sb.stats()["jobs"] == jobs_before + 2  # the one requested twice, deliberately


def test_save_a_copy_adds_mp4_starts_where_it_saved_last_and_says_so(
    qtbot, open_window, shared_sandbox: Sandbox, tmp_path: Path
) -> None:
    """Issue 10, defect 6: no .mp4 added, "All files", the working folder, no confirmation."""
    window = open_window(shared_sandbox)
    video = tmp_path / "made.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
    dialog = window.library_actions.save_copy(video)
    assert dialog is not None and dialog.isVisible()
    assert dialog.nameFilters() == ["Videos (*.mp4)"] and dialog.defaultSuffix() == "mp4"
    assert Path(dialog.directory().absolutePath()) != Path.cwd()
    target = tmp_path / "chosen" / "for the shop"  # typed without an extension
    target.parent.mkdir()
    dialog.fileSelected.emit(str(target))
    qtbot.waitUntil(lambda: shown_box(window, "A copy of the video was saved") is not None, timeout=5_000)
    assert (target.parent / "for the shop.mp4").read_bytes() == video.read_bytes()
    saved = shown_box(window, "A copy of the video was saved")
    assert "Show in folder" in [b.text() for b in saved.buttons()]
    saved.close()
    dialog.close()
    again = window.library_actions.save_copy(video)  # the next copy starts where this one went
    assert Path(again.directory().absolutePath()) == target.parent
    again.close()


def test_show_in_folder_with_no_file_manager_says_where_the_file_is(
    qtbot, open_window, shared_sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10, defect 7: "Show in folder" failed silently when no file manager answered."""
    window = open_window(shared_sandbox)  # no D-Bus session here (the fixture points it nowhere)
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))  # and no xdg-open
    video = tmp_path / "made.mp4"
    video.write_bytes(b"video")
    window.show_in_folder(video)
    qtbot.waitUntil(lambda: shown_box(window, str(video)) is not None, timeout=10_000)
    [copy] = [b for b in shown_box(window, str(video)).buttons() if b.text() == "Copy path"]
    copy.click()
    assert QApplication.clipboard().text() == str(video)


def _make_one_video(qtbot, window) -> str:
    """The sample portrait and voice dropped, Generate pressed, the video saved: its job's id."""
    panel = window.create_panel
    assert drop_files(panel, SAMPLE_IMAGE, SAMPLE_AUDIO)
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=15_000)
    panel.generate()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=15_000)
    job_id: str = window.model.index(0).data(Qt.ItemDataRole.UserRole + 1).id
    qtbot.waitUntil(lambda: window.model.job(job_id).state is State.SAVED, timeout=60_000)
    return job_id


def test_a_deleted_video_leaves_the_player_goes_to_the_trash_and_can_be_undone(
    qtbot, open_window, shared_sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10, defect 5: a deleted video kept playing, and deleting was permanent."""
    (tmp_path / "data-home").mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))  # this test's own Trash
    window = open_window(shared_sandbox)
    job_id = _make_one_video(qtbot, window)
    job = window.model.job(job_id)
    video = Path(job.output_path)
    qtbot.waitUntil(lambda: window.player.path == video, timeout=10_000)  # it plays

    window.tasks.spawn(window.library_actions.remove(job, to_trash=True))
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=10_000)
    assert window.player.path is None and window.player.player.source().isEmpty()  # the player let go
    trash = tmp_path / "data-home" / "Trash" / "files"
    assert not video.exists() and (trash / video.name).exists() and (trash / video.with_suffix(".json").name).exists()
    assert window.undo_remove.isVisible()

    qtbot.mouseClick(window.undo_remove, Qt.MouseButton.LeftButton)
    assert video.exists() and video.with_suffix(".json").exists() and window.model.job(job_id) is not None

    window.library_actions.removal_timer.setInterval(50)  # the time to undo runs out: gone from the library for good
    window.tasks.spawn(window.library_actions.remove(window.model.job(job_id), to_trash=True))
    qtbot.waitUntil(lambda: not window.undo_remove.isVisible() and window.model.rowCount() == 0, timeout=10_000)

    qtbot.waitUntil(lambda: job_id not in [j.id for j in window.services.engine.store.sync.list()], timeout=5_000)
    assert (trash / video.name).exists()  # in the Trash, where the user can still find it


def test_at_960_by_600_the_position_bar_and_the_rows_stay_usable(qtbot, open_window, shared_sandbox: Sandbox) -> None:
    """Issue 10, defect 9: at about 960 px the position bar collapsed and library rows were cut."""
    window = open_window(shared_sandbox)
    window.resize(960, 600)
    qtbot.waitUntil(lambda: window.width() <= 960, timeout=5_000)
    assert window.minimumSizeHint().width() <= 960 and window.minimumSizeHint().height() <= 600
    window.player.load(Path(__file__).parents[2] / "resources" / "samples" / "clip.mp4", autoplay=False)
    qtbot.wait(200)
    assert window.player.seek.width() >= 120  # a bar one can aim at, not a dot
    assert window.player.time.isVisible() and window.player.full.isVisible()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="checks the freedesktop Trash it ends in")
def test_a_video_on_a_drive_without_a_trash_is_held_for_undo_then_trashed(
    qtbot, open_window, shared_sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22 §5: where the system has no Trash for the file, Undo still works (the file is
    held in the profile), and the Trash gets it only when the time to undo is over."""
    from aurora_desktop import paths, trash

    (tmp_path / "data-home").mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))  # this test's own Trash
    window = open_window(shared_sandbox)
    job_id = _make_one_video(qtbot, window)
    video = Path(window.model.job(job_id).output_path)

    real_trash = trash.qt_move_to_trash
    holding = paths.holding_dir()

    def only_at_home(path: Path) -> Path | None:  # no Trash on the video's drive; one at home (the profile's)
        return real_trash(path) if path.is_relative_to(holding) else None

    monkeypatch.setattr(trash, "qt_move_to_trash", only_at_home)
    window.tasks.spawn(window.library_actions.remove(window.model.job(job_id), to_trash=True))
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=10_000)
    held = list(holding.rglob(video.name))
    assert not video.exists() and len(held) == 1 and window.undo_remove.isVisible()
    qtbot.mouseClick(window.undo_remove, Qt.MouseButton.LeftButton)
    assert video.exists() and video.with_suffix(".json").exists() and list(holding.iterdir()) == []

    window.library_actions.removal_timer.setInterval(1000)  # a second to undo: long enough to see it held
    window.tasks.spawn(window.library_actions.remove(window.model.job(job_id), to_trash=True))
    qtbot.waitUntil(lambda: window.model.rowCount() == 0 and window.undo_remove.isVisible(), timeout=10_000)
    assert not video.exists() and len(list(holding.rglob(video.name))) == 1  # held again
    in_trash = tmp_path / "data-home" / "Trash" / "files" / video.name
    qtbot.waitUntil(in_trash.exists, timeout=10_000)  # the time to undo is over: to the Trash at home
    assert not window.undo_remove.isVisible() and list(holding.iterdir()) == [] and not video.exists()
