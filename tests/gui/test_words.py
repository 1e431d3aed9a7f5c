"""Issue 23's honest numbers and words on the real window: the error dialog, the setup check,
the retry that knows the credits, the "another take?" guard, the script's one figure."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QMessageBox, QPushButton

from aurora_desktop.api.catalog import cost_credits
from aurora_desktop.api.speech import speech_credits
from aurora_desktop.formatting import credits_text
from aurora_desktop.jobs.model import State
from aurora_desktop.jobs.report import job_report
from aurora_desktop.jobs.vocabulary import LibraryAction
from aurora_desktop.ui.errors import ErrorDialog
from aurora_desktop.ui.job_model import detail_text
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE, make_wav
from tests.fixtures.sandbox import Sandbox
from tests.gui.boxes import shown_box
from tests.gui.test_script_window import only_job, open_script_tab, pick
from tests.gui.test_window import drop_files


def _button(dialog: ErrorDialog, text: str) -> QPushButton:
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == text)


def test_show_details_shows_the_detail_and_toggles_its_label(qtbot, open_window) -> None:
    window = open_window(wait_ready=False)
    dialog = window.errors.show("The video could not be made.", "Creatify answered 502: upstream timed out")
    qtbot.waitExposed(dialog)
    # No blank area above the message: the message sits at the top of the dialog.
    assert dialog.message.geometry().top() <= dialog.layout().contentsMargins().top() + 2
    show = _button(dialog, "Show details")
    show.click()
    assert dialog.details.isVisible()
    assert show.text() == "Hide details"
    text = dialog.details.toPlainText()
    assert text.startswith("Creatify answered 502: upstream timed out")  # the real detail first
    assert "PySide6" in text  # and the versions
    # The details have room to be read: more than a line or two.
    qtbot.waitUntil(lambda: dialog.details.viewport().height() > 4 * dialog.fontMetrics().height())
    show.click()
    assert not dialog.details.isVisible() and show.text() == "Show details"
    assert dialog.message.geometry().top() <= dialog.layout().contentsMargins().top() + 2
    dialog.close()


def test_check_my_setup_in_the_demo_says_what_the_demo_and_my_account_need(qtbot, open_window) -> None:
    window = open_window(demo=True)
    window.open_settings()
    dialog = window.settings_dialog
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.report_box is not None and dialog.report_box.isVisible(), timeout=30_000)
    box = dialog.report_box
    said = f"{dialog.status.text()}\n{box.text()}\n{box.informativeText()}\n{box.detailedText()}"
    assert "problem" not in said.lower(), said  # no alarm: the demo needs no keys and no sharing
    assert box.icon() == QMessageBox.Icon.Information
    assert "demo" in box.text().lower()
    assert "My account" in box.informativeText()  # ...and what My account will need, later
    assert "Creatify keys" in box.informativeText()
    assert not re.search(r"\((\w+ )?Keyring\)|\(\w+Error\)", said), said  # no class names
    box.close()
    dialog.reject()


SCRIPT_21 = " ".join(["Fresh bread every morning and cakes for every party, always."] * 2 + ["Welcome."])


def test_a_script_job_says_one_length_and_its_whole_cost_everywhere(qtbot, open_window, make_sandbox) -> None:
    sb: Sandbox = make_sandbox("--job-seconds", "1")
    window = open_window(sb)
    panel, script = open_script_tab(qtbot, window)
    assert drop_files(panel.image_zone, SAMPLE_IMAGE)
    pick(qtbot, script, "ava british")
    qtbot.keyClicks(script.editor, SCRIPT_21)
    seconds = len(SCRIPT_21.split()) * 0.4  # the sandbox speaks at 150 words a minute: 8.4 s
    assert seconds == pytest.approx(8.4)
    qtbot.waitUntil(lambda: "Remaining credits: 1000" in panel.price.text(), timeout=10_000)
    # One figure, one rounding: whole seconds, rounded up, as billed (9), in the editor and the price.
    assert "about 9 seconds of speech" in script.count.text(), script.count.text()
    assert "about 9 s of speech" in panel.price.text(), panel.price.text()
    speech, video = speech_credits(seconds), cost_credits("aurora_v1", seconds)
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=10_000)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.model.jobs()) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: only_job(window).state is State.SAVED, timeout=60_000)
    job = only_job(window)
    assert job.credits_used == video and job.speech_credits == speech
    # The library row says all the video cost: the voice and the video.
    row = detail_text(job)
    assert f"{credits_text(speech + video)} credits" in row, row
    assert f"credits {credits_text(speech + video)}" in job_report(job, [])


def test_try_again_with_too_few_credits_says_so_first_and_offers_the_model_that_fits(
    qtbot, open_window, make_sandbox
) -> None:
    sb: Sandbox = make_sandbox("--credits", "10", "--job-seconds", "1")
    sb.fault(kind="status", status=404, body={"detail": "gone"}, method="GET", path="/sandbox/files/", times=1)
    window = open_window(sb)
    panel = window.create_panel
    drop_files(panel, SAMPLE_IMAGE, SAMPLE_AUDIO)  # 7.6 s: 8 credits on Aurora v1
    qtbot.waitUntil(panel.generate_button.isEnabled, timeout=10_000)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.model.jobs()) == 1 and only_job(window).state is State.FAILED, timeout=30_000)
    failed = only_job(window)
    # Another video on Aurora v1 Fast spends 4 of the 10 credits: 6 are left, the first needs 8.
    panel.set_model("aurora_v1_fast")
    qtbot.waitUntil(panel.generate_button.isEnabled, timeout=10_000)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(j.state is State.SAVED for j in window.model.jobs()), timeout=30_000)
    qtbot.waitUntil(lambda: panel.remaining == 6, timeout=10_000)
    asked = sb.stats()["jobs"]

    window.library.actionRequested.emit(LibraryAction.RETRY, window.model.job(failed.id))
    qtbot.waitUntil(lambda: shown_box(window, "Not enough credits") is not None, timeout=5_000)
    box = shown_box(window, "Not enough credits")
    assert "8 credits" in box.text() and "you have 6" in box.text()
    assert "Aurora v1 Fast would cost 4: switch?" in box.text()
    qtbot.wait(300)
    assert sb.stats()["jobs"] == asked  # nothing was sent before the user answered
    [switch] = [b for b in box.buttons() if b.text() == "Switch to Aurora v1 Fast"]
    switch.click()
    qtbot.waitUntil(lambda: window.model.job(failed.id).state is State.SAVED, timeout=30_000)
    assert window.model.job(failed.id).model == "aurora_v1_fast"
    assert sb.stats()["remaining_credits"] == 2


def test_another_take_is_asked_when_what_is_sent_is_the_same_not_when_advanced_was_merely_opened(
    qtbot, open_window, make_sandbox
) -> None:
    sb: Sandbox = make_sandbox("--job-seconds", "1")
    window = open_window(sb)
    panel = window.create_panel
    assert drop_files(panel, SAMPLE_IMAGE, SAMPLE_AUDIO)
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled() and panel.remaining is not None, timeout=15_000)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and panel.generate_button.isEnabled(), timeout=15_000)

    # Opening Advanced alone changes nothing that is sent (no prompt, the usual guidance): asked.
    panel.advanced.click()
    assert panel.advanced_options.isVisible()
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown_box(window, "charged again") is not None, timeout=5_000)
    box = shown_box(window, "charged again")
    [cancel] = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole]
    cancel.click()
    qtbot.waitUntil(lambda: shown_box(window, "charged again") is None and panel.generate_button.isEnabled())
    assert window.model.rowCount() == 1

    # A prompt is something sent: a different video, not asked about.
    panel.prompt_edit.setPlainText("warm light, slight smile")
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=15_000)
    assert shown_box(window, "charged again") is None


def test_a_clip_too_long_for_its_model_is_told_every_model_that_takes_it(qtbot, open_window, tmp_path) -> None:
    window = open_window(demo=True)
    panel = window.create_panel
    drop_files(panel, SAMPLE_IMAGE, make_wav(tmp_path / "twenty.wav", 20))
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=15_000)
    panel.set_model("aurora_v2_2k")
    said = panel.reason.text()
    assert "takes clips up to 14 seconds" in said
    for label in ("Aurora v1", "Aurora v1 Fast", "Aurora v2 480p", "Aurora v2 720p", "Aurora v2 1080p"):
        assert label in said, said
    assert "Aurora v2 720p or Aurora v2 1080p (up to 1 minute)" in said


def test_test_connection_with_empty_fields_asks_for_the_keys(qtbot, open_window) -> None:
    window = open_window(demo=True)
    window.open_settings()
    dialog = window.settings_dialog
    dialog.api_id.clear()
    dialog.api_key.clear()
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_result.text() not in ("", "Testing…"), timeout=10_000)
    said = dialog.test_result.text()
    assert "Enter your API ID and API key" in said, said
    assert "internet" not in said and "reach" not in said
    dialog.reject()


def test_keys_rejected_on_the_welcome_page_point_at_its_own_fields(qtbot, open_window, make_sandbox) -> None:
    sb: Sandbox = make_sandbox()
    window = open_window(sb, keys_in_env=False, wait_ready=False)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.welcome, timeout=10_000)
    welcome = window.welcome
    welcome.api_id.setText("not-my-id")
    welcome.api_key.setText("not-my-key")
    qtbot.mouseClick(welcome.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "did not accept" in welcome.status.text(), timeout=15_000)
    said = welcome.status.text()
    assert "Settings →" not in said.replace("Settings → API", "") and "in Settings" not in said, said
    assert "API Dashboard" not in said
    assert "fields above" in said and "Settings → API" in said  # where to copy them from, where to paste


def test_remaining_credits_checking_ends_offline_and_is_checked_again(
    qtbot, open_window, make_sandbox, monkeypatch
) -> None:
    from aurora_desktop.ui import session

    monkeypatch.setattr(session, "CREDITS_RETRY_SECONDS", (1.0,))
    sb: Sandbox = make_sandbox()
    # Every attempt of the first check is cut off (the window's client tries 4 times): as offline.
    sb.fault(kind="drop", method="GET", path="/api/remaining_credits/", times=4)
    window = open_window(sb)
    panel = window.create_panel
    qtbot.waitUntil(lambda: "could not check" in panel.price.text(), timeout=20_000)
    assert "checking…" not in panel.price.text()
    assert "when the connection is back" in panel.price.text()
    # Checked again by itself: the balance shows once Creatify answers.
    qtbot.waitUntil(lambda: "Remaining credits: 1000" in panel.price.text(), timeout=20_000)


def test_a_pasted_file_link_to_an_existing_heic_is_taken_as_that_file(qtbot, open_window, tmp_path) -> None:
    import pillow_heif
    from PIL import Image

    folder = tmp_path / "My photos"
    folder.mkdir()
    path = folder / "IMG_0001.HEIC"
    pillow_heif.from_pillow(Image.new("RGB", (480, 640), (200, 120, 90))).save(str(path), quality=80)
    window = open_window(demo=True)
    panel = window.create_panel
    link = QUrl.fromLocalFile(str(path)).toString(QUrl.ComponentFormattingOption.FullyEncoded)  # …/My%20photos/…
    assert link.startswith("file://") and "%20" in link
    panel.image_zone.link.setText(link)
    panel.image_zone.link.editingFinished.emit()
    qtbot.waitUntil(lambda: panel.image_facts is not None or bool(panel.image_error), timeout=15_000)
    assert panel.image_source == str(path), panel.image_source
    assert not panel.image_error, panel.image_error
    assert "does not exist" not in panel.image_zone.warning.text()


def test_the_price_explains_whole_seconds_once_and_a_4_second_clip_is_billed_4(qtbot, open_window, tmp_path) -> None:
    window = open_window(demo=True)
    panel = window.create_panel
    panel.set_model("aurora_v1")
    drop_files(panel, SAMPLE_IMAGE, SAMPLE_AUDIO)  # 7.6 s
    qtbot.waitUntil(lambda: "will cost 8 credits" in panel.price.text(), timeout=15_000)
    price = panel.price.text()
    assert "(8 s × 1/s; Creatify bills whole seconds, rounded up)" in price, price
    assert price.count("whole seconds") == 1
    panel.set_audio(str(make_wav(tmp_path / "four.wav", 4)))
    qtbot.waitUntil(lambda: "will cost 4 credits" in panel.price.text(), timeout=15_000)
    assert "(4 s × 1/s)" in panel.price.text() and "rounded up" not in panel.price.text()
