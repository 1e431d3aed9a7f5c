"""The guided set-up of "My own storage": numbered steps per provider, only its fields,
checks as you type, and a test that names the step to look at again."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from aurora_desktop.hosting import HostingError
from aurora_desktop.hosting.s3 import PROVIDERS
from aurora_desktop.hosting.storage_guide import GUIDES, Guide, check_field, check_storage
from aurora_desktop.settings import StorageSettings
from aurora_desktop.ui.tasks import TaskRunner

FIELD_LABELS = {
    "account_id": "Account ID",
    "endpoint": "Server address",
    "bucket": "Bucket name",
    "region": "Region",
}


class StorageSetup(QWidget):
    changed = Signal()

    def __init__(self, storage: StorageSettings, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storage-setup")
        self.tasks = tasks
        self.prefix = storage.prefix
        self.lifetime_hours = storage.url_lifetime_hours
        self.provider = QComboBox(self)
        self.provider.setAccessibleName(self.tr("Storage provider"))
        for p in PROVIDERS:
            self.provider.addItem(p.label, p.key)
        self.provider.setCurrentIndex(max(0, self.provider.findData(storage.provider or "r2")))
        self.steps = QLabel(self)
        self.steps.setObjectName("storage-steps")
        self.steps.setWordWrap(True)
        self.steps.setOpenExternalLinks(True)
        self.steps.setAccessibleName(self.tr("Steps"))
        self.inputs: dict[str, QLineEdit] = {}
        self.problems: dict[str, QLabel] = {}
        self.form = QFormLayout(self)
        self.form.addRow(self.tr("Where"), self.provider)
        self.form.addRow(self.steps)
        values = {
            "account_id": storage.account_id,
            "endpoint": storage.endpoint,
            "bucket": storage.bucket,
            "region": storage.region,
            "key_id": "",
            "secret": "",
        }
        for name in ("account_id", "endpoint", "bucket", "region", "key_id", "secret"):
            edit = QLineEdit(values[name], self)
            edit.setObjectName(f"storage-{name}")
            if name == "secret":
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textChanged.connect(lambda _text, n=name: self._check(n))
            problem = QLabel(self)
            problem.setObjectName(f"storage-{name}-problem")
            problem.setProperty("problem", True)
            problem.setWordWrap(True)
            self.inputs[name], self.problems[name] = edit, problem
            self.form.addRow(FIELD_LABELS.get(name, name), edit)
            self.form.addRow("", problem)
        self.test_button = QPushButton(self.tr("Test storage"), self)
        self.test_button.clicked.connect(lambda: self.tasks.spawn(self.test(), key="storage-test"))
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.result.setAccessibleName(self.tr("Storage test result"))
        self.form.addRow(self.test_button, self.result)
        self.provider.currentIndexChanged.connect(lambda _: self._show_provider())
        self._show_provider()

    # ------------------------------------------------------------------ state

    @property
    def guide(self) -> Guide:
        return GUIDES[self.provider.currentData()]

    def set_keys(self, key_id: str, secret: str) -> None:
        self.inputs["key_id"].setText(key_id)
        self.inputs["secret"].setText(secret)

    def key_id(self) -> str:
        return self.inputs["key_id"].text().strip()

    def secret(self) -> str:
        return self.inputs["secret"].text().strip()

    def storage_settings(self) -> StorageSettings:
        needed = self.guide.fields
        value = {n: (self.inputs[n].text().strip() if n in needed else "") for n in self.inputs}
        return StorageSettings(
            provider=self.provider.currentData() or "",
            bucket=value["bucket"],
            region=value["region"],
            endpoint=value["endpoint"],
            account_id=value["account_id"],
            prefix=self.prefix,
            url_lifetime_hours=self.lifetime_hours,
        )

    def problems_now(self) -> dict[str, str]:
        return check_storage(self.storage_settings(), self.key_id(), self.secret())

    def _show_provider(self) -> None:
        guide = self.guide
        items = []
        for step in guide.steps:
            link = f" <a href='{html.escape(step.link)}'>{self.tr('Open')}</a>" if step.link else ""
            items.append(f"<li>{step.text}{link}</li>")
        self.steps.setText(f"<ol style='margin-left: 0'>{''.join(items)}</ol>")
        labels = {"key_id": guide.key_id_label, "secret": guide.secret_label}
        for name, edit in self.inputs.items():
            shown = name in guide.fields
            self.form.setRowVisible(edit, shown)
            self.form.setRowVisible(self.problems[name], shown and bool(self.problems[name].text()))
            label = self.form.labelForField(edit)
            if isinstance(label, QLabel):
                label.setText(self.tr(labels.get(name, FIELD_LABELS.get(name, name))))
            edit.setAccessibleName(labels.get(name, FIELD_LABELS.get(name, name)))
            if shown and edit.text():
                self._check(name)
        self.result.clear()
        self.changed.emit()

    def _check(self, name: str) -> None:
        """As you type: say what does not look right, under the field (empty fields are not nagged)."""
        edit, label = self.inputs[name], self.problems[name]
        text = edit.text()
        problem = check_field(self.provider.currentData(), name, text) if text.strip() else ""
        label.setText(problem)
        self.form.setRowVisible(label, bool(problem) and name in self.guide.fields)
        self.changed.emit()

    async def test(self) -> None:
        from aurora_desktop.hosting.s3 import S3Hoster, StorageTestFailed

        problems = self.problems_now()
        if problems:
            first = next(iter(problems))
            label = FIELD_LABELS.get(first) or (
                self.guide.key_id_label if first == "key_id" else self.guide.secret_label
            )
            self.result.setText(self.tr("Check “{field}”: {problem}").format(field=label, problem=problems[first]))
            return
        self.result.setText(self.tr("Testing…"))
        try:
            hoster = S3Hoster(self.storage_settings(), self.key_id(), self.secret())
            self.result.setText(await hoster.test())
        except StorageTestFailed as exc:
            step = self.guide.step_for(exc.problem)
            where = self.tr(" Look again at step {n}.").format(n=step) if step else ""
            self.result.setText(exc.user_message + where)
        except HostingError as exc:
            self.result.setText(exc.user_message)
