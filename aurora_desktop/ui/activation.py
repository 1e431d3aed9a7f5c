"""A second start of the window on the same profile brings the first one to the front.

The first window holds the profile's engine lock (aurora_desktop/instance.py)
and listens on a local socket named after the profile; a second start finds the
lock taken, says "activate" on that socket, and exits.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

MESSAGE = b"activate\n"


class ActivationServer(QObject):
    activated = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        # A socket file left by a crashed run: safe to remove, this process holds the lock.
        QLocalServer.removeServer(name)
        if self._server.listen(name):
            log.info("activation server listening")
        else:
            log.warning("a second start cannot bring this window forward: %s", self._server.errorString())
        self._server.newConnection.connect(self._accept)

    def _accept(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(MESSAGE.strip()):
            log.info("brought to the front by a second start")
            self.activated.emit()
        socket.disconnectFromServer()


def activate_running(name: str, timeout: float = 5.0) -> bool:
    """Ask the window that holds the lock to come forward. It may still be starting
    (lock taken, socket not yet listening), so try for a few seconds."""
    deadline = time.monotonic() + timeout
    while True:
        socket = QLocalSocket()
        socket.connectToServer(name)
        if socket.waitForConnected(500):
            socket.write(MESSAGE)
            sent = socket.waitForBytesWritten(1000)
            socket.disconnectFromServer()
            return sent
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
