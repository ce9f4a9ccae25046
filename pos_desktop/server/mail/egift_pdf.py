"""The e-gift card as a PDF attached to the recipient's mail: an A6 card to print or show at
the till, with the number in groups of 4 and as a Code 128 barcode the scanner reads."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A6, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

# The receipts' fonts (DejaVu Sans, else Helvetica) and their stand-ins for missing glyphs:
# one place that finds and registers them, loaded once per process (the register loads them
# at start-up, and the embedded server in the same process reuses them).
from pos_desktop.receipts.pdf import drawable
from pos_desktop.receipts.pdf import pdf_fonts as fonts

PAGE_WIDTH, PAGE_HEIGHT = landscape(A6)
MARGIN = 9 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
MESSAGE_LINES = 4


@dataclass(frozen=True, slots=True)
class EgiftCard:
    store_name: str
    amount: str  # formatted in the store's locale, e.g. "$25.00"
    card_number: str
    recipient_name: str | None = None
    message: str | None = None


def _drawable(text: str) -> str:
    return drawable(text, fonts().has_glyph).strip()


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
    font = fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    canvas.setTitle(f"{card.store_name} gift card")
    canvas.setAuthor(card.store_name)
    left, top = MARGIN, PAGE_HEIGHT - MARGIN

    canvas.setLineWidth(0.8)
    canvas.roundRect(4 * mm, 4 * mm, PAGE_WIDTH - 8 * mm, PAGE_HEIGHT - 8 * mm, 4 * mm)

    store = _fit(_drawable(card.store_name), font.bold, 15, CONTENT_WIDTH * 0.6)
    canvas.setFont(font.bold, 15)
    canvas.drawString(left, top - 15, store)
    canvas.setFont(font.regular, 9)
    canvas.drawString(left, top - 28, "Gift card")
    canvas.setFont(font.bold, 22)
    canvas.drawRightString(PAGE_WIDTH - MARGIN, top - 20, _drawable(card.amount))

    y = top - 50
    if card.recipient_name:
        canvas.setFont(font.regular, 11)
        recipient = _fit(_drawable(f"For {card.recipient_name}"), font.regular, 11, CONTENT_WIDTH)
        canvas.drawString(left, y, recipient)
        y -= 15
    if card.message:
        canvas.setFont(font.regular, 9)
        for line in _wrap(_drawable(card.message), font.regular, 9, CONTENT_WIDTH, MESSAGE_LINES):
            canvas.drawString(left, y, line)
            y -= 11.5

    barcode = Code128(card.card_number, barHeight=12 * mm, barWidth=0.33 * mm, quiet=False)
    barcode_y = MARGIN + 14
    barcode.drawOn(canvas, (PAGE_WIDTH - barcode.width) / 2, barcode_y)
    canvas.setFont(font.bold, 12)
    canvas.drawCentredString(PAGE_WIDTH / 2, MARGIN + 1, grouped(card.card_number))

    canvas.showPage()
    canvas.save()
    return out.getvalue()
