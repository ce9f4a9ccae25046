"""What the register sells, as the checkout sees it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pos_desktop.domain.money import Money
from pos_desktop.domain.tender import TipBase


@dataclass(frozen=True, slots=True)
class Product:
    id: uuid.UUID
    name: str
    category: str
    price: Money
    tax_rate_bp: int  # 825 = 8.25 %
    barcode: str | None


@dataclass(frozen=True, slots=True)
class StoreRules:
    """The store settings the checkout follows."""

    name: str
    currency: str
    locale: str
    timezone: str
    prices_include_tax: bool
    idle_lock_seconds: int
    tenders: tuple[str, ...]  # extra tenders the store configures, by name
    tip_base: TipBase = TipBase.SUBTOTAL
    # Printed on every receipt: under the store's name, and after the payments.
    address: str = ""
    phone: str = ""
    receipt_header: str = ""
    receipt_footer: str = ""
