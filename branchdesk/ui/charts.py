"""Two small charts painted with QPainter (no chart module: keeps the bundle small)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR = QColor("#c0392b")
GRID = QColor("#dddddd")
TEXT = QColor("#333333")


class BarChart(QWidget):
    """Twelve monthly bars with a title; values may be None (nothing that month)."""

    def __init__(self, title: str, *, percent: bool = False, parent=None):
        super().__init__(parent)
        self.title = title
        self.percent = percent
        self.values: list[float | None] = [None] * 12
        self.setMinimumSize(240, 150)  # two side by side under the 工作台 grid at 1024 pixels
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_values(self, values: list[float | None]) -> None:
        self.values = list(values)
        self.update()

    def _maximum(self) -> float:
        if self.percent:
            return 1.0
        return max([v for v in self.values if v is not None] + [1])

    def _label(self, value: float) -> str:
        return f"{value * 100:.0f}%" if self.percent else f"{value:g}"

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        line = metrics.height()
        painter.setPen(TEXT)
        painter.drawText(QRectF(0, 0, self.width(), line + 4), Qt.AlignmentFlag.AlignCenter, self.title)
        plot = QRectF(8, 2 * line + 10, self.width() - 16, self.height() - 3 * line - 18)
        self._grid(painter, plot)
        self._bars(painter, plot, line)

    def _fit_labels(self, painter: QPainter, slot: float) -> None:
        """A smaller font for the month and value labels when the widest would overlap its
        neighbours (a narrow window); never below three quarters of the normal size."""
        widest = max(["12月"] + [self._label(v) for v in self.values if v is not None],
                     key=painter.fontMetrics().horizontalAdvance)
        font = painter.font()
        normal = font.pointSizeF()
        while (painter.fontMetrics().horizontalAdvance(widest) > slot - 2
               and font.pointSizeF() > normal * 0.75):
            font.setPointSizeF(font.pointSizeF() - 0.5)
            painter.setFont(font)

    def _grid(self, painter: QPainter, plot: QRectF) -> None:
        painter.setPen(QPen(GRID, 1))
        for step in range(5):
            y = plot.bottom() - plot.height() * step / 4
            painter.drawLine(plot.left(), y, plot.right(), y)

    def _bars(self, painter: QPainter, plot: QRectF, line: int) -> None:
        slot = plot.width() / 12
        top = self._maximum()
        self._fit_labels(painter, slot)
        for index, value in enumerate(self.values):
            x = plot.left() + slot * index
            painter.setPen(TEXT)
            painter.drawText(QRectF(x, plot.bottom() + 2, slot, line), Qt.AlignmentFlag.AlignCenter,
                             f"{index + 1}月")
            if value is None:
                continue
            height = plot.height() * (value / top if top else 0)
            bar = QRectF(x + slot * 0.2, plot.bottom() - height, slot * 0.6, height)
            painter.fillRect(bar, BAR)
            painter.drawText(QRectF(x, bar.top() - line, slot, line), Qt.AlignmentFlag.AlignCenter,
                             self._label(value))
