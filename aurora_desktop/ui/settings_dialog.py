"""Settings: account keys (keyring), sharing of local files, library, defaults, privacy."""

from __future__ import annotations

import dataclasses
import html
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aurora_desktop import endpoint, paths
from aurora_desktop.api import ApiError, AuthError, Credentials
from aurora_desktop.api.catalog import CATALOG
from aurora_desktop.api.client import credits_with
from aurora_desktop.api.errors import as_test_result
from aurora_desktop.formatting import credits_text
from aurora_desktop.jobs.naming import check_template, video_stem
from aurora_desktop.secrets import (
    API_ID,
    API_KEY,
    STORAGE_ACCESS_KEY_ID,
    STORAGE_SECRET,
    SecretStore,
    SecretsUnavailable,
)
from aurora_desktop.settings import Settings, Sharing
from aurora_desktop.ui import theme
from aurora_desktop.ui.key_fields import key_fields
from aurora_desktop.ui.sharing import consent_text
from aurora_desktop.ui.storage_setup import StorageSetup
from aurora_desktop.ui.tasks import TaskRunner
from aurora_desktop.ui.welcome import WHERE_KEYS_ARE

KEPT_WHERE = "They are kept in your system's password store, never in a file."


class SettingsDialog(QDialog):
    saved = Signal(object, bool)  # Settings, whether the account keys were just tested and work

    def __init__(
        self,
        settings: Settings,
        secrets: SecretStore,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        *,
        api_base: str = "",
        tab: str = "",
        demo: bool = False,
    ) -> None:
        super().__init__(parent)
        self.demo = demo  # "Check my setup" says what the demo needs, and what My account will need
        self.setWindowTitle(self.tr("Settings"))
        self.settings = dataclasses.replace(settings, storage=dataclasses.replace(settings.storage))
        self.secrets = secrets
        self.tasks = tasks
        self.api_base, _ = endpoint.address(api_base, settings)
        self._loaded_keys: tuple[str, str] = ("", "")
        self._loaded_secrets: dict[str, str] = {}  # as read: only what changed is written
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._account_tab(), self.tr("Account"))
        self.tabs.addTab(self._sharing_tab(), self.tr("Sharing"))
        self.tabs.addTab(self._library_tab(), self.tr("Videos"))
        self.tabs.setCurrentIndex({"account": 0, "sharing": 1, "storage": 1, "videos": 2}.get(tab, 0))
        if tab == "storage":  # "Use my own storage" (a job's remedy): that choice, its form open
            self.sharing_storage.setChecked(True)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Settings status"))
        self.check_button = QPushButton(self.tr("Check my setup"), self)
        self.check_button.setToolTip(self.tr("Keys, Creatify, sharing of files, folders and disk, one line each"))
        self.check_button.clicked.connect(lambda: self.tasks.spawn(self._check_setup(), key="settings-doctor"))
        self.report_box: QMessageBox | None = None
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(lambda: self.tasks.spawn(self._save(), key="settings-save"))
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.check_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        self.resize(680, 620)
        self.tasks.spawn(self._load_secrets(), key="settings-load")

    # ------------------------------------------------------------------ tabs

    def _account_tab(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        help_label = QLabel(self.tr(WHERE_KEYS_ARE) + " " + self.tr(KEPT_WHERE), page)
        help_label.setWordWrap(True)
        help_label.setOpenExternalLinks(True)
        self.api_id, self.api_key = key_fields(page)
        self.test_button = QPushButton(self.tr("Test connection"), page)
        self.test_button.clicked.connect(lambda: self.tasks.spawn(self._test_connection(), key="settings-test"))
        self.test_result = QLabel(page)
        self.test_result.setWordWrap(True)
        self.test_result.setAccessibleName(self.tr("Connection test result"))
        self.where = QLabel(page)
        self.where.setWordWrap(True)
        self.session_only = QCheckBox(self.tr("Keep my keys for this session only"), page)
        self.session_only.setVisible(False)
        form.addRow(help_label)
        form.addRow(self.tr("API ID"), self.api_id)
        form.addRow(self.tr("API key"), self.api_key)
        form.addRow(self.test_button, self.test_result)
        form.addRow(self.tr("Stored in"), self.where)
        form.addRow(self.session_only)
        return page

    def _sharing_tab(self) -> QWidget:
        page = QWidget(self)
        intro = QLabel(
            self.tr(
                "Creatify fetches your photo and voice from links on the internet. Choose how files "
                "on this computer get there."
            ),
            page,
        )
        intro.setWordWrap(True)
        self.sharing_quick = QRadioButton(self.tr("Quick links: public for up to 1 hour, nothing to set up"), page)
        self.quick_terms = QLabel(consent_text(), page)
        self.quick_terms.setObjectName("quick-terms")
        self.quick_terms.setWordWrap(True)
        self.sharing_storage = QRadioButton(self.tr("My own storage: private links from your own bucket"), page)
        self.storage_setup = StorageSetup(self.settings.storage, self.tasks, page)
        self.sharing_links = QRadioButton(self.tr("Paste links: no uploads; my files are already online"), page)
        group = QButtonGroup(page)
        for button in (self.sharing_quick, self.sharing_storage, self.sharing_links):
            group.addButton(button)
            button.toggled.connect(lambda _on: self._show_sharing())
        # Nothing is ticked until the user chooses: saving other settings never opts into uploads.
        chosen = {
            Sharing.QUICK: self.sharing_quick,
            Sharing.STORAGE: self.sharing_storage,
            Sharing.LINKS: self.sharing_links,
        }.get(self.settings.sharing_choice)
        if chosen is not None:
            chosen.setChecked(True)
        inner = QWidget(page)
        layout = QVBoxLayout(inner)
        layout.addWidget(intro)
        layout.addWidget(self.sharing_quick)
        layout.addWidget(self.quick_terms)
        layout.addWidget(self.sharing_storage)
        layout.addWidget(self.storage_setup)
        layout.addWidget(self.sharing_links)
        layout.addStretch(1)
        scroll = QScrollArea(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._show_sharing()
        return page

    def _show_sharing(self) -> None:
        self.quick_terms.setVisible(self.sharing_quick.isChecked())
        self.storage_setup.setVisible(self.sharing_storage.isChecked())

    def sharing_choice(self) -> Sharing:
        if self.sharing_quick.isChecked():
            return Sharing.QUICK
        if self.sharing_storage.isChecked():
            return Sharing.STORAGE
        if self.sharing_links.isChecked():
            return Sharing.LINKS
        return Sharing.UNSET

    def _library_tab(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.output_dir = QLineEdit(self.settings.output_dir, page)
        self.output_dir.setPlaceholderText(str(self.settings.library_dir()))
        browse = QPushButton(self.tr("Choose…"), page)
        browse.clicked.connect(self._choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.output_dir, 1)
        row.addWidget(browse)
        self.template = QLineEdit(self.settings.filename_template, page)
        self.template.setToolTip(self.tr("Fields: {date} {time} {name} {model} {id}"))
        self.template_example = QLabel(page)
        self.template_example.setObjectName("muted")
        self.template.textChanged.connect(self._show_example)
        self._show_example(self.template.text())
        self.default_model = QComboBox(page)
        for spec in CATALOG:
            self.default_model.addItem(spec.label, spec.key)
        self.default_model.setCurrentIndex(max(0, self.default_model.findData(self.settings.default_model)))
        self.notifications = QCheckBox(self.tr("Tell me when a video is ready or fails"), page)
        self.notifications.setChecked(self.settings.notifications)
        self.privacy = QCheckBox(self.tr("Delete my uploaded photo and voice once the video is saved"), page)
        self.privacy.setChecked(self.settings.delete_hosted_inputs)
        form.addRow(self.tr("Save videos in"), row)
        form.addRow(self.tr("File names"), self.template)
        form.addRow("", self.template_example)
        form.addRow(self.tr("Default model"), self.default_model)
        self.background = QPushButton(page)
        self.background.setAccessibleName(self.tr("Fill transparent photo backgrounds with"))
        self.background.clicked.connect(self._choose_background)
        self._show_background(self.settings.photo_background)
        form.addRow(self.tr("Transparent photos"), self.background)
        self.appearance = QComboBox(page)
        self.appearance.setAccessibleName(self.tr("Appearance"))
        for key, label in (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")):
            self.appearance.addItem(self.tr(label), key)
        self.appearance.setCurrentIndex(max(0, self.appearance.findData(self.settings.theme)))
        form.addRow(self.tr("Appearance"), self.appearance)
        form.addRow(self.notifications)
        self.check_updates = QCheckBox(self.tr("Check for a new version once a week"), page)
        self.check_updates.setChecked(self.settings.check_updates)
        form.addRow(self.check_updates)
        form.addRow(self.privacy)
        return page

    def _show_example(self, template: str) -> None:
        """What a file will be called, as the template is typed."""
        from datetime import datetime

        template = template.strip() or "{date} {name}"
        try:
            check_template(template)
        except ValueError as exc:
            self.template_example.setText(str(exc))
            theme.set_state(self.template_example, "problem", True)
            return
        stem = video_stem(template, name="Spring sale", model="aurora_v1", job_id="1a2b3c4d", when=datetime.now())
        self.template_example.setText(self.tr("For example: {file}").format(file=f"{stem}.mp4"))
        theme.set_state(self.template_example, "problem", False)

    def _show_background(self, colour: str) -> None:
        self.background_colour = colour
        self.background.setText(self.tr("Fill with {colour}").format(colour=colour))
        self.background.setStyleSheet(
            f"QPushButton {{ background: {colour}; color: {'#000' if QColor(colour).lightness() > 128 else '#fff'}; }}"
        )

    def _choose_background(self) -> None:
        dialog = QColorDialog(QColor(self.background_colour), self)
        dialog.setWindowTitle(self.tr("Fill transparent photo backgrounds with"))
        dialog.colorSelected.connect(lambda colour: self._show_background(colour.name()))
        dialog.open()
        self.colour_dialog = dialog

    def _choose_folder(self) -> None:
        dialog = QFileDialog(self, self.tr("Save videos in"))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.fileSelected.connect(self.output_dir.setText)
        dialog.open()

    # ------------------------------------------------------------------ async actions

    async def _load_secrets(self) -> None:
        info = await self.secrets.info()
        self.where.setText(
            self.tr("your system's password manager ({name})").format(name=info.backend)
            if info.system_store
            else self.tr("this session only (not saved)")
            if info.session_only
            else info.backend
        )
        if info.problem:
            # The problem names the OS's store itself (secrets.py); keyring's stand-ins ("fail Keyring")
            # mean nothing to a person: only the problem.
            self.where.setText(info.problem)
            self.session_only.setVisible(True)
            return
        try:
            self.api_id.setText(await self.secrets.get(API_ID) or "")
            self.api_key.setText(await self.secrets.get(API_KEY) or "")
            self.storage_setup.set_keys(
                await self.secrets.get(STORAGE_ACCESS_KEY_ID) or "", await self.secrets.get(STORAGE_SECRET) or ""
            )
        except SecretsUnavailable as exc:
            self.where.setText(exc.user_message)
            self.session_only.setVisible(True)
        self._loaded_keys = (self.api_id.text().strip(), self.api_key.text().strip())
        self._loaded_secrets = {
            API_ID: self._loaded_keys[0],
            API_KEY: self._loaded_keys[1],
            STORAGE_ACCESS_KEY_ID: self.storage_setup.key_id(),
            STORAGE_SECRET: self.storage_setup.secret(),
        }

    async def _test_keys(self) -> Decimal:
        return await credits_with(Credentials(self.api_id.text().strip(), self.api_key.text().strip()), self.api_base)

    async def _test_connection(self) -> None:
        if not (self.api_id.text().strip() and self.api_key.text().strip()):
            # Nothing to test yet: ask for the keys, never a network problem.
            self.test_result.setText(
                self.tr("Enter your API ID and API key first (in Creatify: Settings → API), then test.")
            )
            return
        self.test_result.setText(self.tr("Testing…"))
        try:
            credits = await self._test_keys()
        except ApiError as exc:
            self.test_result.setText(as_test_result(exc))
            return
        self.test_result.setText(self.tr("Connected. Remaining credits: {n}.").format(n=credits_text(credits)))

    async def _check_setup(self) -> None:
        from aurora_desktop import doctor

        self.status.setText(self.tr("Checking your setup…"))
        self.check_button.setEnabled(False)
        try:
            checks = await doctor.run_checks(
                settings=self.settings, secrets=self.secrets, api_base=self.api_base, demo=self.demo
            )
        finally:
            self.check_button.setEnabled(True)
        report = doctor.as_text(checks)
        doctor.remember(report)
        problems = sum(c.problem for c in checks)
        later = [c for c in checks if c.later]
        if problems:
            summary = (
                self.tr("One thing needs a look; see the report.")
                if problems == 1
                else self.tr("{n} things need a look; see the report.").format(n=problems)
            )
            heading = self.tr("Some things need a look:")
        elif self.demo:
            summary = heading = self.tr("The demo has all it needs: you can make demo videos now.")
        else:
            summary, heading = self.tr("All is well."), self.tr("All is well: you can make videos.")
        self.status.setText(summary)
        box = QMessageBox(
            QMessageBox.Icon.Warning if problems else QMessageBox.Icon.Information,
            self.tr("Check my setup"),
            heading,
            QMessageBox.StandardButton.Close,
            self,
        )
        box.setObjectName("setup-report")
        box.setDetailedText(report)
        now = "<br>".join(
            f"{'✔' if c.ok else '✘'} <b>{html.escape(c.name)}</b>: {html.escape(c.text)}"
            + (f"<br>&nbsp;&nbsp;→ {html.escape(c.fix)}" if c.problem and c.fix else "")
            for c in checks
            if not c.later
        )
        if later:
            now += "<br><br>" + self.tr("<b>For My account</b> (not needed for the demo), you will need:") + "<br>"
            now += "<br>".join(f"• <b>{html.escape(c.name)}</b>: {html.escape(c.fix or c.text)}" for c in later)
        box.setInformativeText(now)
        copy = box.addButton(self.tr("Copy report"), QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()  # copying must not close the box
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(report))
        box.open()
        self.report_box = box

    async def _save(self) -> None:
        template = self.template.text().strip() or "{date} {name}"
        try:
            check_template(template)
        except ValueError as exc:
            self.status.setText(str(exc))
            return
        folder = self.output_dir.text().strip()
        if folder and (problem := paths.folder_problem(Path(folder).expanduser())):
            self.status.setText(
                self.tr("Videos cannot be saved in {folder}: {problem}.").format(folder=folder, problem=problem)
            )
            return
        sharing = self.sharing_choice()
        if sharing is Sharing.STORAGE:
            problems = self.storage_setup.problems_now()
            if problems:
                self.tabs.setCurrentIndex(1)
                self.status.setText(self.tr("Check the storage fields marked in red, or choose another way."))
                return
        keys = (self.api_id.text().strip(), self.api_key.text().strip())
        keys_work = False
        if all(keys) and keys != self._loaded_keys:
            # Tested on Save: wrong keys are said now, not at the next video.
            self.save_button.setEnabled(False)
            self.status.setText(self.tr("Checking your keys with Creatify…"))
            try:
                credits = await self._test_keys()
            except AuthError as exc:
                self.tabs.setCurrentIndex(0)
                self.status.setText(exc.user_message)
                self.test_result.setText(exc.user_message)
                return
            except ApiError as exc:  # unreachable now: keep them anyway, say so
                self.test_result.setText(as_test_result(exc))
            else:
                keys_work = True
                self.test_result.setText(self.tr("Connected. Remaining credits: {n}.").format(n=credits_text(credits)))
            finally:
                self.save_button.setEnabled(True)
        if self.session_only.isChecked():
            self.secrets.use_session_only()
        try:
            for name, value in (
                (API_ID, keys[0]),
                (API_KEY, keys[1]),
                # Kept when another way is chosen, so switching back needs no retyping.
                (STORAGE_ACCESS_KEY_ID, self.storage_setup.key_id()),
                (STORAGE_SECRET, self.storage_setup.secret()),
            ):
                if value == self._loaded_secrets.get(name, ""):
                    continue  # unchanged: no keyring call (changing the theme works without one)
                if value:
                    await self.secrets.set(name, value)
                else:
                    await self.secrets.delete(name)
        except SecretsUnavailable as exc:
            self.status.setText(exc.user_message)
            self.session_only.setVisible(True)
            return
        self.settings.sharing = sharing
        if sharing is Sharing.QUICK:
            self.settings.quick_links_consent = True  # the terms were on screen with the choice
        if sharing is Sharing.STORAGE:
            self.settings.storage = self.storage_setup.storage_settings()
        self.settings.output_dir = self.output_dir.text().strip()
        self.settings.filename_template = template
        self.settings.default_model = self.default_model.currentData()
        self.settings.notifications = self.notifications.isChecked()
        self.settings.check_updates = self.check_updates.isChecked()
        self.settings.delete_hosted_inputs = self.privacy.isChecked()
        self.settings.photo_background = self.background_colour
        self.settings.theme = self.appearance.currentData()
        self.settings.save()
        self.saved.emit(self.settings, keys_work)
        self.accept()
