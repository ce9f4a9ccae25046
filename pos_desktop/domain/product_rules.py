"""What a product and a category may hold: one set of checks for the Back Office form, the
CSV import and the server, so a value the form accepts is never refused later for another
reason (and the other way round).

Each check returns the clean value or raises ``FieldRefused`` naming the field and saying, in
words a store manager reads, what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pos_desktop.domain.errors import InvalidAmount
from pos_desktop.domain.money import Money

NAME_MAX = 200
CATEGORY_NAME_MAX = 80
BARCODE_MAX = 64
BARCODES_MAX = 20
MAX_TAX_RATE_BP = 10_000  # 100 %
# The checkout's category buttons cycle through these until a manager picks a colour.
CATEGORY_COLOURS = ("#1565C0", "#2E7D32", "#AD1457", "#EF6C00", "#6A1B9A", "#00838F", "#5D4037")
_BARCODE = re.compile(r"[0-9A-Za-z\-.]{1,64}")
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


class FieldRefused(ValueError):
    """``field`` cannot hold what was given; ``str(self)`` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def product_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise FieldRefused("name", "Enter the product's name.")
    if len(name) > NAME_MAX:
        raise FieldRefused("name", f"A product's name has at most {NAME_MAX} characters.")
    return name


def category_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise FieldRefused("category", "Enter the category's name.")
    if len(name) > CATEGORY_NAME_MAX:
        raise FieldRefused(
            "category", f"A category's name has at most {CATEGORY_NAME_MAX} characters."
        )
    return name


def price(text: str, currency: str) -> Money:
    """A price as a manager types it ("3.50"); free items (0) are allowed, negatives are not."""
    try:
        return Money.parse(text, currency)
    except InvalidAmount as exc:
        raise FieldRefused("price", f"Price: {exc}") from exc


def price_minor(minor: int) -> int:
    """A price sent as minor units (the API): the same bounds as a typed one."""
    if minor < 0:
        raise FieldRefused("price", "Price: An amount cannot be negative.")
    return minor


def tax_rate_bp(text: str) -> int:
    """A tax rate in percent ("8.25", "8.25 %", "0") as basis points (825)."""
    shown = text.strip().removesuffix("%").strip()
    if not shown:
        return 0
    try:
        value = Decimal(shown)
    except InvalidOperation as exc:
        raise FieldRefused("tax_rate", f"Tax rate: “{text.strip()}” is not a percentage.") from exc
    if not value.is_finite() or value.is_signed():
        raise FieldRefused("tax_rate", "Tax rate: enter a percentage from 0 to 100.")
    if value > 100:
        raise FieldRefused("tax_rate", "Tax rate: a rate cannot be over 100 %.")
    basis_points = value * 100
    if basis_points != basis_points.to_integral_value():
        raise FieldRefused("tax_rate", "Tax rate: at most two decimals, such as 8.25.")
    return int(basis_points)


def tax_rate_bp_value(bp: int) -> int:
    if not 0 <= bp <= MAX_TAX_RATE_BP:
        raise FieldRefused("tax_rate", "Tax rate: enter a percentage from 0 to 100.")
    return bp


def tax_rate_text(bp: int) -> str:
    """825 → "8.25"; 800 → "8"; as a manager would type it back."""
    return format((Decimal(bp) / 100).normalize(), "f")


def barcodes(codes: list[str]) -> list[str]:
    """Distinct barcodes in the order given; each letters, digits, '-' or '.'."""
    clean: list[str] = []
    for raw in codes:
        code = raw.strip()
        if not code:
            continue
        if not _BARCODE.fullmatch(code):
            raise FieldRefused(
                "barcodes",
                f"Barcode “{code[:BARCODE_MAX]}”: use letters, digits, '-' or '.', "
                f"at most {BARCODE_MAX}.",
            )
        if code not in clean:
            clean.append(code)
    if len(clean) > BARCODES_MAX:
        raise FieldRefused("barcodes", f"A product has at most {BARCODES_MAX} barcodes.")
    return clean


def barcodes_text(text: str) -> list[str]:
    """Barcodes as typed or in a CSV cell: separated by spaces, commas or semicolons."""
    return barcodes(re.split(r"[\s,;|]+", text))


def colour(text: str) -> str:
    shown = text.strip()
    if not _COLOUR.fullmatch(shown):
        raise FieldRefused("colour", "Colour: pick one, or type it as #RRGGBB.")
    return shown.upper()


def default_colour(position: int) -> str:
    return CATEGORY_COLOURS[position % len(CATEGORY_COLOURS)]


@dataclass(frozen=True, slots=True)
class BarcodeTaken:
    """A barcode is already another product's: the refusal names that product."""

    code: str
    product_name: str

    def refusal(self) -> FieldRefused:
        return FieldRefused(
            "barcodes", f"Barcode {self.code} is already used by “{self.product_name}”."
        )
