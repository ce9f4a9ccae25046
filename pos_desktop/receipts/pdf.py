"""Receipt (or a drawer's X or Z report) -> PDF: one 80 mm receipt-roll page, exactly as tall
as the receipt."""

from __future__ import annotations

import functools
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import registerFont, stringWidth
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

from pos_desktop.domain.receipt import Receipt, ReceiptRow, RowStyle, receipt_rows, wrap_text
from pos_desktop.domain.shift_paper import ShiftPaper, shift_rows, title_of
from pos_desktop.receipts.files import write_whole

PAGE_WIDTH = 80 * mm
MARGIN = 4 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LEADING = 1.3
RULE_HEIGHT = 8.0
DETAIL_INDENT = 3 * mm
GAP = 6.0  # between a name and its amount
# (bold, size in points) of each row style
STYLES = {
    RowStyle.TITLE: (True, 13.0),
    RowStyle.CENTER: (False, 9.0),
    RowStyle.PLAIN: (False, 9.0),
    RowStyle.DETAIL: (False, 8.0),
    RowStyle.STRONG: (True, 10.5),
}
# Debian's fonts-dejavu-core (listed by `./dev packages`), then other distributions' folders.
FONT_FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/dejavu-sans-fonts"),
)


@dataclass(frozen=True, slots=True)
class PdfFonts:
    regular: str
    bold: str
    has_glyph: Callable[[str], bool]


@functools.cache
def pdf_fonts() -> PdfFonts:
    """DejaVu Sans when the system has it, else the built-in Helvetica.

    Helvetica draws the mask's "•" and the WinAnsi currency signs ($ € £ ¥), but not ₹, ₽, ₩
    or the narrow no-break space some locales group digits with; DejaVu Sans draws them all.
    """
    for folder in FONT_FOLDERS:
        try:
            return _dejavu(folder)
        except TTFError:
            continue
    return PdfFonts("Helvetica", "Helvetica-Bold", _in_win_ansi)


def _dejavu(folder: Path) -> PdfFonts:
    regular = TTFont("DejaVuSans", str(folder / "DejaVuSans.ttf"))
    bold = TTFont("DejaVuSans-Bold", str(folder / "DejaVuSans-Bold.ttf"))
    registerFont(regular)
    registerFont(bold)
    glyphs = regular.face.charToGlyph.keys() & bold.face.charToGlyph.keys()
    return PdfFonts("DejaVuSans", "DejaVuSans-Bold", lambda char: ord(char) in glyphs)


def load_fonts() -> None:
    """Read the receipt's fonts now: parsing the TrueType files holds the interpreter for a
    few hundred milliseconds, which the first sale's receipt would otherwise pay on the
    screen's time (the worker holds the GIL the event loop needs)."""
    pdf_fonts()


def _in_win_ansi(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def drawable(text: str, has_glyph: Callable[[str], bool]) -> str:
    """``text`` with what the font lacks replaced, so nothing prints as an empty box."""
    out = []
    for char in text:
        if has_glyph(char):
            out.append(char)
        elif char.isspace():
            out.append(" ")
        else:
            # The compatibility form often has the glyph: "￥" (ja_JP's yen) becomes "¥".
            folded = unicodedata.normalize("NFKC", char)
            out.append(folded if folded and all(map(has_glyph, folded)) else "?")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _Line:
    height: float
    font: str = ""
    size: float = 0.0
    left: str = ""
    right: str = ""
    x: float = MARGIN
    centred: bool = False


def _layout(rows: tuple[ReceiptRow, ...], fonts: PdfFonts) -> list[_Line]:
    lines: list[_Line] = []
    for row in rows:
        if row.style is RowStyle.RULE:
            lines.append(_Line(RULE_HEIGHT))
            continue
        bold, size = STYLES[row.style]
        font = fonts.bold if bold else fonts.regular
        height = size * LEADING
        left = drawable(row.left, fonts.has_glyph)
        right = drawable(row.right, fonts.has_glyph)

        def width(text: str, font: str = font, size: float = size) -> float:
            return float(stringWidth(text, font, size))

        if row.style in (RowStyle.TITLE, RowStyle.CENTER):
            for part in wrap_text(left, CONTENT_WIDTH, width):
                lines.append(_Line(height, font, size, part, centred=True))
            continue
        indent = DETAIL_INDENT if row.style is RowStyle.DETAIL else 0.0
        room = CONTENT_WIDTH - indent - (width(right) + GAP if right else 0.0)
        if room < CONTENT_WIDTH / 3:  # too long an amount to share a line: it goes below
            parts = wrap_text(left, CONTENT_WIDTH - indent, width) if left else []
            rights = ["", *wrap_text(right, CONTENT_WIDTH, width)] if parts else [right]
        else:
            parts = wrap_text(left, room, width)
            rights = [right]
        for number in range(max(len(parts), len(rights))):
            part = parts[number] if number < len(parts) else ""
            amount = rights[number] if number < len(rights) else ""
            lines.append(_Line(height, font, size, part, amount, MARGIN + indent))
    return lines


def _draw(canvas: Canvas, lines: list[_Line], page_height: float) -> None:
    top = page_height - MARGIN
    for line in lines:
        top -= line.height
        if not line.font:
            middle = top + line.height / 2
            canvas.setDash(1.5, 1.5)
            canvas.setLineWidth(0.5)
            canvas.line(MARGIN, middle, PAGE_WIDTH - MARGIN, middle)
            continue
        # The baseline sits above the descenders, in the middle of the line's leading.
        baseline = top + line.size * (LEADING - 1) / 2 + line.size * 0.22
        canvas.setFont(line.font, line.size)
        if line.centred:
            canvas.drawCentredString(PAGE_WIDTH / 2, baseline, line.left)
            continue
        canvas.drawString(line.x, baseline, line.left)
        if line.right:
            canvas.drawRightString(PAGE_WIDTH - MARGIN, baseline, line.right)


def render_pdf(receipt: Receipt, path: Path) -> Path:
    """Write ``receipt`` to ``path`` (replacing it whole, never leaving half a file)."""
    ticket = receipt.ticket_number if receipt.ticket_number is not None else ""
    title = f"Receipt {ticket} {receipt.short_id}".replace("  ", " ")
    return _render_rows(receipt_rows(receipt), path, title, receipt.store_name)


def render_shift_pdf(paper: ShiftPaper, path: Path) -> Path:
    """Write a drawer's X or Z report to ``path``, set as the receipt printer sets it."""
    return _render_rows(
        shift_rows(paper), path, f"{title_of(paper)} {paper.short_id}", paper.store_name
    )


def _render_rows(rows: tuple[ReceiptRow, ...], path: Path, title: str, author: str) -> Path:
    lines = _layout(rows, pdf_fonts())
    height = 2 * MARGIN + sum(line.height for line in lines)
    out = io.BytesIO()
    # invariant: no creation time or random id inside, so one receipt is one file.
    canvas = Canvas(out, pagesize=(PAGE_WIDTH, height), invariant=True)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("POS Desktop")
    _draw(canvas, lines, height)
    canvas.save()
    return write_whole(path, out.getvalue())
