"""What the register sells, as the checkout sees it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pos_desktop.domain.approvals import ApprovalAction
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
    # The Pay screen's tip buttons in percent, besides "No tip".
    tip_presets: tuple[int, ...] = (10, 15, 20)
    # Cashier actions that need a manager's PIN on the spot.
    approvals: frozenset[ApprovalAction] = frozenset()
    # The rates a product may carry, by name: (("Standard", 825), ...).
    tax_rates: tuple[tuple[str, int], ...] = ()

    def needs_approval(self, action: ApprovalAction) -> bool:
        return action in self.approvals
