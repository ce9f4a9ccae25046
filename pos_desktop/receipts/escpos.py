"""Receipt -> ESC/POS bytes, through python-escpos's ``Dummy`` printer (no hand-made protocol).

The rows are the domain's ``receipt_rows``, the same the screen and the PDF show. Text goes
through python-escpos's code-page encoder, restricted to the profile's single-byte code pages,
so "€" and "é" print as code-page bytes; a character no such code page has is folded first to
a readable form (fullwidth "e" -> "e", "₹" -> "Rs", "你" -> "?"), so nothing crashes the
encoder and the columns stay exact.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import TYPE_CHECKING, Any

from pos_desktop.domain.receipt import (
    Receipt,
    ReceiptRow,
    RowStyle,
    receipt_rows,
    wrap_text,
)
from pos_desktop.domain.shift_paper import ShiftPaper
from pos_desktop.domain.slips import Slip, rows_of

if TYPE_CHECKING:
    # Imported where used: python-escpos reads its printer database when imported, and the
    # register imports this module at start.
    from escpos.magicencode import Encoder

DEFAULT_PROFILE = "TM-T88V"
# Font A columns of each paper width; a printer with a wider head (48 columns on 80 mm) is
# given as ``columns``.
COLUMNS = {58: 32, 80: 42}
FOOTER = "Thank you!"
BARCODE_HEIGHT = 60  # dots
BARCODE_WIDTH = 2  # dots a module: a short id fits 58 mm paper
_MIN_LEFT = 8
PREFERRED_PAGE = "CP858"
# Code pages the encoder may switch to: the profile's single-byte ones. CP932 is a double-byte
# page and "Unknown" is no page at all.
_SKIPPED_PAGES = frozenset({"CP932", "Unknown"})
# Readable stand-ins for what no single-byte code page prints.
_ASCII = {
    "•": "*",
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": ",",
    "“": '"',
    "”": '"',
    "„": '"',
    "\u2013": "-",
    "—": "-",
    "\u2212": "-",
    "…": "...",
    "₹": "Rs",
    "₽": "RUB",
    "₩": "W",
    "₪": "ILS",
    "₫": "d",
    "₱": "PHP",
    "₺": "TL",
    "₴": "UAH",
    "₦": "NGN",
    "₿": "BTC",
    "฿": "B",
    "™": "TM",
    "€": "EUR",
}


class _Pages:
    """The code pages of one profile and the characters they hold, computed once."""

    def __init__(self, profile: str) -> None:
        from escpos.magicencode import Encoder
        from escpos.printer import Dummy

        pages = Dummy(profile=profile).profile.get_code_pages()
        self.map = {name: slot for name, slot in pages.items() if name not in _SKIPPED_PAGES}
        # Character maps are pure data: every render's encoder shares them (the slow part).
        self.char_maps: dict[str, Any] = {}
        self.known: set[str] = set()
        warm = Encoder(self.map)
        warm.available_characters = self.char_maps
        for name in self.map:
            try:
                self.known.update(char for char in warm._get_codepage_char_map(name) if char)
            except LookupError:
                continue
        self.known.discard(" ")  # the filler for undefined slots, never a real character

    def encoder(self) -> Encoder:
        """A fresh encoder (its choice of pages is per receipt, so bytes are reproducible)."""
        from escpos.magicencode import Encoder

        encoder = Encoder(self.map)
        encoder.available_characters = self.char_maps
        if PREFERRED_PAGE in self.map:
            # Tried first: one page holds Western Europe's letters, £, ¥ and €.
            encoder.used_encodings.add(PREFERRED_PAGE)
        return encoder

    def printable(self, text: str) -> str:
        return "".join(self._char(char) for char in text)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one _Pages per profile, kept for good)
    def _char(self, char: str) -> str:
        if unicodedata.category(char).startswith(("C", "Z")):
            return " "  # controls never reach the printer; odd spaces become plain ones
        if char.isascii() or char in self.known:
            return char
        folded = unicodedata.normalize("NFKC", char)
        if folded and all(c.isascii() or c in self.known for c in folded):
            return folded
        if char in _ASCII:
            return _ASCII[char]
        stripped = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if stripped and stripped.isascii() and stripped.isprintable():
            return stripped
        return "?"


@functools.cache
def _pages(profile: str) -> _Pages:
    return _Pages(profile)


def printer_columns(paper_mm: int) -> int:
    try:
        return COLUMNS[paper_mm]
    except KeyError:
        raise ValueError(f"paper is 58 or 80 mm wide, not {paper_mm}") from None


def render_escpos(
    receipt: Receipt,
    paper_mm: int = 80,
    *,
    profile: str = DEFAULT_PROFILE,
    columns: int | None = None,
    footer: str = FOOTER,
) -> bytes:
    """``receipt`` as the bytes an ESC/POS printer prints, ending with a cut."""
    return _render_rows(receipt_rows(receipt), receipt.short_id, paper_mm, profile, columns, footer)


def render_slip_escpos(
    slip: Slip,
    paper_mm: int = 80,
    *,
    profile: str = DEFAULT_PROFILE,
    columns: int | None = None,
) -> bytes:
    """A gift card slip (a Deduct Funds), a card's mini-statement, a sold card's number, or a
    drawer's X or Z report, set like a receipt (a report thanks nobody)."""
    footer = "" if isinstance(slip, ShiftPaper) else FOOTER
    return _render_rows(rows_of(slip), slip.short_id, paper_mm, profile, columns, footer)


TEST_PAGE_TITLE = "Test page"
TEST_PAGE_BARCODE = "TEST"


def render_test_page(
    printer_name: str,
    paper_mm: int = 80,
    *,
    profile: str = DEFAULT_PROFILE,
    columns: int | None = None,
) -> bytes:
    """A short page for the Settings tab's "Test print": the connection, profile and paper
    width, a full-width rule to check the columns, accents and "€" for the code pages, a
    barcode and a cut."""
    width = columns if columns is not None else printer_columns(paper_mm)
    rows = (
        ReceiptRow(RowStyle.TITLE, TEST_PAGE_TITLE),
        ReceiptRow(RowStyle.CENTER, "POS Desktop"),
        ReceiptRow(RowStyle.RULE),
        ReceiptRow(RowStyle.PLAIN, "Printer", printer_name),
        ReceiptRow(RowStyle.PLAIN, "Profile", profile),
        ReceiptRow(RowStyle.PLAIN, "Paper", f"{paper_mm} mm"),
        ReceiptRow(RowStyle.PLAIN, "Columns", str(width)),
        ReceiptRow(RowStyle.PLAIN, "Accents", "é ü ñ ç €"),
        ReceiptRow(RowStyle.RULE),
    )
    return _render_rows(rows, TEST_PAGE_BARCODE, paper_mm, profile, columns, FOOTER)


def _render_rows(
    rows: tuple[ReceiptRow, ...],
    barcode: str,
    paper_mm: int,
    profile: str,
    columns: int | None,
    footer: str,
) -> bytes:
    from escpos.printer import Dummy

    width = columns if columns is not None else printer_columns(paper_mm)
    pages = _pages(profile)
    text = pages.printable
    printer = Dummy(profile=profile, magic_encode_args={"encoder": pages.encoder()})
    printer.hw("INIT")  # a known state: font A, left, code page 0
    printer.magic.encoding = "CP437"  # what INIT selected, so the first switch is explicit

    def line(text: str) -> None:
        if text.isascii():
            # The same bytes in every code page: skip the encoder's per-character search.
            printer._raw(text.encode("ascii") + b"\n")
        else:
            printer.textln(text)

    for row in rows:
        left, right = text(row.left), text(row.right)
        if row.style is RowStyle.RULE:
            line("-" * width)
        elif row.style is RowStyle.TITLE:
            printer.set(align="center", bold=True, double_height=True, double_width=True)
            for part in wrap_text(left, width // 2, len):
                line(part)
            printer.set(align="left", bold=False, normal_textsize=True)
        elif row.style is RowStyle.CENTER:
            printer.set(align="center")
            for part in wrap_text(left, width, len):
                line(part)
            printer.set(align="left")
        elif row.style is RowStyle.STRONG:
            printer.set(bold=True, double_height=True)
            for part in _columns(left.upper(), right, width, 0):
                line(part)
            printer.set(bold=False, normal_textsize=True)
        else:
            indent = 2 if row.style is RowStyle.DETAIL else 0
            for part in _columns(left, right, width, indent):
                line(part)
    printer.ln()
    printer.set(align="center")
    # The public ``barcode()`` print()s which renderer it chose to stdout on every call.
    printer._hw_barcode(
        "{B" + barcode,
        "CODE128",
        height=BARCODE_HEIGHT,
        width=BARCODE_WIDTH,
        pos="BELOW",
        font="A",
        align_ct=True,
        function_type="B",
    )
    printer.ln()
    for part in wrap_text(text(footer), width, len):
        line(part)
    printer.set(align="left")
    printer.cut()
    return bytes(printer.output)


def _columns(left: str, right: str, width: int, indent: int) -> list[str]:
    """``left`` wrapped beside ``right`` flush right (as ``receipt_text`` sets a row).

    The text is folded already: every character takes one column, so ``len`` measures it.
    """
    pad = " " * indent
    room = width - indent - (len(right) + 1 if right else 0)
    if room < _MIN_LEFT:
        lines = [pad + part for part in wrap_text(left, width - indent, len)] if left else []
        return lines + [part.rjust(width) for part in wrap_text(right, width, len)]
    lines = [pad + part for part in wrap_text(left, room, len)]
    if right:
        lines[0] += right.rjust(width - len(lines[0]))
    return lines
