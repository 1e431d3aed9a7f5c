"""Settings: account keys (keyring), storage, library, defaults, privacy."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aurora_desktop.api import ApiError, AuroraClient, Credentials
from aurora_desktop.api.catalog import CATALOG
from aurora_desktop.api.client import DEFAULT_BASE_URL
from aurora_desktop.hosting import HostingError
from aurora_desktop.jobs.naming import check_template
from aurora_desktop.secrets import (
    API_ID,
    API_KEY,
    STORAGE_ACCESS_KEY_ID,
    STORAGE_SECRET,
    SecretStore,
    SecretsUnavailable,
)
from aurora_desktop.settings import Settings, StorageSettings
from aurora_desktop.ui.tasks import TaskRunner

KEYS_HELP = (
    "Find both keys on the <b>API Dashboard</b> of your Creatify account "
    "(<a href='https://app.creatify.ai'>app.creatify.ai</a> → API). They are kept in your "
    "system's password store, never in a file."
)


class SettingsDialog(QDialog):
    saved = Signal(object)  # Settings

    def __init__(
        self, settings: Settings, secrets: SecretStore, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.settings = dataclasses.replace(settings, storage=dataclasses.replace(settings.storage))
        self.secrets = secrets
        self.tasks = tasks
        tabs = QTabWidget(self)
        tabs.addTab(self._account_tab(), self.tr("Account"))
        tabs.addTab(self._storage_tab(), self.tr("Storage"))
        tabs.addTab(self._library_tab(), self.tr("Videos"))
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Settings status"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(lambda: self.tasks.spawn(self._save(), key="settings-save"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(620, 460)
        self.tasks.spawn(self._load_secrets(), key="settings-load")

    # ------------------------------------------------------------------ tabs

    def _account_tab(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        help_label = QLabel(self.tr(KEYS_HELP), page)
        help_label.setWordWrap(True)
        help_label.setOpenExternalLinks(True)
        self.api_id = QLineEdit(page)
        self.api_id.setAccessibleName(self.tr("API ID"))
        self.api_key = QLineEdit(page)
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setAccessibleName(self.tr("API key"))
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

    def _storage_tab(self) -> QWidget:
        from aurora_desktop.hosting.s3 import PROVIDERS

        page = QWidget(self)
        form = QFormLayout(page)
        intro = QLabel(
            self.tr(
                "Creatify fetches your photo and voice from a link. Local files are uploaded to "
                "your own bucket and shared through private links that expire."
            ),
            page,
        )
        intro.setWordWrap(True)
        st = self.settings.storage
        self.provider = QComboBox(page)
        self.provider.addItem(self.tr("Not set up (paste links instead)"), "")
        for p in PROVIDERS:
            self.provider.addItem(p.label, p.key)
        self.provider.setCurrentIndex(max(0, self.provider.findData(st.provider)))
        self.bucket = QLineEdit(st.bucket, page)
        self.region = QLineEdit(st.region, page)
        self.endpoint = QLineEdit(st.endpoint, page)
        self.endpoint.setPlaceholderText(self.tr("only for MinIO or a custom address"))
        self.account_id = QLineEdit(st.account_id, page)
        self.key_id = QLineEdit(page)
        self.key_secret = QLineEdit(page)
        self.key_secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.lifetime = QDoubleSpinBox(page)
        self.lifetime.setRange(0.5, 168)
        self.lifetime.setValue(st.url_lifetime_hours)
        self.lifetime.setSuffix(self.tr(" hours"))
        self.storage_button = QPushButton(self.tr("Test storage"), page)
        self.storage_button.clicked.connect(lambda: self.tasks.spawn(self._test_storage(), key="settings-storage"))
        self.storage_result = QLabel(page)
        self.storage_result.setWordWrap(True)
        self.storage_result.setAccessibleName(self.tr("Storage test result"))
        form.addRow(intro)
        for label, widget in (
            (self.tr("Provider"), self.provider),
            (self.tr("Bucket"), self.bucket),
            (self.tr("Region"), self.region),
            (self.tr("Endpoint"), self.endpoint),
            (self.tr("Account ID (R2)"), self.account_id),
            (self.tr("Access key ID"), self.key_id),
            (self.tr("Secret access key"), self.key_secret),
            (self.tr("Links last"), self.lifetime),
        ):
            widget.setAccessibleName(label)
            form.addRow(label, widget)
        form.addRow(self.storage_button, self.storage_result)
        return page

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
        form.addRow(self.tr("Default model"), self.default_model)
        form.addRow(self.notifications)
        form.addRow(self.privacy)
        return page

    def _choose_folder(self) -> None:
        dialog = QFileDialog(self, self.tr("Save videos in"))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.fileSelected.connect(self.output_dir.setText)
        dialog.open()

    # ------------------------------------------------------------------ async actions

    async def _load_secrets(self) -> None:
        info = await self.secrets.info()
        self.where.setText(info.backend + ("" if info.system_store or info.session_only else " ✗"))
        if info.problem:
            # keyring's stand-in backends ("fail Keyring") mean nothing to a person: only the problem.
            self.where.setText(f"{info.backend}: {info.problem}" if info.system_store else info.problem)
            self.session_only.setVisible(True)
            return
        try:
            self.api_id.setText(await self.secrets.get(API_ID) or "")
            self.api_key.setText(await self.secrets.get(API_KEY) or "")
            self.key_id.setText(await self.secrets.get(STORAGE_ACCESS_KEY_ID) or "")
            self.key_secret.setText(await self.secrets.get(STORAGE_SECRET) or "")
        except SecretsUnavailable as exc:
            self.where.setText(exc.user_message)
            self.session_only.setVisible(True)

    async def _test_connection(self) -> None:
        self.test_result.setText(self.tr("Testing…"))
        try:
            async with AuroraClient(
                Credentials(self.api_id.text().strip(), self.api_key.text().strip()),
                self.settings.api_base or DEFAULT_BASE_URL,
            ) as client:
                credits = await client.remaining_credits()
        except ApiError as exc:
            self.test_result.setText(exc.user_message)
            return
        self.test_result.setText(self.tr("Connected. Remaining credits: {n:g}.").format(n=credits))

    def _storage_settings(self) -> StorageSettings:
        return StorageSettings(
            provider=self.provider.currentData() or "",
            bucket=self.bucket.text().strip(),
            region=self.region.text().strip(),
            endpoint=self.endpoint.text().strip(),
            account_id=self.account_id.text().strip(),
            prefix=self.settings.storage.prefix,
            url_lifetime_hours=self.lifetime.value(),
        )

    async def _test_storage(self) -> None:
        from aurora_desktop.hosting.s3 import S3Hoster

        self.storage_result.setText(self.tr("Testing…"))
        try:
            hoster = S3Hoster(self._storage_settings(), self.key_id.text().strip(), self.key_secret.text().strip())
            self.storage_result.setText(await hoster.test())
        except HostingError as exc:
            self.storage_result.setText(exc.user_message)

    async def _save(self) -> None:
        template = self.template.text().strip() or "{date} {name}"
        try:
            check_template(template)
        except ValueError as exc:
            self.status.setText(str(exc))
            return
        if self.session_only.isChecked():
            self.secrets.use_session_only()
        try:
            for name, value in (
                (API_ID, self.api_id.text().strip()),
                (API_KEY, self.api_key.text().strip()),
                (STORAGE_ACCESS_KEY_ID, self.key_id.text().strip()),
                (STORAGE_SECRET, self.key_secret.text().strip()),
            ):
                if value:
                    await self.secrets.set(name, value)
                else:
                    await self.secrets.delete(name)
        except SecretsUnavailable as exc:
            self.status.setText(exc.user_message)
            self.session_only.setVisible(True)
            return
        self.settings.storage = self._storage_settings()
        self.settings.output_dir = self.output_dir.text().strip()
        self.settings.filename_template = template
        self.settings.default_model = self.default_model.currentData()
        self.settings.notifications = self.notifications.isChecked()
        self.settings.delete_hosted_inputs = self.privacy.isChecked()
        self.settings.save()
        self.saved.emit(self.settings)
        self.accept()
