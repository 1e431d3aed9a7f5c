"""“Type a script” in the real window, against the sandbox over real HTTP (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel

from aurora_desktop.api.catalog import cost_credits
from aurora_desktop.api.speech import speech_credits
from aurora_desktop.formatting import whole_seconds
from aurora_desktop.jobs.model import State
from aurora_desktop.jobs.vocabulary import LibraryAction
from aurora_desktop.settings import Settings
from aurora_desktop.ui.voice_ready import VoiceReadyDialog
from tests.fixtures.media_files import SAMPLE_IMAGE
from tests.fixtures.sandbox import Sandbox
from tests.gui.boxes import shown_dialog
from tests.gui.test_window import drop_files

pytestmark = pytest.mark.e2e

SCRIPT = "Hello and welcome to our little bakery. Fresh bread every morning, and cakes for every party."
SECONDS = len(SCRIPT.split()) * 0.4  # the sandbox speaks at 150 words a minute


def only_job(window):
    [job] = window.model.jobs()
    return window.model.job(job.id)


def open_script_tab(qtbot, window):
    panel = window.create_panel
    panel.show_script()
    script = panel.script_panel
    qtbot.waitUntil(lambda: len(script.voices) >= 6, timeout=15_000)  # fetched once the tab is seen
    return panel, script


def pick(qtbot, script, words: str) -> None:
    """Narrow the list by typing, then choose the one voice left, as a person would."""
    script.search.setText(words)
    assert script.list.count() == 1
    script.list.setCurrentRow(0)
    script.search.clear()


def test_type_a_script_pick_and_preview_a_voice_see_both_prices_then_generate(qtbot, open_window, make_sandbox) -> None:
    sb: Sandbox = make_sandbox("--job-seconds", "1")
    window = open_window(sb)
    panel, script = open_script_tab(qtbot, window)
    assert drop_files(panel.image_zone, SAMPLE_IMAGE)
    assert "Type what the person should say" in panel.reason.text() and not panel.generate_button.isEnabled()

    # Filters: gender and accent narrow the list; search by words.
    script.gender.setCurrentIndex(script.gender.findData("male"))
    assert {script.list.item(i).text().split(" — ")[0] for i in range(script.list.count())} == {"Noah", "Leo"}
    script.accent.setCurrentIndex(script.accent.findData("Indian"))
    assert script.list.count() == 1 and script.list.item(0).text() == "Leo — Indian, male"
    script.gender.setCurrentIndex(0)
    script.accent.setCurrentIndex(0)
    pick(qtbot, script, "ava british")
    assert script.voice.voice == "Ava" and script.voice.accent == "British"

    # The voice's sample plays in the app (its preview link, real playback).
    qtbot.mouseClick(script.preview, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: script.preview_playing, timeout=10_000)
    assert script._player.source().toString() == script.voice.preview_url
    assert script.preview.text() == "■ Stop"
    qtbot.mouseClick(script.preview, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not script.preview_playing, timeout=5_000)

    # A favourite is remembered (and listed first).
    qtbot.mouseClick(script.favourite, Qt.MouseButton.LeftButton)
    assert script.list.item(0).text().startswith("★ Ava — British")
    assert Settings.load().voice_favourites == [script.voice.id]

    # Typing counts characters, estimates the length, and prices speech + video.
    qtbot.keyClicks(script.editor, SCRIPT)
    assert (
        f"{len(SCRIPT)} / 4,000 characters" in script.count.text()  # the safe limit until a longer one is taken
        and f"about {whole_seconds(SECONDS)} seconds" in script.count.text()  # as billed: rounded up
    )
    speech, video = speech_credits(SECONDS), cost_credits("aurora_v1", SECONDS)
    qtbot.waitUntil(lambda: "Remaining credits: 1000" in panel.price.text(), timeout=10_000)
    assert f"about {speech + video:g} credits" in panel.price.text()
    assert f"{speech:g} for the voice" in panel.price.text() and f"{video:g} for the video" in panel.price.text()
    assert panel.name_edit.text() == "Hello and welcome to our little"  # the first words name it
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=10_000)

    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.model.jobs()) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: only_job(window).state is State.SAVED, timeout=60_000)
    job = only_job(window)
    assert job.voice_id == script.voice.id and job.script == SCRIPT
    assert Path(job.output_path).with_suffix(".txt").read_text("utf-8") == SCRIPT + "\n"
    player = window.player.player
    qtbot.waitUntil(lambda: player.source().toLocalFile() == job.output_path, timeout=5_000)
    qtbot.waitUntil(lambda: player.playbackState() == QMediaPlayer.PlaybackState.PlayingState, timeout=10_000)
    stats = sb.stats()
    assert stats["speech_jobs"] == 1 and stats["jobs"] == 1
    assert 1000 - stats["remaining_credits"] == float(speech + video)  # as the price said
    assert Settings.load().last_voice == job.voice_id

    # Closing lets every player go of its media (their threads end now, not at exit with
    # the GIL held): the video that was playing and the voice sample heard before.
    qtbot.mouseClick(script.preview, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: script.preview_playing, timeout=10_000)
    with qtbot.waitSignal(window.closed, timeout=15_000):
        window.close()
    assert player.source().isEmpty() and script._player is not None and script._player.source().isEmpty()


def test_hear_the_voice_first_make_the_video_then_reuse_the_voice(qtbot, open_window, make_sandbox) -> None:
    sb: Sandbox = make_sandbox("--job-seconds", "1")
    window = open_window(sb)
    panel, script = open_script_tab(qtbot, window)
    assert drop_files(panel.image_zone, SAMPLE_IMAGE)
    pick(qtbot, script, "noah")
    script.editor.setPlainText(SCRIPT)
    script.hear_first.setChecked(True)
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=15_000)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)

    # The voice is made, then the window stops and offers to listen: no video requested yet.
    qtbot.waitUntil(lambda: window.voice_dialog is not None and window.voice_dialog.isVisible(), timeout=30_000)
    dialog: VoiceReadyDialog = window.voice_dialog
    assert only_job(window).state is State.VOICE_READY and sb.stats()["jobs"] == 0
    assert any("ready" in label.text() and "Noah" in label.text() for label in dialog.findChildren(QLabel))
    qtbot.mouseClick(dialog.listen, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.voice_player.playing, timeout=10_000)
    assert window.voice_player._player.source().toString() == only_job(window).audio.source
    qtbot.mouseClick(dialog.make, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: only_job(window).state is State.SAVED, timeout=60_000)
    assert not window.voice_player.playing
    first = only_job(window)

    # Another take with the same voice: the speech's link is the clip, nothing is spoken again.
    window.library_actions.run(LibraryAction.REUSE_VOICE, first)
    assert panel.voice_tabs.currentWidget() is panel.audio_zone and panel.audio_source == first.audio.source
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=15_000)
    assert "for the voice" not in panel.price.text()  # the voice is paid already
    panel.set_model("aurora_v1_fast")
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.model.jobs()) == 2, timeout=10_000)
    take = next(j for j in window.model.jobs() if j.id != first.id)
    qtbot.waitUntil(lambda: window.model.job(take.id).state is State.SAVED, timeout=60_000)
    take = window.model.job(take.id)
    assert take.speech_id == first.speech_id and take.script == SCRIPT
    assert sb.stats()["speech_jobs"] == 1 and sb.stats()["jobs"] == 2


def test_bad_scripts_say_so_and_a_too_long_voice_is_kept_for_a_longer_model(qtbot, open_window, make_sandbox) -> None:
    sb: Sandbox = make_sandbox("--job-seconds", "1")
    window = open_window(sb)
    panel, script = open_script_tab(qtbot, window)
    assert drop_files(panel.image_zone, SAMPLE_IMAGE)
    pick(qtbot, script, "mia")
    # Over the limit: the count turns red and Generate says why.
    script.editor.setPlainText("word " * 1700)
    assert script.count.property("problem") is True
    qtbot.waitUntil(lambda: "Creatify takes up to 4,000" in panel.reason.text(), timeout=5_000)
    assert not panel.generate_button.isEnabled() and panel.reason.property("problem") is True
    # Too long to say on the chosen model: the models that would take it are named, no price.
    panel.set_model("aurora_v2_2k")
    script.editor.setPlainText("word " * 60)  # about 24 seconds
    qtbot.waitUntil(lambda: "takes about 24 seconds to say" in panel.reason.text(), timeout=5_000)
    assert "Shorten the script" in panel.reason.text() or "Aurora v1" in panel.reason.text()
    assert "credits</b>" not in panel.price.text()

    # Estimated short enough (this user's pace is fast), but the real speech is longer:
    # the job stops, keeps the voice, and "Try again" offers the models that take it.
    script.set_pace(300.0)
    script.editor.setPlainText("word " * 45)  # estimated 9 s, really 18 s
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=10_000)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.model.jobs()) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: only_job(window).state is State.NEEDS_ATTENTION, timeout=30_000)
    stopped = only_job(window)
    assert "The voice is kept" in stopped.error_message and stopped.speech_made
    window.library_actions.run(LibraryAction.RETRY, stopped)
    dialog = shown_dialog(window, QInputDialog)
    assert dialog.isVisible() and "18 seconds" in dialog.labelText()
    assert dialog.comboBoxItems()[0].startswith("Aurora v1 (18 credits)")
    dialog.setTextValue(dialog.comboBoxItems()[0])
    dialog.accept()
    qtbot.waitUntil(lambda: only_job(window).state is State.SAVED, timeout=60_000)
    assert only_job(window).model == "aurora_v1"
    assert sb.stats()["speech_jobs"] == 1  # the voice was paid once
    QApplication.processEvents()
