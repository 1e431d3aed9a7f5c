"""The two fields for Creatify's API ID and key, as the welcome page and Settings both show them.

Creators copy the two values from Creatify's API page, often together: "ID:key"
(or the two header lines of Creatify's examples) pasted into the first field
fills both.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLineEdit, QWidget

from aurora_desktop.secrets import parse_pasted_keys


def key_fields(parent: QWidget) -> tuple[QLineEdit, QLineEdit]:
    tr = QCoreApplication.translate
    api_id = QLineEdit(parent)
    api_id.setAccessibleName(tr("Keys", "API ID"))
    api_id.setPlaceholderText(tr("Keys", "API ID (or paste ID:key)"))
    api_key = QLineEdit(parent)
    api_key.setAccessibleName(tr("Keys", "API key"))
    api_key.setEchoMode(QLineEdit.EchoMode.Password)
    api_key.setPlaceholderText(tr("Keys", "API key"))

    def split_pasted(text: str) -> None:
        pair = parse_pasted_keys(text)
        if pair is not None:
            api_id.setText(pair[0])  # re-enters here with one value: no loop
            api_key.setText(pair[1])

    api_id.textChanged.connect(split_pasted)
    return api_id, api_key
