"""A QR code drawn crisp: black modules on white, each a whole number of pixels, with the quiet
zone a phone's camera needs around it.

segno makes the symbol (pure Python, no image library); the widget scales its modules by the
largest whole factor that fits its side, so no module is blurred between two pixel columns.
"""

from __future__ import annotations

import segno
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

# A side a phone reads from arm's length on a register's screen: an enrollment code (QR
# version 1, 21 modules and the quiet zone) is drawn 7 px a module, 203 px.
QR_SIDE_PX = 208
# The white margin around the symbol, in modules, that QR readers expect.
QUIET_ZONE = 4


def qr_image(text: str, side_px: int = QR_SIDE_PX) -> QImage:
    """``text`` as a QR code image at most ``side_px`` square, modules whole pixels."""
    symbol = segno.make(text, micro=False)
    rows = list(symbol.matrix_iter(border=QUIET_ZONE))
    modules = len(rows)
    image = QImage(modules, modules, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    black = QColor("black").rgb()
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                image.setPixel(x, y, black)
    side = modules * max(1, side_px // modules)
    # Nearest-pixel scaling by a whole factor: every module an exact square.
    return image.scaled(
        side,
        side,
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.FastTransformation,
    )


class QrCode(QLabel):
    """Shows one text as a QR code; empty until ``show_text``."""

    def __init__(self, name: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setFixedSize(QR_SIDE_PX, QR_SIDE_PX)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("background: white;")
        self._text = ""

    @property
    def text_shown(self) -> str:
        return self._text

    def show_text(self, text: str) -> None:
        self._text = text
        self.setPixmap(QPixmap.fromImage(qr_image(text, QR_SIDE_PX)))

    def clear(self) -> None:
        self._text = ""
        super().clear()
