"""Rename: says what it renames (the video's name in the library) and offers to rename its file
on disk too, with its details (sidecar) and transcript. The renaming itself is the engine's
(`Engine.rename(..., file=True)`, by jobs/saving.rename_video's rules)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from aurora_desktop.jobs.blockers import NAME_LIMIT
from aurora_desktop.jobs.model import LocalJob, State


class RenameDialog(QDialog):
    chosen = Signal(str, bool)  # the new name; whether the file on disk is renamed too

    def __init__(self, job: LocalJob, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Rename the video in the library"))
        label = QLabel(self.tr("New name for “{name}” in your library:").format(name=job.name), self)
        label.setWordWrap(True)
        self.name_edit = QLineEdit(job.name, self)
        self.name_edit.setMaxLength(NAME_LIMIT)
        self.name_edit.setAccessibleName(self.tr("New name"))
        self.name_edit.selectAll()
        label.setBuddy(self.name_edit)
        video = Path(job.output_path) if job.state is State.SAVED and job.output_path else None
        self.file_box = QCheckBox(self)
        self.file_box.setVisible(video is not None and video.exists())
        if video is not None:
            self.file_box.setText(
                self.tr("Also rename the file “{file}” on disk, with its details and transcript").format(
                    file=video.name
                )
            )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.rename_button = buttons.addButton(self.tr("Rename"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.rename_button.setDefault(True)
        self.name_edit.textChanged.connect(lambda text: self.rename_button.setEnabled(bool(text.strip())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.accepted.connect(lambda: self.chosen.emit(self.name_edit.text(), self.file_box.isChecked()))
        layout = QVBoxLayout(self)
        for widget in (label, self.name_edit, self.file_box, buttons):
            layout.addWidget(widget)
