"""A report's chart (QtCharts): amounts by day or by hour as bars, the gift-card liability over
the days as a line. Drawn from a ``Chart`` of ``report_tables``; the amounts become plain
numbers only here, for the axis to scale (the figures themselves stay ``Money``)."""

from __future__ import annotations

from babel.numbers import get_currency_symbol
from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from pos_desktop.services.report_tables import Chart, ChartKind
from ui.widgets.touch import name_widget

BAR_COLOUR = QColor("#2f80c8")
LINE_COLOUR = QColor("#1f7a4d")
# Past this many labels the axis turns them on their side, so neighbours never overlap.
UPRIGHT_LABELS = 14


def chart_number(chart: Chart, index: int) -> float:
    """The amount at ``index`` in the currency's major unit, for the axis to scale."""
    return float(chart.values[index].to_decimal())


class ReportChartView(QChartView):
    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name_widget(self, object_name, "Report chart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(180)
        self.shown: Chart | None = None

    def show_chart(self, chart: Chart, locale: str) -> None:
        """Draw ``chart``; ``locale`` writes its currency's symbol in the title."""
        self.shown = chart
        drawing = QChart()
        drawing.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        drawing.legend().hide()
        drawing.setMargins(QMargins(4, 4, 4, 4))
        drawing.setBackgroundRoundness(0)
        currency = chart.values[0].currency if chart.values else ""
        symbol = get_currency_symbol(currency, locale=locale) if currency else ""
        drawing.setTitle(f"{chart.title} ({symbol})" if symbol else chart.title)
        title_font = QFont(self.font())
        title_font.setBold(True)
        drawing.setTitleFont(title_font)
        categories = QBarCategoryAxis()
        categories.append(list(chart.labels))
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.85, 9.0))
        categories.setLabelsFont(small)
        if len(chart.labels) > UPRIGHT_LABELS:
            categories.setLabelsAngle(-90)
        amounts = QValueAxis()
        amounts.setLabelsFont(small)
        amounts.setLabelFormat("%.0f")
        numbers = [chart_number(chart, index) for index in range(len(chart.values))]
        series: QBarSeries | QLineSeries = (
            self._bars(numbers) if chart.kind is ChartKind.BARS else self._line(numbers)
        )
        drawing.addSeries(series)
        drawing.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        drawing.addAxis(amounts, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(amounts)
        low = min([0.0, *numbers])
        high = max([0.0, *numbers])
        amounts.setRange(low, high if high > low else low + 1)
        amounts.applyNiceNumbers()
        previous = self.chart()
        self.setChart(drawing)
        if previous is not None:
            previous.deleteLater()

    @staticmethod
    def _bars(numbers: list[float]) -> QBarSeries:
        bars = QBarSet("Amount")
        bars.setColor(BAR_COLOUR)
        bars.setBorderColor(BAR_COLOUR)
        bars.append(numbers)
        series = QBarSeries()
        series.setBarWidth(0.7)
        series.append(bars)
        return series

    @staticmethod
    def _line(numbers: list[float]) -> QLineSeries:
        series = QLineSeries()
        pen = QPen(LINE_COLOUR)
        pen.setWidth(3)
        series.setPen(pen)
        series.setPointsVisible(len(numbers) <= UPRIGHT_LABELS * 2)
        for index, number in enumerate(numbers):
            series.append(float(index), number)
        return series
