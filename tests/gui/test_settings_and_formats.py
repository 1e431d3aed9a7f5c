"""Issue 10, defects 12 and 15: test wording in Settings, checks as you type, every audio format listed."""

from __future__ import annotations

import math
import struct
from pathlib import Path

from PySide6.QtCore import Qt

from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE, tone_wav
from tests.gui.boxes import shown_dialog


def _opus_voice_note(path: Path, seconds: float = 2.0) -> Path:
    """A WhatsApp-style voice note: Opus in an Ogg file, made here with PyAV."""
    import av

    with av.open(str(path), "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=48000)
        stream.layout = "mono"
        for i in range(int(seconds * 50)):
            frame = av.AudioFrame(format="s16", layout="mono", samples=960)
            frame.planes[0].update(
                b"".join(
                    struct.pack("<h", int(6000 * math.sin(2 * math.pi * 220 * (i * 960 + n) / 48000)))
                    for n in range(960)
                )
            )
            frame.sample_rate, frame.pts = 48000, i * 960
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def test_whatsapp_opus_voice_notes_are_listed_and_work(qtbot, open_window, tmp_path: Path) -> None:
    """Defect 15: .opus worked when typed in but the file chooser hid it."""
    window = open_window(demo=True)
    panel = window.create_panel
    panel.audio_zone.browse()
    dialog = panel.audio_zone.dialog
    assert dialog is not None
    listed = dialog.nameFilters()[0]
    for suffix in ("*.opus", "*.m4a", "*.ogg", "*.mp3", "*.wav", "*.flac", "*.webm"):
        assert suffix in listed, suffix
    note = _opus_voice_note(tmp_path / "PTT-20261129-WA0003.opus")
    dialog.fileSelected.emit(str(note))  # as if chosen in the dialog
    dialog.reject()
    qtbot.waitUntil(lambda: "converted to WAV" in panel.audio_zone.facts.text(), timeout=15_000)
    assert "2.0 seconds" in panel.audio_zone.facts.text()
    panel.set_image(str(SAMPLE_IMAGE))
    qtbot.waitUntil(panel.generate_button.isEnabled, timeout=15_000)


def test_settings_tests_speak_of_a_test_and_check_as_you_type(qtbot, open_window) -> None:
    """Defect 12: a failed connection test said the work "will continue"; a bucket name with
    spaces was not flagged."""
    window = open_window(demo=True)
    window.options.api_base = "http://127.0.0.1:9"  # nothing listens here
    window.open_settings()
    dialog = window.settings_dialog
    dialog.api_id.setText("some-id:some-key")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "test again" in dialog.test_result.text(), timeout=20_000)
    result = dialog.test_result.text()
    assert "will continue" not in result and "will try again" not in result

    dialog.tabs.setCurrentIndex(1)
    dialog.sharing_storage.setChecked(True)
    setup = dialog.storage_setup
    setup.provider.setCurrentIndex(setup.provider.findData("aws"))
    setup.inputs["bucket"].setText("my holiday bucket")  # typed, not yet saved or tested
    assert "Remove the spaces" in setup.problems["bucket"].text()
    assert setup.problems["bucket"].isVisibleTo(dialog)
    setup.inputs["bucket"].setText("my-holiday-bucket")
    assert not setup.problems["bucket"].isVisibleTo(dialog)
    dialog.reject()


def test_a_silent_clip_is_said_before_spending_and_can_be_used_anyway(qtbot, open_window, tmp_path: Path) -> None:
    """Defect 10: silent audio was accepted and charged without a word."""
    window = open_window(demo=True)
    panel = window.create_panel
    panel.set_image(str(SAMPLE_IMAGE))
    panel.set_audio(str(tone_wav(tmp_path / "muted.wav", [(5.0, 0)])))
    qtbot.waitUntil(lambda: "This clip is silent" in panel.reason.text(), timeout=15_000)
    assert not panel.generate_button.isEnabled() and panel.reason.property("problem") is True
    assert panel.use_anyway.isVisible()
    qtbot.mouseClick(panel.use_anyway, Qt.MouseButton.LeftButton)
    assert panel.generate_button.isEnabled() and not panel.use_anyway.isVisible()

    panel.set_audio(str(tone_wav(tmp_path / "mostly-quiet.wav", [(1.0, 6000), (4.0, 0), (1.0, 6000)])))
    qtbot.waitUntil(lambda: "silent for 4 of its 6 seconds" in panel.reason.text(), timeout=15_000)
    assert not panel.generate_button.isEnabled()  # a new clip is judged afresh

    panel.set_audio(str(tone_wav(tmp_path / "voice-with-pauses.wav", [(2.0, 6000), (1.0, 0), (3.0, 6000)])))
    qtbot.waitUntil(panel.generate_button.isEnabled, timeout=15_000)  # ordinary pauses are fine
    assert not panel.use_anyway.isVisible()


def test_a_sideways_phone_photo_is_previewed_and_described_as_it_will_be_sent(
    qtbot, open_window, tmp_path: Path
) -> None:
    """Defect 14: an EXIF-rotated photo was previewed upright but described (and sent) sideways;
    HEIC was hidden by the file filter."""
    from tests.e2e.test_photo_conversion import RED, exif_photo, near

    window = open_window(demo=True)
    panel = window.create_panel
    panel.image_zone.browse()
    assert "*.heic" in panel.image_zone.dialog.nameFilters()[0]
    panel.image_zone.dialog.reject()
    panel.set_image(str(exif_photo(tmp_path / "IMG_1234.jpg", 6)))  # stored 400×600, meant 600×400
    qtbot.waitUntil(lambda: "Before sending" in panel.image_zone.facts.text(), timeout=15_000)
    facts = panel.image_zone.facts.text()
    assert "600 × 400 px" in facts and "3:2" in facts and "turned upright" in facts
    qtbot.waitUntil(lambda: not panel.image_zone.preview.pixmap().isNull(), timeout=15_000)
    thumb = panel.image_zone.preview.pixmap().toImage()
    assert thumb.width() > thumb.height()  # landscape, as sent
    corner = thumb.pixelColor(5, 5)
    assert near((corner.red(), corner.green(), corner.blue()), RED)


def test_the_name_follows_the_voice_until_one_is_typed(qtbot, open_window, tmp_path: Path) -> None:
    """Defect 13: the name stuck to the first voice file ("Voice Memo 12 (2), (3), ...")."""
    window = open_window(demo=True)
    panel = window.create_panel
    first, second, third = (
        tone_wav(tmp_path / f"{n}.wav", [(2.0, 6000)]) for n in ("Voice Memo 12", "Take 2", "Take 3")
    )
    panel.set_audio(str(first))
    assert panel.name_edit.text() == "Voice Memo 12"
    panel.set_audio(str(second))
    assert panel.name_edit.text() == "Take 2"
    panel.name_edit.clear()
    qtbot.keyClicks(panel.name_edit, "Spring sale")
    panel.set_audio(str(third))
    assert panel.name_edit.text() == "Spring sale"  # typed: kept
    panel.clear()
    panel.set_audio(str(first))
    assert panel.name_edit.text() == "Voice Memo 12"


def test_a_queued_job_reads_the_same_on_its_chip_and_its_line(qapp) -> None:
    """Defect 13: "In queue" on the chip beside "Generating 0%" on the line."""
    from dataclasses import replace

    from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State
    from aurora_desktop.jobs.vocabulary import Phase
    from aurora_desktop.ui.job_model import status_text
    from aurora_desktop.ui.library_view import phase_text

    job = LocalJob(
        id="j1",
        token="t1",
        name="Queued",
        model="aurora_v1",
        image=InputFile(InputKind.IMAGE, "/tmp/a.png"),
        audio=InputFile(InputKind.AUDIO, "/tmp/a.wav"),
        state=State.REMOTE,
        remote_status="in_queue",
    )
    progress = (Phase.GENERATING.value, 0.0, 1.0)
    assert status_text(job) == "In queue" and phase_text(progress, job) == ("In queue", None)
    waiting = replace(job, remote_status="pending")
    assert phase_text(progress, waiting)[0] == status_text(waiting) == "Waiting"
    running = replace(job, remote_status="running")
    assert (
        status_text(running) == "Generating"
        and phase_text((Phase.GENERATING.value, 0.42, 1.0), running)[0] == "Generating 42%"
    )


def test_rename_with_f2_and_from_the_menu(qtbot, open_window, shared_sandbox) -> None:
    """Defect 13: there was no way to rename a video in the library."""
    from tests.gui.test_window import drop_files

    window = open_window(shared_sandbox)
    panel = window.create_panel
    drop_files(panel, SAMPLE_IMAGE, SAMPLE_AUDIO)
    qtbot.waitUntil(panel.generate_button.isEnabled, timeout=15_000)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)
    job = window.model.index(0).data(Qt.ItemDataRole.UserRole + 1)
    assert "Rename…\tF2" in [label for _key, label in window.library.actions_for(job)]

    window.library.view.setCurrentIndex(window.library.proxy.index(0, 0))
    window.library.view.setFocus()
    qtbot.keyClick(window.library.view, Qt.Key.Key_F2)
    from aurora_desktop.ui.rename_dialog import RenameDialog

    qtbot.waitUntil(lambda: shown_dialog(window, RenameDialog) is not None, timeout=5_000)
    rename = shown_dialog(window, RenameDialog)
    rename.name_edit.setText("  Spring   sale  ")
    rename.accept()
    qtbot.waitUntil(lambda: window.model.job(job.id).name == "Spring sale", timeout=5_000)
    assert window.services.engine.store.sync.get(job.id).name == "Spring sale"  # kept


def test_a_pasted_image_link_gets_a_preview_and_a_library_thumbnail(
    qtbot, open_window, shared_sandbox, sample_urls
) -> None:
    """Defect 13: a pasted image link got no preview and a grey thumbnail in the library."""
    from aurora_desktop.ui.job_model import thumbnail_source

    window = open_window(shared_sandbox)
    panel = window.create_panel
    image_url, audio_url = sample_urls
    panel.image_zone.link.setText(image_url)
    panel.image_zone.link.editingFinished.emit()
    qtbot.waitUntil(lambda: not panel.image_zone.preview.pixmap().isNull(), timeout=15_000)
    assert panel.image_zone.preview.pixmap().width() > 50
    panel.set_audio(audio_url)
    qtbot.waitUntil(panel.generate_button.isEnabled, timeout=15_000)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)
    job = window.model.index(0).data(Qt.ItemDataRole.UserRole + 1)
    assert job.image.is_link
    thumb = thumbnail_source(job)
    assert thumb is not None and thumb.read_bytes() == SAMPLE_IMAGE.read_bytes()
