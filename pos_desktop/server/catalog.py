"""The store's catalog as managers change it: categories, products, barcodes, CSV import.

Every change bumps the row's ``version`` (a save naming an older one is refused, so two
managers never overwrite each other silently) and its ``sync_version`` (registers pull it),
and is audited in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain import catalog_csv
from pos_desktop.domain import product_rules as rules
from pos_desktop.domain.errors import ErrorCode
from pos_desktop.domain.money import Money
from pos_desktop.server import audit
from pos_desktop.server.context import EmployeeCaller
from pos_desktop.server.errors import ApiError
from pos_desktop.server.models import Category, Employee, Product, ProductBarcode, Store
from pos_desktop.server.provisioning import next_sync_version
from pos_desktop.server.views import money


def refused(error: rules.FieldRefused) -> ApiError:
    return ApiError(422, ErrorCode.INVALID_PRODUCT, str(error), field=error.field)


def stale(
    kind: str, db: Session, store: Store, by: uuid.UUID | None, at: datetime | None
) -> ApiError:
    """The manager saved over a change they had not seen: say whose and when."""
    who = db.get(Employee, by) if by is not None else None
    name = who.name if who is not None else "another manager"
    when = f" at {at.astimezone(ZoneInfo(store.timezone)):%H:%M on %d %b}" if at is not None else ""
    return ApiError(
        409,
        ErrorCode.STALE_VERSION,
        f"This {kind} was changed by {name}{when}. Reload it, then make your change again.",
        changed_by=name,
        changed_at=at.isoformat() if at is not None else None,
    )


# -- categories ----------------------------------------------------------------------------


def categories_of(db: Session, store_id: uuid.UUID) -> list[Category]:
    return list(
        db.execute(
            select(Category)
            .where(Category.store_id == store_id)
            .order_by(Category.position, Category.name)
        ).scalars()
    )


def category_out(category: Category) -> c.CategoryOut:
    return c.CategoryOut(
        id=category.id,
        name=category.name,
        position=category.position,
        colour=category.colour,
        version=category.version,
    )


def _name_taken(db: Session, store_id: uuid.UUID, name: str, other_than: uuid.UUID | None) -> None:
    # Compared here, not in SQL: SQLite's lower() folds ASCII only, and Python's lower() turns
    # some letters into two, so neither database's lower() agrees with the other or with us.
    wanted = name.casefold()
    for category in categories_of(db, store_id):
        if category.id != other_than and category.name.casefold() == wanted:
            raise ApiError(
                409, ErrorCode.CATEGORY_TAKEN, f"A category named “{name}” exists.", field="name"
            )


def add_category(
    db: Session,
    store: Store,
    name: str,
    colour: str | None,
    by: EmployeeCaller | None,
    at: datetime,
) -> Category:
    name = rules.category_name(name)
    _name_taken(db, store.id, name, None)
    position = int(
        db.execute(
            select(func.count()).select_from(Category).where(Category.store_id == store.id)
        ).scalar_one()
    )
    category = Category(
        id=uuid.uuid4(),
        store_id=store.id,
        name=name,
        position=position,
        colour=rules.colour(colour) if colour else rules.default_colour(position),
        version=1,
        sync_version=next_sync_version(db),
    )
    db.add(category)
    audit.record(
        db,
        store_id=store.id,
        by=by,
        action=audit.AuditAction.CATEGORY_CREATED,
        target=(audit.TargetKind.CATEGORY, category.id),
        changes={
            "name": {"old": None, "new": name},
            "colour": {"old": None, "new": category.colour},
        },
        at=at,
    )
    return category


def update_category(
    db: Session,
    store: Store,
    category_id: uuid.UUID,
    body: c.CategoryUpdate,
    by: EmployeeCaller,
    at: datetime,
) -> Category:
    category = db.execute(
        select(Category)
        .where(Category.id == category_id, Category.store_id == store.id)
        .with_for_update()
    ).scalar()
    if category is None:
        raise ApiError(404, ErrorCode.CATEGORY_NOT_FOUND, "No category of this store has this id.")
    if body.version != category.version:
        raise stale("category", db, store, None, None)
    wanted: dict[str, Any] = {}
    if body.name is not None:
        wanted["name"] = rules.category_name(body.name)
        _name_taken(db, store.id, wanted["name"], category.id)
    if body.colour is not None:
        wanted["colour"] = rules.colour(body.colour)
    changes = audit.diff({"name": category.name, "colour": category.colour}, wanted)
    moved = body.position is not None and body.position != category.position
    if not changes and not moved:
        return category
    version = next_sync_version(db)
    if moved and body.position is not None:
        changes["position"] = _move(db, store.id, category, body.position, version)
    for field in ("name", "colour"):
        if field in changes:
            setattr(category, field, changes[field]["new"])
    category.version += 1
    category.sync_version = version
    if "name" in changes:
        # Products carry their category's name to registers: they go again.
        db.execute(
            update(Product)
            .where(Product.category_id == category.id)
            .values(sync_version=version)
            .execution_options(synchronize_session=False)
        )
    audit.record(
        db,
        store_id=store.id,
        by=by,
        action=audit.AuditAction.CATEGORY_UPDATED,
        target=(audit.TargetKind.CATEGORY, category.id),
        changes=changes,
        at=at,
    )
    return category


def _move(
    db: Session, store_id: uuid.UUID, category: Category, position: int, version: int
) -> dict[str, int]:
    """Put ``category`` at ``position`` and number the others around it 0, 1, 2…"""
    others = [row for row in categories_of(db, store_id) if row.id != category.id]
    place = min(position, len(others))
    old = category.position
    for index, row in enumerate([*others[:place], category, *others[place:]]):
        if row.position != index:
            row.position = index
            row.sync_version = version
    return {"old": old, "new": category.position}


# -- products ------------------------------------------------------------------------------


def _product(db: Session, store_id: uuid.UUID, product_id: uuid.UUID) -> Product:
    product = db.execute(
        select(Product)
        .where(Product.id == product_id, Product.store_id == store_id)
        .with_for_update()
    ).scalar()
    if product is None:
        raise ApiError(404, ErrorCode.PRODUCT_NOT_FOUND, "No product of this store has this id.")
    return product


def product_of(db: Session, store_id: uuid.UUID, product_id: uuid.UUID) -> Product:
    """The store's product, read without a lock; 404 when it has none with this id."""
    product = db.execute(
        select(Product).where(Product.id == product_id, Product.store_id == store_id)
    ).scalar()
    if product is None:
        raise ApiError(404, ErrorCode.PRODUCT_NOT_FOUND, "No product of this store has this id.")
    return product


def _category(db: Session, store_id: uuid.UUID, category_id: uuid.UUID) -> Category:
    category = db.execute(
        select(Category).where(Category.id == category_id, Category.store_id == store_id)
    ).scalar()
    if category is None:
        raise ApiError(
            422,
            ErrorCode.CATEGORY_NOT_FOUND,
            "That category no longer exists: reload and pick another.",
            field="category",
        )
    return category


def barcodes_of(db: Session, product_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    found: dict[uuid.UUID, list[str]] = {}
    ids = list(product_ids)
    if not ids:
        return found
    rows = db.execute(
        select(ProductBarcode.product_id, ProductBarcode.code)
        .where(ProductBarcode.product_id.in_(ids))
        .order_by(ProductBarcode.product_id, ProductBarcode.position)
    ).all()
    for product_id, code in rows:
        found.setdefault(product_id, []).append(code)
    return found


def _check_barcodes_free(
    db: Session, store_id: uuid.UUID, codes: Sequence[str], product_id: uuid.UUID
) -> None:
    if not codes:
        return
    taken = db.execute(
        select(ProductBarcode.code, Product.name)
        .join(Product, Product.id == ProductBarcode.product_id)
        .where(
            ProductBarcode.store_id == store_id,
            ProductBarcode.code.in_(list(codes)),
            ProductBarcode.product_id != product_id,
        )
        .order_by(ProductBarcode.code)
    ).first()
    if taken is not None:
        error = rules.BarcodeTaken(taken.code, taken.name).refusal()
        raise ApiError(409, ErrorCode.BARCODE_TAKEN, str(error), field=error.field)


def _set_barcodes(
    db: Session, store_id: uuid.UUID, product_id: uuid.UUID, codes: Sequence[str]
) -> None:
    db.execute(delete(ProductBarcode).where(ProductBarcode.product_id == product_id))
    db.flush()
    for position, code in enumerate(codes):
        db.add(
            ProductBarcode(store_id=store_id, code=code, product_id=product_id, position=position)
        )


def _product_values(product: Product, category_name: str, codes: list[str]) -> dict[str, Any]:
    """The product's fields as the audit log compares them."""
    return {
        "name": product.name,
        "category": category_name,
        "price": product.price,
        "tax_rate_bp": product.tax_rate_bp,
        "barcodes": codes,
        "active": product.active,
    }


def add_product(
    db: Session, store: Store, body: c.ProductCreate, by: EmployeeCaller, at: datetime
) -> Product:
    name = rules.product_name(body.name)
    codes = rules.barcodes(body.barcodes)
    category = _category(db, store.id, body.category_id)
    product = Product(
        id=uuid.uuid4(),
        store_id=store.id,
        name=name,
        category_id=category.id,
        price=rules.price_minor(body.price),
        tax_rate_bp=rules.tax_rate_bp_value(body.tax_rate_bp),
        active=body.active,
        sync_version=next_sync_version(db),
        version=1,
        updated_at=at,
        updated_by=by.employee_id,
    )
    _check_barcodes_free(db, store.id, codes, product.id)
    db.add(product)
    db.flush()
    _set_barcodes(db, store.id, product.id, codes)
    audit.record(
        db,
        store_id=store.id,
        by=by,
        action=audit.AuditAction.PRODUCT_CREATED,
        target=(audit.TargetKind.PRODUCT, product.id),
        changes=audit.diff({}, _product_values(product, category.name, codes)),
        at=at,
    )
    return product


def update_product(
    db: Session,
    store: Store,
    product_id: uuid.UUID,
    body: c.ProductUpdate,
    by: EmployeeCaller,
    at: datetime,
) -> Product:
    product = _product(db, store.id, product_id)
    if body.version != product.version:
        raise stale("product", db, store, product.updated_by, product.updated_at)
    category = _category(db, store.id, product.category_id)
    codes = barcodes_of(db, [product.id]).get(product.id, [])
    before = _product_values(product, category.name, codes)
    wanted: dict[str, Any] = {}
    if body.name is not None:
        wanted["name"] = rules.product_name(body.name)
    if body.category_id is not None:
        category = _category(db, store.id, body.category_id)
        wanted["category"] = category.name
    if body.price is not None:
        wanted["price"] = rules.price_minor(body.price)
    if body.tax_rate_bp is not None:
        wanted["tax_rate_bp"] = rules.tax_rate_bp_value(body.tax_rate_bp)
    if body.barcodes is not None:
        wanted["barcodes"] = rules.barcodes(body.barcodes)
        _check_barcodes_free(db, store.id, wanted["barcodes"], product.id)
    if body.active is not None:
        wanted["active"] = body.active
    changes = audit.diff(before, wanted)
    if not changes:
        return product
    product.category_id = category.id
    for field in ("name", "price", "tax_rate_bp", "active"):
        if field in changes:
            setattr(product, field, changes[field]["new"])
    if "barcodes" in changes:
        _set_barcodes(db, store.id, product.id, changes["barcodes"]["new"])
    product.version += 1
    product.updated_at = at
    product.updated_by = by.employee_id
    product.sync_version = next_sync_version(db)
    audit.record(
        db,
        store_id=store.id,
        by=by,
        action=audit.AuditAction.PRODUCT_UPDATED,
        target=(audit.TargetKind.PRODUCT, product.id),
        changes=changes,
        at=at,
    )
    return product


def product_details(
    db: Session, store: Store, products: Sequence[Product]
) -> list[c.ProductDetail]:
    """Products as the Back Office shows them, in three queries whatever their number."""
    codes = barcodes_of(db, [p.id for p in products])
    names = dict(
        db.execute(
            select(Category.id, Category.name).where(
                Category.id.in_({p.category_id for p in products})
            )
        ).all()
    )
    editor_ids = {p.updated_by for p in products if p.updated_by is not None}
    editors = (
        dict(
            db.execute(select(Employee.id, Employee.name).where(Employee.id.in_(editor_ids))).all()
        )
        if editor_ids
        else {}
    )
    return [
        c.ProductDetail(
            id=p.id,
            name=p.name,
            category_id=p.category_id,
            category=names.get(p.category_id, ""),
            price=money(p.price, store.currency),
            tax_rate_bp=p.tax_rate_bp,
            barcodes=codes.get(p.id, []),
            active=p.active,
            version=p.version,
            updated_at=p.updated_at,
            updated_by=c.EmployeeRef(id=p.updated_by, name=editors[p.updated_by])
            if p.updated_by in editors and p.updated_by is not None
            else None,
        )
        for p in products
    ]


def find_products(
    db: Session,
    store: Store,
    *,
    search: str,
    category_id: uuid.UUID | None,
    archived: bool,
    offset: int,
    limit: int,
) -> c.ProductPage:
    """A page of the store's products by name (a name containing ``search``, or a barcode
    equal to it), active ones unless ``archived``."""
    query = select(Product).where(Product.store_id == store.id, Product.active.is_(not archived))
    if category_id is not None:
        query = query.where(Product.category_id == category_id)
    needle = search.strip()
    if needle:
        by_code = select(ProductBarcode.product_id).where(
            ProductBarcode.store_id == store.id, ProductBarcode.code == needle
        )
        query = query.where(
            or_(
                Product.name.ilike(f"%{_escape_like(needle)}%", escape="\\"),
                Product.id.in_(by_code),
            )
        )
    total = int(db.execute(select(func.count()).select_from(query.subquery())).scalar_one())
    rows = list(
        db.execute(
            query.order_by(func.lower(Product.name), Product.id).offset(offset).limit(limit)
        ).scalars()
    )
    return c.ProductPage(items=product_details(db, store, rows), total=total)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def export_rows(db: Session, store: Store) -> list[catalog_csv.ExportRow]:
    products = list(
        db.execute(
            select(Product, Category.name)
            .join(Category, Category.id == Product.category_id)
            .where(Product.store_id == store.id)
            .order_by(Category.position, func.lower(Product.name), Product.id)
        ).all()
    )
    codes = _store_barcodes(db, store.id)
    by_product: dict[uuid.UUID, list[str]] = {}
    for code, (product_id, _) in codes.items():
        by_product.setdefault(product_id, []).append(code)
    return [
        catalog_csv.ExportRow(
            id=str(p.id),
            name=p.name,
            category=category,
            price=Money(p.price, store.currency),
            tax_rate_bp=p.tax_rate_bp,
            barcodes=tuple(by_product.get(p.id, [])),
            active=p.active,
        )
        for p, category in products
    ]


def _store_barcodes(db: Session, store_id: uuid.UUID) -> dict[str, tuple[uuid.UUID, str]]:
    """Every barcode of the store: code → (product id, product name), in each product's order."""
    rows = db.execute(
        select(ProductBarcode.code, Product.id, Product.name)
        .join(Product, Product.id == ProductBarcode.product_id)
        .where(ProductBarcode.store_id == store_id)
        .order_by(ProductBarcode.product_id, ProductBarcode.position)
    ).all()
    return {code: (product_id, name) for code, product_id, name in rows}


# -- CSV import ----------------------------------------------------------------------------

_CHUNK = 1000  # ids in one IN (...) of a bulk statement


class _Import:
    """One import: checks every row against the file and the store, then writes all or none."""

    def __init__(self, db: Session, store: Store, rows: Sequence[c.ImportRow]) -> None:
        self.db = db
        self.store = store
        self.rows = rows
        self.categories = {row.name.casefold(): row for row in categories_of(db, store.id)}
        self.barcodes = _store_barcodes(db, store.id)
        wanted = {_uuid(row.id) for row in rows} - {None}
        self.existing = (
            {
                p.id: p
                for p in db.execute(
                    select(Product).where(Product.store_id == store.id, Product.id.in_(wanted))
                ).scalars()
            }
            if wanted
            else {}
        )
        self.problems: list[c.ImportProblem] = []
        self.plan: list[tuple[Product | None, catalog_csv.ProductDraft, Category]] = []

    def check(self) -> None:
        in_file: dict[str, int] = {}
        for row in self.rows:
            try:
                self.plan.append(self._checked(row, in_file))
            except rules.FieldRefused as error:
                self.problems.append(
                    c.ImportProblem(line=row.line, field=error.field, message=str(error))
                )

    def _checked(
        self, row: c.ImportRow, in_file: dict[str, int]
    ) -> tuple[Product | None, catalog_csv.ProductDraft, Category]:
        existing: Product | None = None
        if row.id.strip():
            product_id = _uuid(row.id)
            existing = self.existing.get(product_id) if product_id is not None else None
            if existing is None:
                raise rules.FieldRefused(
                    "id",
                    f"Id “{row.id.strip()[:40]}” is no product of this store: leave it "
                    "empty to add a new product.",
                )
        draft = catalog_csv.draft_of(catalog_csv.CsvRow(**row.model_dump()), self.store.currency)
        category = self.categories.get(draft.category.casefold())
        if category is None:
            raise rules.FieldRefused(
                "category",
                f"Category “{draft.category}” does not exist: add it on the Categories page, "
                "or use one that does.",
            )
        for code in draft.barcodes:
            if code in in_file:
                raise rules.FieldRefused(
                    "barcodes", f"Barcode {code} is on line {in_file[code]} of the file too."
                )
            owner = self.barcodes.get(code)
            if owner is not None and (existing is None or owner[0] != existing.id):
                raise rules.BarcodeTaken(code, owner[1]).refusal()
        for code in draft.barcodes:
            in_file[code] = row.line
        return existing, draft, category

    def write(self, by: EmployeeCaller, at: datetime) -> tuple[int, int]:
        version = next_sync_version(self.db)
        created: list[dict[str, Any]] = []
        codes: list[dict[str, Any]] = []
        entries: list[dict[str, Any]] = []
        renewed: list[uuid.UUID] = []  # products changed: their barcodes are written anew
        old_codes = barcodes_of(self.db, self.existing)
        for existing, draft, category in self.plan:
            values = _draft_values(draft, category)
            if existing is None:
                product_id = uuid.uuid4()
                created.append(
                    {
                        "id": product_id,
                        "store_id": self.store.id,
                        "name": draft.name,
                        "category_id": category.id,
                        "price": draft.price.minor,
                        "tax_rate_bp": draft.tax_rate_bp,
                        "active": draft.active,
                        "sync_version": version,
                        "version": 1,
                        "updated_at": at,
                        "updated_by": by.employee_id,
                    }
                )
                changes = audit.diff({}, values)
                action = audit.AuditAction.PRODUCT_CREATED
            else:
                product_id = existing.id
                before_category = self._category_name(existing.category_id)
                changes = audit.diff(
                    _product_values(existing, before_category, old_codes.get(existing.id, [])),
                    values,
                )
                if not changes:
                    continue
                existing.name = draft.name
                existing.category_id = category.id
                existing.price = draft.price.minor
                existing.tax_rate_bp = draft.tax_rate_bp
                existing.active = draft.active
                existing.version += 1
                existing.updated_at = at
                existing.updated_by = by.employee_id
                existing.sync_version = version
                renewed.append(existing.id)
                action = audit.AuditAction.PRODUCT_UPDATED
            codes.extend(
                {"store_id": self.store.id, "code": code, "product_id": product_id, "position": i}
                for i, code in enumerate(draft.barcodes)
            )
            entries.append(
                audit.entry_values(
                    store_id=self.store.id,
                    by=by,
                    action=action,
                    target=(audit.TargetKind.PRODUCT, product_id),
                    changes=changes,
                    at=at,
                )
            )
        self.db.flush()
        # In chunks, not a statement a product: 10,000 deletes one by one took a minute.
        for start in range(0, len(renewed), _CHUNK):
            self.db.execute(
                delete(ProductBarcode)
                .where(ProductBarcode.product_id.in_(renewed[start : start + _CHUNK]))
                .execution_options(synchronize_session=False)
            )
        if created:
            self.db.execute(insert(Product), created)
        if codes:
            self.db.execute(insert(ProductBarcode), codes)
        audit.record_many(self.db, entries)
        return len(created), len(renewed)

    def _category_name(self, category_id: uuid.UUID) -> str:
        for category in self.categories.values():
            if category.id == category_id:
                return category.name
        return ""

    def counts(self) -> tuple[int, int]:
        """How many rows would add a product, and how many would change one (a row that
        leaves its product as it is counts as neither, as the import itself counts)."""
        old_codes = barcodes_of(self.db, self.existing)
        new = changed = 0
        for existing, draft, category in self.plan:
            if existing is None:
                new += 1
                continue
            before = _product_values(
                existing,
                self._category_name(existing.category_id),
                old_codes.get(existing.id, []),
            )
            if audit.diff(before, _draft_values(draft, category)):
                changed += 1
        return new, changed


def _draft_values(draft: catalog_csv.ProductDraft, category: Category) -> dict[str, Any]:
    """A row's values as the audit log compares them (see ``_product_values``)."""
    return {
        "name": draft.name,
        "category": category.name,
        "price": draft.price.minor,
        "tax_rate_bp": draft.tax_rate_bp,
        "barcodes": list(draft.barcodes),
        "active": draft.active,
    }


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return None


def import_products(
    db: Session, store: Store, request: c.ImportRequest, by: EmployeeCaller, at: datetime
) -> c.ImportReport:
    work = _Import(db, store, request.rows)
    work.check()
    if work.problems or request.dry_run:
        created, updated = work.counts()
        return c.ImportReport(
            created=created, updated=updated, problems=work.problems, written=False
        )
    created, updated = work.write(by, at)
    return c.ImportReport(created=created, updated=updated, problems=[], written=True)


def sync_categories(db: Session, store_id: uuid.UUID, since: int, upto: int) -> list[c.CategoryOut]:
    rows = db.execute(
        select(Category)
        .where(
            Category.store_id == store_id,
            Category.sync_version > since,
            Category.sync_version <= upto,
        )
        .order_by(Category.sync_version)
    ).scalars()
    return [category_out(row) for row in rows]


def sync_products(db: Session, store: Store, since: int, upto: int) -> list[c.ProductOut]:
    """Products changed in (since, upto], oldest change first, each with its barcodes."""
    changed = (
        Product.store_id == store.id,
        Product.sync_version > since,
        Product.sync_version <= upto,
    )
    rows = list(
        db.execute(
            select(Product, Category.name)
            .join(Category, Category.id == Product.category_id)
            .where(*changed)
            .order_by(Product.sync_version, Product.id)
        ).all()
    )
    codes: dict[uuid.UUID, list[str]] = {}
    for product_id, code in db.execute(
        select(ProductBarcode.product_id, ProductBarcode.code)
        .join(Product, Product.id == ProductBarcode.product_id)
        .where(*changed)
        .order_by(ProductBarcode.product_id, ProductBarcode.position)
    ).all():
        codes.setdefault(product_id, []).append(code)
    return [
        c.ProductOut(
            id=p.id,
            name=p.name,
            category=category,
            category_id=p.category_id,
            price=money(p.price, store.currency),
            tax_rate_bp=p.tax_rate_bp,
            barcode=next(iter(codes.get(p.id, [])), None),
            barcodes=codes.get(p.id, []),
            active=p.active,
        )
        for p, category in rows
    ]
