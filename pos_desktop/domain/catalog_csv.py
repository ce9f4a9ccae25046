"""The catalog as a CSV file: what an export writes and what an import reads.

Reading is in two steps. ``read_csv`` refuses a whole file it cannot use (not UTF-8, a
required column missing, too many rows) and otherwise returns each row's cells as text; each
row's values are then checked by ``draft_of`` (the register for its preview and the server
for the import alike), so every row with a problem is listed, not only the first.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from pos_desktop.domain import product_rules as rules
from pos_desktop.domain.money import Money

COLUMNS = ("id", "name", "category", "price", "tax_rate", "barcodes", "active")
REQUIRED = ("name", "category", "price")
MAX_ROWS = 50_000
_YES = {"", "yes", "y", "true", "1", "active"}
_NO = {"no", "n", "false", "0", "archived", "inactive"}


class CsvRefused(ValueError):
    """The whole file is refused; ``str(self)`` says why in a manager's words."""


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row as text; ``line`` is its line number in the file (the header is line 1)."""

    line: int
    id: str = ""
    name: str = ""
    category: str = ""
    price: str = ""
    tax_rate: str = ""
    barcodes: str = ""
    active: str = ""


@dataclass(frozen=True, slots=True)
class ProductDraft:
    """A row's values, checked: what the import writes."""

    name: str
    category: str
    price: Money
    tax_rate_bp: int
    barcodes: tuple[str, ...]
    active: bool


def read_csv(data: bytes) -> list[CsvRow]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvRefused(
            "This file is not UTF-8 text. Save it as “CSV UTF-8” and import it again."
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration as exc:
        raise CsvRefused("This file is empty.") from exc
    except csv.Error as exc:
        raise CsvRefused(f"This file is not CSV: {exc}.") from exc
    names = [cell.strip().casefold().replace(" ", "_") for cell in header]
    missing = [column for column in REQUIRED if column not in names]
    if missing:
        raise CsvRefused(
            f"The file has no column {', '.join(missing)}. Its first line must name the "
            f"columns: {', '.join(REQUIRED)} (and, if you like, id, tax_rate, barcodes, active)."
        )
    where = {column: names.index(column) for column in COLUMNS if column in names}
    rows: list[CsvRow] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise CsvRefused(f"This file has more than {MAX_ROWS:,} products.")
            values = {
                column: cells[index].strip() if index < len(cells) else ""
                for column, index in where.items()
            }
            rows.append(CsvRow(line=reader.line_num, **values))
    except csv.Error as exc:
        raise CsvRefused(f"Line {reader.line_num} is not CSV: {exc}.") from exc
    if not rows:
        raise CsvRefused("This file has no products under its first line.")
    return rows


def draft_of(row: CsvRow, currency: str) -> ProductDraft:
    """The row's values checked; raises ``rules.FieldRefused`` for the first bad cell."""
    active = row.active.strip().casefold()
    if active not in _YES | _NO:
        raise rules.FieldRefused("active", f"Active: “{row.active}” is not yes or no.")
    return ProductDraft(
        name=rules.product_name(row.name),
        category=rules.category_name(row.category),
        price=rules.price(row.price, currency),
        tax_rate_bp=rules.tax_rate_bp(row.tax_rate),
        barcodes=tuple(rules.barcodes_text(row.barcodes)),
        active=active in _YES,
    )


@dataclass(frozen=True, slots=True)
class ExportRow:
    id: str
    name: str
    category: str
    price: Money
    tax_rate_bp: int
    barcodes: tuple[str, ...]
    active: bool


def write_csv(rows: Iterable[ExportRow]) -> str:
    """The catalog in the columns ``read_csv`` takes back (ids included, so a re-import
    updates these products instead of adding copies)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            (
                row.id,
                row.name,
                row.category,
                format(row.price.to_decimal(), "f"),
                rules.tax_rate_text(row.tax_rate_bp),
                " ".join(row.barcodes),
                "yes" if row.active else "no",
            )
        )
    return out.getvalue()
