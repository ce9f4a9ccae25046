"""Decoded ESC/POS jobs as a picture of the paper roll (Pillow).

The roll is as wide as the printer's head: 384 dots for 58 mm paper, 576 for 80 mm. Characters
sit in the cells a thermal printer uses (font A 12 x 24 dots, font B 9 x 17), scaled by the
print size, so a line that is too long wraps where the printer would wrap it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.graphics.barcode.code128 import Code128

from hardware.simulate.escpos_decode import (
    Align,
    BarcodeLine,
    ImageLine,
    Job,
    PaperLine,
    QrLine,
    Span,
    Style,
    TextLine,
)

PAPER_DOTS = {58: 384, 80: 576}
COLUMNS = {58: 32, 80: 42}
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CELL_A = (12, 24)
CELL_B = (9, 17)
MARGIN = 16  # blank paper above the first line and below the last
BARCODE_QUIET = 10  # modules of white either side of the bars
MAX_SCALE = 8

_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
_PLAIN = Style()


@cache
def _font(size: int, bold: bool) -> _Font:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    path = FONT_DIR / name
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def paper_width(paper_mm: int) -> int:
    """Dots across the roll for 58 or 80 mm paper."""
    try:
        return PAPER_DOTS[paper_mm]
    except KeyError:
        raise ValueError(f"paper is 58 or 80 mm wide, not {paper_mm}") from None


def default_columns(paper_mm: int) -> int:
    """Font A characters a line: 32 on 58 mm, 42 on 80 mm (as the register prints)."""
    paper_width(paper_mm)  # refuses a paper other than 58 or 80 mm, with the reason
    return COLUMNS[paper_mm]


def render_job(job: Job, paper_mm: int = 80, columns: int | None = None) -> Image.Image:
    """The paper a job printed, black on white, ``paper_width(paper_mm)`` pixels wide.

    The printing area is ``columns`` font-A characters wide, centred on the roll as the head
    of a printer with that many columns sits.
    """
    width = paper_width(paper_mm)
    wanted = columns if columns is not None else default_columns(paper_mm)
    area = max(CELL_A[0], min(width, wanted * CELL_A[0]))
    left = (width - area) // 2
    pieces: list[Image.Image] = []
    for line in job.lines:
        pieces.extend(_render_line(line, area))
    height = MARGIN * 2 + sum(piece.height for piece in pieces)
    if job.cut:
        height += MARGIN
    paper = Image.new("L", (width, height), 255)
    top = MARGIN
    for piece in pieces:
        paper.paste(piece, (left, top))
        top += piece.height
    if job.cut:
        # The cut edge: a dashed line across the bottom of the paper.
        draw = ImageDraw.Draw(paper)
        y = height - 2
        for x in range(0, width, 12):
            draw.line((x, y, x + 6, y), fill=128, width=1)
    return paper


def save_job(job: Job, path: Path, paper_mm: int = 80, columns: int | None = None) -> Path:
    """Write the job's paper as a PNG at ``path``."""
    render_job(job, paper_mm, columns).save(path, format="PNG")
    return path


def _render_line(line: PaperLine, width: int) -> list[Image.Image]:
    if isinstance(line, TextLine):
        return [_place(row, line.align, width) for row in _text_rows(line, width)]
    if isinstance(line, BarcodeLine):
        return [_place(_barcode(line, width), line.align, width)]
    if isinstance(line, ImageLine):
        return [_place(_bitmap(line, width), line.align, width)]
    return [_place(_qr_placeholder(line), line.align, width)]


# -- text --------------------------------------------------------------------------------------


def _cell(span: Span) -> tuple[int, int]:
    base_w, base_h = CELL_B if span.style.small_font else CELL_A
    return base_w * _scale(span.style.width), base_h * _scale(span.style.height)


def _scale(factor: int) -> int:
    return max(1, min(factor, MAX_SCALE))


def _text_rows(line: TextLine, width: int) -> list[Image.Image]:
    """The line's characters in printer cells, wrapped at the paper's edge."""
    rows: list[list[tuple[str, Span]]] = [[]]
    used = 0
    for span in line.spans:
        cell_w, _ = _cell(span)
        for char in span.text:
            if used + cell_w > width and rows[-1]:
                rows.append([])
                used = 0
            rows[-1].append((char, span))
            used += cell_w
    images = []
    for row in rows:
        if not row:
            images.append(Image.new("L", (1, CELL_A[1] * _scale(line.height)), 255))
            continue
        row_height = max(_cell(span)[1] for _, span in row)
        row_width = sum(_cell(span)[0] for _, span in row)
        image = Image.new("L", (max(1, row_width), row_height), 255)
        x = 0
        for char, span in row:
            cell_w, cell_h = _cell(span)
            glyph = _glyph(char, span.style.small_font, span.style.bold)
            if (cell_w, cell_h) != glyph.size:
                glyph = glyph.resize((cell_w, cell_h), Image.Resampling.NEAREST)
            image.paste(glyph, (x, row_height - cell_h))
            if span.style.underline:
                ImageDraw.Draw(image).line(
                    (x, row_height - 2, x + cell_w - 1, row_height - 2), fill=0, width=2
                )
            x += cell_w
        images.append(image)
    return images


@cache
def _glyph(char: str, small: bool, bold: bool) -> Image.Image:
    cell_w, cell_h = CELL_B if small else CELL_A
    image = Image.new("L", (cell_w, cell_h), 255)
    if char.strip():
        font = _font(15 if small else 20, bold)
        ImageDraw.Draw(image).text((0, 0), char, font=font, fill=0)
    return image


# -- barcodes, images ------------------------------------------------------------------------------


def _barcode(line: BarcodeLine, width: int) -> Image.Image:
    """Code 128 bars of the barcode's data (the stand-in drawing for every symbology)."""
    pattern = _code128_pattern(line.data)
    label = Image.new("L", (1, 1), 255)
    if line.text_below or not pattern:
        label = _text_rows(
            TextLine((Span(line.data if pattern else line.text, _PLAIN),), Align.LEFT), width
        )[0]
    if not pattern:
        return label
    modules = sum(int(part) for _, part in pattern) + 2 * BARCODE_QUIET
    module = max(1, min(line.module_dots, width // modules))
    bars_w = modules * module
    bars_h = max(8, min(line.height_dots, 255))
    image = Image.new("L", (max(bars_w, label.width), bars_h + label.height + 4), 255)
    draw = ImageDraw.Draw(image)
    x = (image.width - bars_w) // 2 + BARCODE_QUIET * module
    for is_bar, part in pattern:
        step = int(part) * module
        if is_bar:
            draw.rectangle((x, 0, x + step - 1, bars_h - 1), fill=0)
        x += step
    if line.text_below:
        image.paste(label, ((image.width - label.width) // 2, bars_h + 4))
    return image


def _code128_pattern(data: str) -> list[tuple[bool, str]]:
    """(bar?, width in modules) for each element of the Code 128 symbol of ``data``."""
    if not data or any(ord(char) > 127 for char in data):
        return []
    try:
        symbol = Code128(data)
        symbol.validate()
        symbol.encode()
        symbol.decompose()
    except Exception:  # reportlab refuses some data; the line then shows as text only
        return []
    return [(char.isupper(), str(" ABCD".index(char.upper()))) for char in symbol.decomposed]


def _bitmap(line: ImageLine, width: int) -> Image.Image:
    image = Image.frombytes("1", (line.width, line.height), line.rows, "raw", "1;I")
    image = image.convert("L")
    if image.width > width:
        image = image.crop((0, 0, width, image.height))
    return image


def _qr_placeholder(line: QrLine) -> Image.Image:
    """A framed square saying what the QR code holds (the simulator does not draw QR codes)."""
    size = 120
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size - 1, size - 1), outline=0, width=4)
    draw.text((10, size // 2 - 10), "QR", font=_font(20, True), fill=0)
    draw.text((10, size // 2 + 14), line.data[:10], font=_font(15, False), fill=0)
    return image


def _place(piece: Image.Image, align: Align, width: int) -> Image.Image:
    """``piece`` on a strip of paper ``width`` wide, at the line's alignment."""
    if piece.width > width:
        piece = piece.crop((0, 0, width, piece.height))
    strip = Image.new("L", (width, piece.height), 255)
    if align is Align.CENTER:
        x = (width - piece.width) // 2
    elif align is Align.RIGHT:
        x = width - piece.width
    else:
        x = 0
    strip.paste(piece, (x, 0))
    return strip
