"""How local files reach Creatify: the inline choice in the create panel and the Quick-links consent.

Creatify takes only links. When a creator picks files from this computer and
no way of sharing them is set up, the create panel says so before Generate,
with the three ways out. Quick links upload to a public temporary host, so
they are never used before the creator has read, once, what is uploaded,
where, who can see it and for how long.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from aurora_desktop.settings import Sharing


class SharingChoice(QFrame):
    """ "How will Creatify get your files?" with Quick link, My own storage, Paste links instead."""

    chosen = Signal(str)  # a Sharing value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sharing-choice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(self.tr("How will Creatify get your files?"))
        title = QLabel(f"<b>{self.tr('How will Creatify get your files?')}</b>", self)
        text = QLabel(
            self.tr(
                "Creatify fetches the photo and the voice from links on the internet, so files on this "
                "computer have to be shared first. Choose one way; you can change it in Settings."
            ),
            self,
        )
        text.setWordWrap(True)
        self.quick = QPushButton(self.tr("Quick link (public for 1 hour)"), self)
        self.quick.setToolTip(self.tr("Upload each file to a free file-sharing service; nothing to set up."))
        self.storage = QPushButton(self.tr("My own storage"), self)
        self.storage.setToolTip(self.tr("Your own bucket (Cloudflare R2, Backblaze B2, Amazon S3, …): private links."))
        self.links = QPushButton(self.tr("Paste links instead"), self)
        self.links.setToolTip(self.tr("Your files are already online: paste their links in the boxes above."))
        self.quick.clicked.connect(lambda: self.chosen.emit(Sharing.QUICK.value))
        self.storage.clicked.connect(lambda: self.chosen.emit(Sharing.STORAGE.value))
        self.links.clicked.connect(lambda: self.chosen.emit(Sharing.LINKS.value))
        row = QHBoxLayout()
        for button in (self.quick, self.storage, self.links):
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addLayout(row)


def consent_text() -> str:
    from aurora_desktop.hosting.quick import configured_hosts  # the uploader (httpx): not at start-up

    hosts = configured_hosts()
    first, others = hosts[0].label, ", ".join(h.label for h in hosts[1:])
    where = f"<b>{first}</b>" + (f" (or, if it is busy, {others})" if others else "")
    return (
        "<p>To let Creatify fetch your files, the app uploads <b>the photo and the voice clip</b> "
        f"of each video to {where}, a free file-sharing service.</p>"
        "<ul>"
        "<li><b>Who can see them:</b> anyone who has the link. The link is long and random and is "
        "given only to Creatify, but the files are not private.</li>"
        "<li><b>For how long:</b> at most 1 hour. Where the service allows it, the app deletes them "
        "once the video is saved (or the job has ended).</li>"
        "<li><b>What is not sent:</b> your name, your file names, your Creatify keys and the photo's "
        "hidden details (where it was taken, the camera, names): only the picture itself.</li>"
        "</ul>"
        "<p>For private links, use your own storage instead (Settings → Sharing).</p>"
    )


def consent_box(parent: QWidget) -> tuple[QMessageBox, QPushButton]:
    """The one-time consent; the caller connects the accept button and opens it (never exec())."""
    box = QMessageBox(parent)
    box.setObjectName("quick-links-consent")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(parent.tr("Share your files with a quick link?"))
    box.setText(parent.tr("Share your files with a quick link?"))
    box.setInformativeText(consent_text())
    accept = box.addButton(parent.tr("Share with quick links"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(parent.tr("Not now"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(accept)
    return box, accept
