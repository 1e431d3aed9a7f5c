"""Painting must not leak: PySide6 6.12.0 on Python 3.11 dropped a reference to None on every
QPainter call, so the library's painting crashed the app ("deallocating None") after a few
minutes of running jobs. Found by bench_responsive.py; pinned away in pyproject.toml."""

from __future__ import annotations

import sys

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap


def test_painter_calls_keep_none_alive(qapp) -> None:
    pixmap = QPixmap(64, 64)
    painter = QPainter(pixmap)
    pen, colour, rect = QPen(QColor("#5a4bd6"), 1.5), QColor("#ffffff"), QRectF(2, 2, 40, 20)
    before = sys.getrefcount(None)
    for _ in range(5000):
        painter.setPen(pen)
        painter.setBrush(colour)
        painter.drawRoundedRect(rect, 6, 6)
    drift = sys.getrefcount(None) - before
    painter.end()
    assert abs(drift) < 100, f"None lost {-drift} references in 15,000 QPainter calls"
