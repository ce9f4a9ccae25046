"""The register's copy of the catalog, employees and store settings, as pulled from the server.

Rows stay in this module: callers get ``Product`` and ``StoreRules``. Functions take an open
Session and never commit, so a pull is saved in the caller's single transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pos_desktop.contracts import (
    CategoryOut,
    ProductOut,
    PullResponse,
    Role,
    StoreSettings,
    SyncEmployee,
)
from pos_desktop.db.models import Category as CategoryRow
from pos_desktop.db.models import Employee as EmployeeRow
from pos_desktop.db.models import Product as ProductRow
from pos_desktop.db.models import ProductBarcode as BarcodeRow
from pos_desktop.db.models import Setting
from pos_desktop.domain.catalog import Product, StoreRules
from pos_desktop.domain.money import Money
from pos_desktop.domain.tender import TipBase

CURSOR_KEY = "sync_cursor"
SETTINGS_KEY = "store_settings"


@dataclass(frozen=True, slots=True)
class CatalogChange:
    """What a pull changed on this register; rows the server resent unchanged do not count."""

    products: int = 0
    employees: int = 0
    settings: bool = False
    categories: int = 0

    @property
    def any(self) -> bool:
        return bool(self.products or self.employees or self.settings or self.categories)


def save_pull(db: Session, pull: PullResponse) -> CatalogChange:
    """Upsert what the server sent and move the cursor; the caller commits."""
    products = _upsert(db, ProductRow, ((p.id, _product_values(p)) for p in pull.products))
    products |= _save_barcodes(db, pull.products)
    categories = _upsert(db, CategoryRow, ((k.id, _category_values(k)) for k in pull.categories))
    employees = _upsert(db, EmployeeRow, ((e.id, _employee_values(e)) for e in pull.employees))
    settings = pull.settings is not None and _put(db, SETTINGS_KEY, pull.settings.model_dump_json())
    _put(db, CURSOR_KEY, pull.cursor)
    return CatalogChange(
        products=len(products),
        employees=len(employees),
        settings=settings,
        categories=len(categories),
    )


def sync_cursor(db: Session) -> str | None:
    return _get(db, CURSOR_KEY)


def store_rules(db: Session) -> StoreRules | None:
    """The store's settings as last pulled; None before the first pull brought them."""
    saved = _get(db, SETTINGS_KEY)
    if saved is None:
        return None
    settings = StoreSettings.model_validate_json(saved)
    return StoreRules(
        name=settings.store_name,
        currency=settings.currency,
        locale=settings.locale,
        timezone=settings.timezone,
        prices_include_tax=settings.prices_include_tax,
        idle_lock_seconds=settings.idle_lock_seconds,
        tenders=tuple(settings.tenders),
        tip_base=TipBase(settings.tip_base),
        address=settings.address,
        phone=settings.phone,
        receipt_header=settings.receipt_header,
        receipt_footer=settings.receipt_footer,
        tip_presets=tuple(settings.tip_presets),
        approvals=frozenset(settings.approvals),
        tax_rates=tuple((rate.name, rate.rate_bp) for rate in settings.tax_rates),
    )


def active_products(db: Session) -> list[Product]:
    rows = db.execute(
        select(ProductRow)
        .where(ProductRow.active.is_(True))
        .order_by(
            ProductRow.category.collate("NOCASE"), ProductRow.name.collate("NOCASE"), ProductRow.id
        )
    ).scalars()
    return [_product(row) for row in rows]


def product(db: Session, product_id: uuid.UUID) -> Product | None:
    row = db.get(ProductRow, product_id)
    return _product(row) if row is not None and row.active else None


def product_by_barcode(db: Session, code: str) -> Product | None:
    code = code.strip()
    if not code:
        return None
    row = (
        db.execute(
            select(ProductRow)
            .join(BarcodeRow, BarcodeRow.product_id == ProductRow.id)
            .where(BarcodeRow.code == code, ProductRow.active.is_(True))
        )
        .scalars()
        .first()
    )
    return _product(row, code) if row is not None else None


def search_products(db: Session, text: str, limit: int = 50) -> list[Product]:
    """Active products whose name contains ``text`` (any case) or whose barcode is ``text``."""
    needle = text.strip()
    if not needle or limit <= 0:
        return []
    folded = needle.casefold()
    scanned = db.get(BarcodeRow, needle)
    # Matched in Python: SQLite's lower() and LIKE fold ASCII only, so "éclair" would miss
    # "Éclair". A store's catalog is a few thousand rows at most, cheap to scan.
    found = [
        row
        for row in db.execute(select(ProductRow).where(ProductRow.active.is_(True))).scalars()
        if folded in row.name.casefold() or (scanned is not None and scanned.product_id == row.id)
    ]
    found.sort(key=lambda row: (row.name.casefold(), str(row.id)))
    return [_product(row) for row in found[:limit]]


def categories(db: Session) -> list[str]:
    """Categories that have at least one active product, in the Back Office's order (then by
    name, for a category a server from before the Back Office did not send)."""
    names = set(
        db.execute(select(ProductRow.category).where(ProductRow.active.is_(True))).scalars()
    )
    placed = {
        row.name: row.position
        for row in db.execute(select(CategoryRow).where(CategoryRow.name.in_(names))).scalars()
    }
    return sorted(names, key=lambda name: (placed.get(name, len(placed)), name.casefold()))


# -- rows ----------------------------------------------------------------------------------


def _product_values(p: ProductOut) -> dict[str, Any]:
    return {
        "name": p.name,
        "category": p.category,
        "price": p.price.amount,
        "currency": p.price.currency,
        "tax_rate_bp": p.tax_rate_bp,
        "active": p.active,
    }


def _category_values(k: CategoryOut) -> dict[str, Any]:
    return {"name": k.name, "position": k.position, "colour": k.colour}


def _save_barcodes(db: Session, products: Iterable[ProductOut]) -> set[uuid.UUID]:
    """Give each product the barcodes it was sent with; returns the products whose changed.

    A code another product had moves here: the server keeps each code on one product."""
    changed: set[uuid.UUID] = set()
    for p in products:
        wanted = p.barcodes or ([p.barcode] if p.barcode else [])
        held = db.execute(
            select(BarcodeRow.code)
            .where(BarcodeRow.product_id == p.id)
            .order_by(BarcodeRow.position)
        ).scalars()
        if list(held) == wanted:
            continue
        db.execute(delete(BarcodeRow).where(BarcodeRow.product_id == p.id))
        if wanted:
            db.execute(delete(BarcodeRow).where(BarcodeRow.code.in_(wanted)))
        db.add_all(
            BarcodeRow(code=code, product_id=p.id, position=position)
            for position, code in enumerate(wanted)
        )
        db.flush()
        changed.add(p.id)
    return changed


@dataclass(frozen=True, slots=True)
class PinVerifier:
    """An active employee and the argon2id verifier of their PIN, as the server sent it."""

    employee_id: uuid.UUID
    name: str
    role: Role
    pin_hash: str


def employee_active(db: Session, employee_id: uuid.UUID) -> bool:
    """This register's copy of the staff does not say the employee was deactivated: one it
    has not pulled yet (added since its last sync) is active, since the server let them in."""
    row = db.get(EmployeeRow, employee_id)
    return row is None or row.active


def pin_verifiers(db: Session) -> list[PinVerifier]:
    """Every active employee's verifier, for logging in while the server is away."""
    rows = db.execute(
        select(EmployeeRow).where(EmployeeRow.active.is_(True)).order_by(EmployeeRow.name)
    ).scalars()
    return [
        PinVerifier(
            row.id, row.name, "manager" if row.role == "manager" else "cashier", row.pin_hash
        )
        for row in rows
    ]


def _employee_values(e: SyncEmployee) -> dict[str, Any]:
    return {"name": e.name, "role": e.role, "pin_hash": e.pin_hash, "active": e.active}


def _upsert(
    db: Session,
    model: type[ProductRow] | type[EmployeeRow] | type[CategoryRow],
    incoming: Iterable[tuple[uuid.UUID, dict[str, Any]]],
) -> set[uuid.UUID]:
    """Insert or update rows by id; returns the ids of those that were new or differed."""
    changed: set[uuid.UUID] = set()
    for row_id, values in incoming:
        row = db.get(model, row_id)
        if row is None:
            db.add(model(id=row_id, **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
        else:
            continue
        changed.add(row_id)
    return changed


def _get(db: Session, key: str) -> str | None:
    row = db.get(Setting, key)
    return row.value if row is not None else None


def _put(db: Session, key: str, value: str) -> bool:
    """Store a setting; True when its value changed."""
    row = db.get(Setting, key)
    if row is None:
        db.add(Setting(key=key, value=value))
        return True
    if row.value == value:
        return False
    row.value = value
    return True


def _product(row: ProductRow, barcode: str | None = None) -> Product:
    return Product(
        id=row.id,
        name=row.name,
        category=row.category,
        price=Money(row.price, row.currency),
        tax_rate_bp=row.tax_rate_bp,
        barcode=barcode,
    )
