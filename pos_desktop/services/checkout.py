"""Ringing up a sale: the catalog, lines, quantities and the tip, kept in the register database.

Every call commits before it returns, so what the cashier sees is what a restart brings back.
Each employee has their own open ticket; locking the register leaves it waiting for them.
Blocking (SQLite with fsync): presenters call it on their worker.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from pos_desktop.db import catalog, sales
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.card_sale import check_one_card
from pos_desktop.domain.catalog import Product, StoreRules
from pos_desktop.domain.errors import DomainError, ErrorCode
from pos_desktop.domain.money import Money
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.tender import TipBase, tip_base, tip_from_percent
from pos_desktop.domain.ticket import (
    check_quantity,
    check_room_for_line,
    check_total_in_range,
)
from pos_desktop.services.results import Catalog, Employee

MAX_BARCODE_LENGTH = 64


class CatalogNotReady(DomainError):
    code = ErrorCode.CATALOG_NOT_READY

    def __init__(self) -> None:
        super().__init__(
            "The register is still loading the store's catalog. Try again in a moment."
        )


class UnknownBarcode(DomainError):
    code = ErrorCode.UNKNOWN_BARCODE


class CheckoutService:
    def __init__(self, database: RegisterDatabase, clock: Callable[[], datetime]) -> None:
        self._database = database
        self._clock = clock

    # -- the catalog -------------------------------------------------------------------------

    def rules(self) -> StoreRules:
        with self._database.session() as db:
            rules = catalog.store_rules(db)
        if rules is None:
            raise CatalogNotReady()
        return rules

    def catalog(self) -> Catalog:
        with self._database.session() as db:
            rules = catalog.store_rules(db)
            if rules is None:
                raise CatalogNotReady()
            return Catalog(
                rules=rules,
                categories=tuple(catalog.categories(db)),
                products=tuple(catalog.active_products(db)),
            )

    def search(self, text: str) -> list[Product]:
        with self._database.session() as db:
            return catalog.search_products(db, text)

    # -- the ticket --------------------------------------------------------------------------

    def open_sale(self, employee: Employee) -> Sale | None:
        """The ticket this employee left open, if any."""
        with self._database.session() as db:
            return sales.open_sale_of(db, employee.id)

    def add_product(self, employee: Employee, product_id: uuid.UUID) -> Sale:
        with self._database.session() as db:
            product = catalog.product(db, product_id)
            if product is None:
                raise UnknownBarcode("This item is no longer sold. Refresh the catalog.")
            return self._add(db, employee, product)

    def scan(self, employee: Employee, code: str) -> Sale:
        """Add the item with this barcode, or say the code is unknown; nothing else changes."""
        code = code.strip()
        if not code or len(code) > MAX_BARCODE_LENGTH or not code.isprintable():
            raise UnknownBarcode("That scan could not be read. Scan the item again.")
        with self._database.session() as db:
            product = catalog.product_by_barcode(db, code)
            if product is None:
                raise UnknownBarcode(f"No item has the barcode {code}.")
            return self._add(db, employee, product)

    def _add(self, db: Session, employee: Employee, product: Product) -> Sale:
        sale = sales.open_sale_of(db, employee.id)
        if sale is None:
            rules = catalog.store_rules(db)
            if rules is None:
                raise CatalogNotReady()
            sale = sales.start(
                db,
                employee_id=employee.id,
                employee_name=employee.name,
                currency=rules.currency,
                prices_include_tax=rules.prices_include_tax,
                now=self._clock(),
            )
        sale.ensure_lines_editable()
        if product.price.currency != sale.currency:
            raise UnknownBarcode(f"{product.name} is priced in {product.price.currency}.")
        # Another of an item already on the ticket at the same price raises that line's
        # quantity; a changed price gets a line of its own, so each line has one price.
        same = next(
            (
                line
                for line in sale.lines
                if line.product_id == product.id and line.unit_price == product.price
            ),
            None,
        )
        if same is None:
            check_room_for_line(len(sale.lines))
            sales.add_line(db, sale.id, product)
        else:
            sales.set_quantity(db, sale.id, same.id, check_quantity(same.quantity + 1))
        sales.forget_tip_percent(db, sale.id)
        return self._commit_checked(db, sale.id)

    def change_quantity(self, sale_id: uuid.UUID, line_id: uuid.UUID, delta: int) -> Sale:
        with self._database.session() as db:
            sale = sales.load(db, sale_id)
            sale.ensure_lines_editable()
            line = next((line for line in sale.lines if line.id == line_id), None)
            if line is None:
                return sale
            if line.card is not None:
                check_one_card(line.quantity + delta)
            sales.set_quantity(db, sale_id, line_id, check_quantity(line.quantity + delta))
            sales.forget_tip_percent(db, sale_id)
            return self._commit_checked(db, sale_id)

    def remove_line(self, sale_id: uuid.UUID, line_id: uuid.UUID) -> Sale:
        with self._database.session() as db:
            sales.load(db, sale_id).ensure_lines_editable()
            sales.remove_line(db, sale_id, line_id)
            sales.forget_tip_percent(db, sale_id)
            db.commit()
            return sales.load(db, sale_id)

    def set_tip_percent(self, sale_id: uuid.UUID, percent: int) -> Sale:
        with self._database.session() as db:
            sale = sales.load(db, sale_id)
            rules = catalog.store_rules(db)
            base = tip_base(sale.tippable_totals, rules.tip_base if rules else TipBase.SUBTOTAL)
            tip = sale.check_tip(tip_from_percent(base, percent))
            return self._set_tip(db, sale_id, tip, percent)

    def set_tip_amount(self, sale_id: uuid.UUID, text: str) -> Sale:
        with self._database.session() as db:
            sale = sales.load(db, sale_id)
            tip = (
                Money.zero(sale.currency) if not text.strip() else Money.parse(text, sale.currency)
            )
            return self._set_tip(db, sale_id, sale.check_tip(tip))

    def _set_tip(
        self, db: Session, sale_id: uuid.UUID, tip: Money, percent: int | None = None
    ) -> Sale:
        sales.set_tip(db, sale_id, tip, percent)
        db.commit()
        return sales.load(db, sale_id)

    def _commit_checked(self, db: Session, sale_id: uuid.UUID) -> Sale:
        db.flush()
        sale = sales.load(db, sale_id)
        try:
            check_total_in_range(sale.grand_total)
        except DomainError:
            db.rollback()
            raise
        db.commit()
        return sale
