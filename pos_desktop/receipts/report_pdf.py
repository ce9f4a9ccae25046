"""A report -> PDF (reportlab): on every page the store's header (its name, its address as the
store profile has it, the report, its days and time zone) and the page's number; each table
under its title, its column names repeated on every page it runs over.

Landscape, so a day's ten sales figures fit a row: US Letter where the store's locale uses it,
A4 elsewhere. Amounts and times as the screen shows them, in the store's language and clock.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from babel import Locale, UnknownLocaleError
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.receipt import known_locale
from pos_desktop.receipts.files import write_whole
from pos_desktop.receipts.pdf import PdfFonts, drawable, pdf_fonts
from pos_desktop.services.report_tables import ReportSheet, ReportTable, cell_text, period_text

# Paper by the locale's territory: the Americas' Letter countries; A4 everywhere else.
LETTER_TERRITORIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PR"})
MARGIN = 14 * mm
HEADER_HEIGHT = 24 * mm
FOOTER_HEIGHT = 10 * mm
SIZE = 9.0
TITLE_SIZE = 12.0
PADDING = 4.0  # each side of a cell's text
HEADER_FILL = colors.Color(0.90, 0.92, 0.95)
RULE = colors.Color(0.75, 0.78, 0.82)


def page_size(locale: str) -> tuple[float, float]:
    try:
        territory = Locale.parse(known_locale(locale)).territory
    except (UnknownLocaleError, ValueError):
        territory = None
    return landscape(LETTER if territory in LETTER_TERRITORIES else A4)


def report_pdf_bytes(sheet: ReportSheet, store: StoreRules) -> bytes:
    fonts = pdf_fonts()
    locale = known_locale(store.locale)
    size = page_size(locale)
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_HEIGHT,
        bottomMargin=MARGIN + FOOTER_HEIGHT,
        title=f"{sheet.title} · {period_text(sheet.period, locale)}",
        author=store.name,
        creator="POS Desktop",
        invariant=True,  # no creation time or random id: one report is one file
    )
    story = _story(sheet, locale, fonts, document.width)

    def header(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        _draw_header(canvas, doc, sheet, store, fonts, size)

    document.build(story, onFirstPage=header, onLaterPages=header)
    return out.getvalue()


def write_report_pdf(sheet: ReportSheet, store: StoreRules, path: Path) -> Path:
    """Write the report to ``path`` whole (never half a file)."""
    return write_whole(path, report_pdf_bytes(sheet, store))


def _draw_header(
    canvas: Canvas,
    doc: SimpleDocTemplate,
    sheet: ReportSheet,
    store: StoreRules,
    fonts: PdfFonts,
    size: tuple[float, float],
) -> None:
    width, height = size
    locale = known_locale(store.locale)

    def text(value: str) -> str:
        return drawable(value, fonts.has_glyph)

    canvas.saveState()
    top = height - MARGIN
    canvas.setFont(fonts.bold, 14)
    canvas.drawString(MARGIN, top - 14, text(store.name))
    canvas.setFont(fonts.regular, SIZE)
    address = " · ".join(line.strip() for line in store.address.splitlines() if line.strip())
    if address:
        canvas.drawString(MARGIN, top - 27, text(address))
    canvas.setFont(fonts.bold, TITLE_SIZE)
    canvas.drawRightString(width - MARGIN, top - 14, text(sheet.title))
    canvas.setFont(fonts.regular, SIZE)
    canvas.drawRightString(width - MARGIN, top - 27, text(period_text(sheet.period, locale)))
    canvas.setStrokeColor(RULE)
    canvas.line(MARGIN, top - HEADER_HEIGHT + 6 * mm, width - MARGIN, top - HEADER_HEIGHT + 6 * mm)
    canvas.setFont(fonts.regular, 8)
    canvas.drawRightString(width - MARGIN, MARGIN, f"Page {doc.page}")
    canvas.restoreState()


def _story(sheet: ReportSheet, locale: str, fonts: PdfFonts, width: float) -> list[Flowable]:
    # keepWithNext: a title never ends a page whose next holds its table.
    title = ParagraphStyle(
        "title", fontName=fonts.bold, fontSize=TITLE_SIZE, leading=16, spaceAfter=4, keepWithNext=1
    )
    note = ParagraphStyle(
        "note",
        fontName=fonts.regular,
        fontSize=SIZE,
        leading=SIZE * 1.25,
        spaceAfter=4,
        keepWithNext=1,
    )
    plain = ParagraphStyle("plain", parent=note, keepWithNext=0)
    story: list[Flowable] = []
    for table in sheet.tables:
        story.append(Paragraph(_markup(table.title, fonts), title))
        if table.note:
            story.append(Paragraph(_markup(table.note, fonts), note))
        if table.rows:
            story.append(_table(table, locale, sheet.period.timezone, fonts, width))
        else:
            story.append(Paragraph(_markup(table.empty, fonts), plain))
        story.append(Spacer(1, 12))
    return story


def _markup(text: str, fonts: PdfFonts) -> str:
    return escape(drawable(text, fonts.has_glyph))


def _table(table: ReportTable, locale: str, timezone: str, fonts: PdfFonts, width: float) -> Table:
    texts = [
        [drawable(cell_text(cell, locale, timezone), fonts.has_glyph) for cell in row]
        for row in table.rows
    ]
    titles = [drawable(column.title, fonts.has_glyph) for column in table.columns]
    widths = _widths(table, titles, texts, fonts, width)
    plain = ParagraphStyle("cell", fontName=fonts.regular, fontSize=SIZE, leading=SIZE * 1.2)
    head = ParagraphStyle("head", parent=plain, fontName=fonts.bold)
    head_right = ParagraphStyle("head_right", parent=head, alignment=2)
    data: list[list[object]] = [
        [
            Paragraph(escape(title), head_right if column.numeric else head)
            for title, column in zip(titles, table.columns, strict=True)
        ]
    ]
    for row in texts:
        data.append(
            [
                text if column.numeric else Paragraph(escape(text), plain)
                for text, column in zip(row, table.columns, strict=True)
            ]
        )
    style = [
        ("FONT", (0, 0), (-1, -1), fonts.regular, SIZE),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
    ]
    for index, column in enumerate(table.columns):
        if column.numeric:
            style.append(("ALIGN", (index, 1), (index, -1), "RIGHT"))
    return Table(data, colWidths=widths, repeatRows=1, style=TableStyle(style), hAlign="LEFT")


def _widths(
    table: ReportTable,
    titles: list[str],
    texts: list[list[str]],
    fonts: PdfFonts,
    room: float,
) -> list[float]:
    """Each column as wide as its widest text; when they do not fit, the text columns give
    way (their cells wrap), the numbers never."""

    def natural(index: int) -> float:
        bold = stringWidth(titles[index], fonts.bold, SIZE)
        cells = (stringWidth(row[index], fonts.regular, SIZE) for row in texts)
        return max(bold, *cells) + 2 * PADDING + 1

    widths = [natural(index) for index in range(len(titles))]
    excess = sum(widths) - room
    if excess <= 0:
        return widths
    wrapping = [i for i, column in enumerate(table.columns) if not column.numeric]
    shared = sum(widths[i] for i in wrapping)
    for index in wrapping:
        widths[index] = max(widths[index] - excess * widths[index] / shared, 40.0)
    return widths
