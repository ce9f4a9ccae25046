"""The register's copy of the catalog, employees and store settings, as pulled from the server.

Rows stay in this module: callers get ``Product`` and ``StoreRules``. Functions take an open
Session and never commit, so a pull is saved in the caller's single transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from pos_desktop.contracts import (
    CategoryOut,
    MoneyOut,
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
from pos_desktop.domain.catalog import CategoryButton, Product, StoreRules
from pos_desktop.domain.money import Money
from pos_desktop.domain.roles import role_named
from pos_desktop.domain.tender import TipBase

CURSOR_KEY = "sync_cursor"
_UNPLACED = 1_000_000  # after every category the Back Office placed
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


def _money(amount: MoneyOut | None) -> Money | None:
    return amount.to_money() if amount is not None else None


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
        min_card_amount=_money(settings.min_card_amount),
        max_card_amount=_money(settings.max_card_amount),
        giftcard_pays_giftcard=settings.giftcard_pays_giftcard,
        cash_out_below=_money(settings.cash_out_below),
    )


def active_products(db: Session) -> list[Product]:
    """Every product on sale, by category in the Back Office's order (then by name, for a
    category no server sent), then by name: the checkout's grid. Read as plain columns, not
    ORM rows: a catalog of thousands loads in milliseconds."""
    # One place a name, whatever rows a pull in progress holds.
    placed = (
        select(CategoryRow.name, func.min(CategoryRow.position).label("position"))
        .group_by(CategoryRow.name)
        .subquery()
    )
    rows = db.execute(
        select(*_PRODUCT_COLUMNS)
        .outerjoin(placed, placed.c.name == ProductRow.category)
        .where(ProductRow.active.is_(True))
        .order_by(
            func.coalesce(placed.c.position, _UNPLACED),
            ProductRow.category.collate("NOCASE"),
            ProductRow.name.collate("NOCASE"),
            ProductRow.id,
        )
    )
    return [_product_of(*row) for row in rows]


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
    # "Éclair". Only the names and ids are read for that (10,000 in a few milliseconds), and
    # the whole rows of the matches.
    names = db.execute(
        select(ProductRow.id, ProductRow.name).where(ProductRow.active.is_(True))
    ).all()
    found = sorted(
        (
            (name.casefold(), str(product_id), product_id)
            for product_id, name in names
            if folded in name.casefold()
            or (scanned is not None and scanned.product_id == product_id)
        )
    )[:limit]
    if not found:
        return []
    rows = {
        row[0]: row
        for row in db.execute(
            select(*_PRODUCT_COLUMNS).where(ProductRow.id.in_([pid for *_, pid in found]))
        )
    }
    return [_product_of(*rows[pid]) for *_, pid in found if pid in rows]


def categories(db: Session) -> list[CategoryButton]:
    """Categories that have at least one active product, in the Back Office's order (then by
    name, for a category a server from before the Back Office did not send), each with its
    colour."""
    names = set(
        db.execute(select(ProductRow.category).where(ProductRow.active.is_(True))).scalars()
    )
    placed = {
        row.name: row
        for row in db.execute(select(CategoryRow).where(CategoryRow.name.in_(names))).scalars()
    }
    last = len(placed)

    def order(name: str) -> tuple[int, str]:
        row = placed.get(name)
        return (row.position if row is not None else last, name.casefold())

    return [
        CategoryButton(name, placed[name].colour if name in placed else None)
        for name in sorted(names, key=order)
    ]


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

    A code another product had moves here: the server keeps each code on one product. In a
    few statements whatever the number of products (a first pull brings the whole catalog)."""
    wanted = {p.id: p.barcodes or ([p.barcode] if p.barcode else []) for p in products}
    held: dict[uuid.UUID, list[str]] = {}
    for chunk in _chunks(list(wanted)):
        for product_id, code in db.execute(
            select(BarcodeRow.product_id, BarcodeRow.code)
            .where(BarcodeRow.product_id.in_(chunk))
            .order_by(BarcodeRow.product_id, BarcodeRow.position)
        ):
            held.setdefault(product_id, []).append(code)
    changed = {
        product_id for product_id, codes in wanted.items() if held.get(product_id, []) != codes
    }
    if not changed:
        return changed
    moving = [code for product_id in changed for code in wanted[product_id]]
    for chunk in _chunks(list(changed)):
        db.execute(delete(BarcodeRow).where(BarcodeRow.product_id.in_(chunk)))
    for chunk in _chunks(moving):
        db.execute(delete(BarcodeRow).where(BarcodeRow.code.in_(chunk)))
    rows = [
        {"code": code, "product_id": product_id, "position": position}
        for product_id in changed
        for position, code in enumerate(wanted[product_id])
    ]
    if rows:
        db.execute(insert(BarcodeRow), rows)
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


def employee_role(db: Session, employee_id: uuid.UUID) -> Role | None:
    """The role of an active employee on this register's copy of the staff; None otherwise."""
    row = db.get(EmployeeRow, employee_id)
    if row is None or not row.active:
        return None
    return role_named(row.role)


def pin_verifiers(db: Session) -> list[PinVerifier]:
    """Every active employee's verifier, for logging in while the server is away."""
    rows = db.execute(
        select(EmployeeRow).where(EmployeeRow.active.is_(True)).order_by(EmployeeRow.name)
    ).scalars()
    return [PinVerifier(row.id, row.name, role_named(row.role), row.pin_hash) for row in rows]


def _employee_values(e: SyncEmployee) -> dict[str, Any]:
    return {"name": e.name, "role": e.role, "pin_hash": e.pin_hash, "active": e.active}


def _upsert(
    db: Session,
    model: type[ProductRow] | type[EmployeeRow] | type[CategoryRow],
    incoming: Iterable[tuple[uuid.UUID, dict[str, Any]]],
) -> set[uuid.UUID]:
    """Insert or update rows by id; returns the ids of those that were new or differed.

    The rows held are read a chunk at a time and written in bulk: a first pull of a large
    catalog is a few statements, not two for every product."""
    sent = dict(incoming)
    if not sent:
        return set()
    names = list(next(iter(sent.values())))
    columns = [getattr(model, name) for name in names]
    held: dict[uuid.UUID, tuple[Any, ...]] = {}
    for chunk in _chunks(list(sent)):
        for row in db.execute(select(model.id, *columns).where(model.id.in_(chunk))):
            held[row[0]] = tuple(row[1:])
    new = [{"id": row_id, **values} for row_id, values in sent.items() if row_id not in held]
    differ = [
        {"id": row_id, **values}
        for row_id, values in sent.items()
        if row_id in held and held[row_id] != tuple(values[name] for name in names)
    ]
    if new:
        db.execute(insert(model), new)
    if differ:
        db.execute(update(model), differ)
    return {row["id"] for row in (*new, *differ)}


def _chunks(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    """``items`` in lists of ``size``: under SQLite's limit of bound parameters."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


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


_PRODUCT_COLUMNS = (
    ProductRow.id,
    ProductRow.name,
    ProductRow.category,
    ProductRow.price,
    ProductRow.currency,
    ProductRow.tax_rate_bp,
)


def _product_of(
    product_id: uuid.UUID, name: str, category: str, price: int, currency: str, tax_rate_bp: int
) -> Product:
    return Product(
        id=product_id,
        name=name,
        category=category,
        price=Money(price, currency),
        tax_rate_bp=tax_rate_bp,
        barcode=None,
    )


def _product(row: ProductRow, barcode: str | None = None) -> Product:
    return Product(
        id=row.id,
        name=row.name,
        category=row.category,
        price=Money(row.price, row.currency),
        tax_rate_bp=row.tax_rate_bp,
        barcode=barcode,
    )
