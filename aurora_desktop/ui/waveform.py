"""The voice clip's peaks, drawn under the voice drop zone."""

from __future__ import annotations

from array import array

from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget


class Waveform(QWidget):
    """Peaks of the clip, drawn once per resize."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.peaks: list[float] = []
        self.setMinimumHeight(40)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Waveform of the voice clip"))

    def set_samples(self, samples: array[int] | None, bars: int = 160) -> None:
        self.peaks = []
        if samples:
            step = max(1, len(samples) // bars)
            peaks = [
                max(abs(min(samples[i : i + step])), abs(max(samples[i : i + step])))
                for i in range(0, len(samples), step)
            ]
            top = max(peaks) or 1
            self.peaks = [p / top for p in peaks]
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.peaks:
            return
        painter = QPainter(self)
        colour = self.palette().color(QPalette.ColorRole.Highlight)
        w, h = self.width(), self.height()
        bar = w / len(self.peaks)
        for i, peak in enumerate(self.peaks):
            height = max(1, int(peak * (h - 4)))
            painter.fillRect(int(i * bar), (h - height) // 2, max(1, int(bar) - 1), height, colour)
