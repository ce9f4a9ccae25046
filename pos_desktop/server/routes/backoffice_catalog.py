"""The Back Office's catalog (managers only): categories, products, CSV export and import.

The rules live in pos_desktop.server.catalog; each route opens the transaction, locks the
store row (so two imports, or an import and a save, take turns) and commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain import catalog_csv
from pos_desktop.domain import product_rules as rules
from pos_desktop.server import catalog
from pos_desktop.server.deps import WITHOUT_NUL, ClockDep, ManagerDep, SessionsDep
from pos_desktop.server.models import Store

router = APIRouter(prefix="/backoffice", tags=["back office"])


@contextmanager
def _store_locked(sessions: SessionsDep, manager: ManagerDep) -> Iterator[tuple[Session, Store]]:
    """The manager's store, locked for the change; a field a rule refuses is a 422."""
    with sessions() as db:
        store = db.execute(
            select(Store).where(Store.id == manager.store.id).with_for_update()
        ).scalar_one()
        try:
            yield db, store
        except rules.FieldRefused as error:
            raise catalog.refused(error) from error


@router.get("/categories", response_model=c.CategoryList)
def list_categories(manager: ManagerDep, sessions: SessionsDep) -> c.CategoryList:
    with sessions() as db:
        return c.CategoryList(
            items=[catalog.category_out(row) for row in catalog.categories_of(db, manager.store.id)]
        )


@router.post("/categories", response_model=c.CategoryOut, status_code=201)
def add_category(
    body: c.CategoryCreate, manager: ManagerDep, sessions: SessionsDep, clock: ClockDep
) -> c.CategoryOut:
    with _store_locked(sessions, manager) as (db, store):
        category = catalog.add_category(db, store, body.name, body.colour, manager, clock.now())
        db.commit()
        return catalog.category_out(category)


@router.patch("/categories/{category_id}", response_model=c.CategoryOut)
def update_category(
    category_id: uuid.UUID,
    body: c.CategoryUpdate,
    manager: ManagerDep,
    sessions: SessionsDep,
    clock: ClockDep,
) -> c.CategoryOut:
    with _store_locked(sessions, manager) as (db, store):
        category = catalog.update_category(db, store, category_id, body, manager, clock.now())
        db.commit()
        return catalog.category_out(category)


@router.get("/products", response_model=c.ProductPage)
def list_products(
    manager: ManagerDep,
    sessions: SessionsDep,
    search: Annotated[str, Query(max_length=200, pattern=WITHOUT_NUL)] = "",
    category_id: uuid.UUID | None = None,
    archived: bool = False,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> c.ProductPage:
    """A page of products by name; ``archived`` lists the archived ones instead."""
    with sessions() as db:
        store = db.execute(select(Store).where(Store.id == manager.store.id)).scalar_one()
        return catalog.find_products(
            db,
            store,
            search=search,
            category_id=category_id,
            archived=archived,
            offset=offset,
            limit=limit,
        )


@router.post("/products", response_model=c.ProductDetail, status_code=201)
def add_product(
    body: c.ProductCreate, manager: ManagerDep, sessions: SessionsDep, clock: ClockDep
) -> c.ProductDetail:
    with _store_locked(sessions, manager) as (db, store):
        product = catalog.add_product(db, store, body, manager, clock.now())
        db.commit()
        return catalog.product_details(db, store, [product])[0]


@router.patch("/products/{product_id}", response_model=c.ProductDetail)
def update_product(
    product_id: uuid.UUID,
    body: c.ProductUpdate,
    manager: ManagerDep,
    sessions: SessionsDep,
    clock: ClockDep,
) -> c.ProductDetail:
    with _store_locked(sessions, manager) as (db, store):
        product = catalog.update_product(db, store, product_id, body, manager, clock.now())
        db.commit()
        return catalog.product_details(db, store, [product])[0]


@router.get(
    "/products/export",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The catalog as CSV"}},
)
def export_products(manager: ManagerDep, sessions: SessionsDep) -> Response:
    """Every product, archived ones too, in the columns the import takes back."""
    with sessions() as db:
        store = db.execute(select(Store).where(Store.id == manager.store.id)).scalar_one()
        text = catalog_csv.write_csv(catalog.export_rows(db, store))
    return Response(
        content=text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="products.csv"'},
    )


@router.get("/products/{product_id}", response_model=c.ProductDetail)
def get_product(
    product_id: uuid.UUID, manager: ManagerDep, sessions: SessionsDep
) -> c.ProductDetail:
    """One product as it is now: what an editor reloads after a stale save."""
    with sessions() as db:
        store = db.execute(select(Store).where(Store.id == manager.store.id)).scalar_one()
        product = catalog.product_of(db, store.id, product_id)
        return catalog.product_details(db, store, [product])[0]


@router.post("/products/import", response_model=c.ImportReport)
def import_products(
    body: c.ImportRequest, manager: ManagerDep, sessions: SessionsDep, clock: ClockDep
) -> c.ImportReport:
    """Check every row; write them all only when none has a problem and ``dry_run`` is off."""
    with _store_locked(sessions, manager) as (db, store):
        report = catalog.import_products(db, store, body, manager, clock.now())
        if report.written:
            db.commit()
        return report
