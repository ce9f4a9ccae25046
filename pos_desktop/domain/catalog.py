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
class CategoryButton:
    """A checkout category button: its name, and its colour (#RRGGBB) as the Back Office set
    it, or None for a category a server from before the Back Office did not send."""

    name: str
    colour: str | None = None


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
    # Gift cards sold at the counter: the least and most one line puts on a card (None: a
    # server from before card sales, which sells none), whether a gift card may pay for one,
    # and the balance under which the law asks a card be cashed out (None: no such law).
    min_card_amount: Money | None = None
    max_card_amount: Money | None = None
    giftcard_pays_giftcard: bool = False
    cash_out_below: Money | None = None

    def needs_approval(self, action: ApprovalAction) -> bool:
        return action in self.approvals
