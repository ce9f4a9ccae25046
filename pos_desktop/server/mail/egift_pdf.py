"""The e-gift card as a PDF attached to the recipient's mail: an A6 card to print or show at
the till, with the number in groups of 4 and as a Code 128 barcode the scanner reads."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A6, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getFont, registerFont, stringWidth
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

PAGE_WIDTH, PAGE_HEIGHT = landscape(A6)
MARGIN = 9 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
MESSAGE_LINES = 4
# The receipts' folders (pos_desktop.receipts.pdf): Debian's fonts-dejavu-core, then others.
FONT_FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/dejavu-sans-fonts"),
)


@dataclass(frozen=True, slots=True)
class EgiftCard:
    store_name: str
    amount: str  # formatted in the store's locale, e.g. "$25.00"
    card_number: str
    recipient_name: str | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class _Fonts:
    regular: str
    bold: str
    has_code_point: Callable[[int], bool]


@functools.cache
def _fonts() -> _Fonts:
    """DejaVu Sans (any currency sign and name), else Helvetica."""
    for folder in FONT_FOLDERS:
        try:
            regular, bold = (
                _registered("DejaVuSans", folder),
                _registered("DejaVuSans-Bold", folder),
            )
        except TTFError:
            continue
        glyphs = frozenset(regular.face.charToGlyph.keys() & bold.face.charToGlyph.keys())
        return _Fonts("DejaVuSans", "DejaVuSans-Bold", glyphs.__contains__)
    return _Fonts("Helvetica", "Helvetica-Bold", _in_win_ansi)


def _registered(name: str, folder: Path) -> TTFont:
    # The register's receipts register the same fonts at start-up; the embedded server, in the
    # same process, reuses them instead of parsing the files again under the GIL.
    try:
        font = getFont(name)
    except KeyError:
        font = None
    if isinstance(font, TTFont):
        return font
    font = TTFont(name, str(folder / f"{name}.ttf"))
    registerFont(font)
    return font


def _in_win_ansi(code_point: int) -> bool:
    try:
        chr(code_point).encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _drawable(text: str) -> str:
    drawn = _fonts().has_code_point
    return "".join(
        char if drawn(ord(char)) else " " if char.isspace() else "?" for char in text
    ).strip()


def grouped(number: str) -> str:
    """``6035718492055184`` as ``6035 7184 9205 5184``, as printed on the plastic cards."""
    return " ".join(number[start : start + 4] for start in range(0, len(number), 4))


def _fit(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _wrap(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if stringWidth(candidate, font, size) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = _fit(word, font, size, width)
        lines.append(line)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _fit(lines[max_lines - 1] + " …", font, size, width)]
    return lines


def egift_pdf(card: EgiftCard) -> bytes:
    fonts = _fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    canvas.setTitle(f"{card.store_name} gift card")
    canvas.setAuthor(card.store_name)
    left, top = MARGIN, PAGE_HEIGHT - MARGIN

    canvas.setLineWidth(0.8)
    canvas.roundRect(4 * mm, 4 * mm, PAGE_WIDTH - 8 * mm, PAGE_HEIGHT - 8 * mm, 4 * mm)

    store = _fit(_drawable(card.store_name), fonts.bold, 15, CONTENT_WIDTH * 0.6)
    canvas.setFont(fonts.bold, 15)
    canvas.drawString(left, top - 15, store)
    canvas.setFont(fonts.regular, 9)
    canvas.drawString(left, top - 28, "Gift card")
    canvas.setFont(fonts.bold, 22)
    canvas.drawRightString(PAGE_WIDTH - MARGIN, top - 20, _drawable(card.amount))

    y = top - 50
    if card.recipient_name:
        canvas.setFont(fonts.regular, 11)
        recipient = _fit(_drawable(f"For {card.recipient_name}"), fonts.regular, 11, CONTENT_WIDTH)
        canvas.drawString(left, y, recipient)
        y -= 15
    if card.message:
        canvas.setFont(fonts.regular, 9)
        for line in _wrap(_drawable(card.message), fonts.regular, 9, CONTENT_WIDTH, MESSAGE_LINES):
            canvas.drawString(left, y, line)
            y -= 11.5

    barcode = Code128(card.card_number, barHeight=12 * mm, barWidth=0.33 * mm, quiet=False)
    barcode_y = MARGIN + 14
    barcode.drawOn(canvas, (PAGE_WIDTH - barcode.width) / 2, barcode_y)
    canvas.setFont(fonts.bold, 12)
    canvas.drawCentredString(PAGE_WIDTH / 2, MARGIN + 1, grouped(card.card_number))

    canvas.showPage()
    canvas.save()
    return out.getvalue()
