"""First run (and "My account" without keys): connect an account right here, or try the demo.

The keys are entered on this page, not in a dialog behind it: pasting "ID:key"
and pressing Connect is the whole set-up. The window tests them before
keeping them (in the system's password store) and says what was wrong.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aurora_desktop import APP_NAME
from aurora_desktop.ui import theme
from aurora_desktop.ui.key_fields import complete, key_fields, on_paste

WHERE_KEYS_ARE = (
    "In Creatify, open <b>Settings → API</b> (<a href='https://app.creatify.ai/settings/api'>"
    "app.creatify.ai/settings/api</a>) and copy your <b>API ID</b> and <b>API key</b>. "
    "You can paste both at once as “ID:key”."
)


class WelcomeView(QWidget):
    keysEntered = Signal(str, str)  # API ID, API key: test them and connect
    demoRequested = Signal()
    settingsRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel(f"<h1>{self.tr('Welcome to {app}').format(app=APP_NAME)}</h1>", self)
        intro = QLabel(
            self.tr(
                "Turn a photo and a voice into a talking video. Drop in a portrait and a voice clip, "
                "see the price, and press Generate."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignCenter)

        account = QFrame(self)
        account.setObjectName("welcome-account")
        account.setFrameShape(QFrame.Shape.StyledPanel)
        heading = QLabel(f"<h3>{self.tr('Connect my Creatify account')}</h3>", account)
        where = QLabel(self.tr(WHERE_KEYS_ARE), account)
        where.setWordWrap(True)
        where.setOpenExternalLinks(True)
        self.api_id, self.api_key = key_fields(account)
        on_paste(self.api_id, self._focus_connect_when_both)
        on_paste(self.api_key, self._focus_connect_when_both)
        self.api_key.returnPressed.connect(self._connect)
        self.connect_button = QPushButton(self.tr("Connect"), account)
        self.connect_button.setMinimumHeight(40)
        self.connect_button.setDefault(True)
        self.connect_button.setObjectName("primary")
        self.connect_button.clicked.connect(self._connect)
        self.status = QLabel(account)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Connection status"))
        more = QLabel(f"<a href='#settings'>{self.tr('More settings…')}</a>", account)
        more.linkActivated.connect(lambda _: self.settingsRequested.emit())
        for link in (where, more):
            theme.keep_links_readable(link)  # the link's colour follows a live light/dark switch
        form = QFormLayout()
        form.addRow(self.tr("API ID"), self.api_id)
        form.addRow(self.tr("API key"), self.api_key)
        column = QVBoxLayout(account)
        column.addWidget(heading)
        column.addWidget(where)
        column.addLayout(form)
        column.addWidget(self.connect_button)
        column.addWidget(self.status)
        column.addStretch(1)
        column.addWidget(more)

        demo = QFrame(self)
        demo.setObjectName("welcome-demo")
        demo.setFrameShape(QFrame.Shape.StyledPanel)
        demo_heading = QLabel(f"<h3>{self.tr('Try the demo')}</h3>", demo)
        demo_text = QLabel(
            self.tr(
                "A stand-in on this computer makes simple videos from a sample portrait and voice, "
                "or from your own files. Nothing is uploaded and nothing is spent. You can switch "
                "between the demo and your account at any time, at the top of the window."
            ),
            demo,
        )
        demo_text.setWordWrap(True)
        self.demo_button = QPushButton(self.tr("Try the demo"), demo)
        self.demo_button.setMinimumHeight(40)
        self.demo_button.clicked.connect(self.demoRequested.emit)
        demo_column = QVBoxLayout(demo)
        demo_column.addWidget(demo_heading)
        demo_column.addWidget(demo_text)
        demo_column.addWidget(self.demo_button)
        demo_column.addStretch(1)

        columns = QHBoxLayout()
        columns.addWidget(account, 3)
        columns.addWidget(demo, 2)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(intro)
        layout.addSpacing(24)
        layout.addLayout(columns)
        layout.addStretch(2)
        layout.setContentsMargins(60, 30, 60, 30)

    def _focus_connect_when_both(self) -> None:
        # Only after a paste (never a keystroke, which would cut the typing short).
        pasted_here = self.api_id.hasFocus() or self.api_key.hasFocus()
        if self.api_id.text().strip() and self.api_key.text().strip() and pasted_here:
            self.connect_button.setFocus()  # both are in: the next step is Connect

    def _connect(self) -> None:
        complete(self.api_id, self.api_key)
        api_id, api_key = self.api_id.text().strip(), self.api_key.text().strip()
        if not api_id or not api_key:
            self.show_status(self.tr("Enter both the API ID and the API key."), problem=True)
            return
        self.keysEntered.emit(api_id, api_key)

    def set_busy(self, busy: bool) -> None:
        self.connect_button.setEnabled(not busy)
        if busy:
            self.show_status(self.tr("Checking your keys with Creatify…"))

    def show_rejected(self) -> None:
        """Creatify refused the keys typed here: the fields to fix are on this page."""
        self.show_status(
            self.tr(
                "Creatify did not accept this API ID and key. Copy both again from Settings → API in your "
                "Creatify account (link above), paste them in the fields above, then press Connect."
            ),
            problem=True,
        )

    def show_status(self, text: str, *, problem: bool = False) -> None:
        self.status.setText(text)
        theme.set_state(self.status, "problem", problem)
