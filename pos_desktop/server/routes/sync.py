from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.approvals import ApprovalAction
from pos_desktop.domain.errors import ErrorCode
from pos_desktop.domain.roles import OWNER, role_named
from pos_desktop.server import audit, card_sales, catalog, shifts, ticket_rows
from pos_desktop.server.deps import WITHOUT_NUL, ClockDep, KeysDep, RegisterDep, SessionsDep
from pos_desktop.server.errors import ApiError
from pos_desktop.server.models import Employee, Store, SyncCounter
from pos_desktop.server.views import money

router = APIRouter(prefix="/sync", tags=["sync"])


@router.post("/push", response_model=c.PushResponse)
def push(
    body: c.PushRequest,
    register: RegisterDep,
    sessions: SessionsDep,
    clock: ClockDep,
    keys: KeysDep,
) -> c.PushResponse:
    """Keep each ticket once, whatever the number of times its register pushes it. A ticket is
    the register's: the same id from another register is another ticket, never a duplicate.
    A ticket kept for the first time loads the gift cards its lines sold (or cancels them, if
    it was voided) in the same transaction. Every approval pushed (on a ticket or alone) goes
    to the audit log once. A closed drawer shift is kept once by its id; one whose id is
    another register's, or whose Z number is another shift's of this register, refuses the
    whole push (409 ``shift_conflict``)."""
    with sessions() as db:
        now = clock.now()
        accepted: list[uuid.UUID] = []
        duplicates: list[uuid.UUID] = []
        for ticket in body.tickets:
            if not ticket_rows.keep(db, register, ticket, now):
                duplicates.append(ticket.id)
                continue
            accepted.append(ticket.id)
            card_sales.settle_ticket(db, register, ticket, keys, now)
            ticket_rows.record(db, register, ticket)
        audit.record_approvals(
            db,
            register,
            [(approval, ticket.id) for ticket in body.tickets for approval in ticket.approvals]
            + [(approval, approval.ticket_id) for approval in body.approvals],
        )
        kept: list[uuid.UUID] = []
        known: list[uuid.UUID] = []
        for shift in body.shifts:
            (kept if shifts.keep(db, register, shift, now) else known).append(shift.id)
        db.commit()
        return c.PushResponse(
            accepted=accepted, duplicates=duplicates, shifts_accepted=kept, shift_duplicates=known
        )


def _parse_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    # isascii: str.isdigit() also accepts digits such as "²" that int() refuses.
    if not (cursor.isascii() and cursor.isdigit()) or len(cursor) > 18:
        raise ApiError(
            422, ErrorCode.INVALID_CURSOR, "This sync cursor was not made by this server."
        )
    return int(cursor)


def _employees_changed(
    db: Session, store_id: uuid.UUID, since: int, upto: int
) -> Sequence[Employee]:
    """The store's employees, and the chain's owners, whose version is in (since, upto],
    oldest change first."""
    return (
        db.execute(
            select(Employee)
            .where(
                or_(Employee.store_id == store_id, Employee.role == OWNER),
                Employee.sync_version > since,
                Employee.sync_version <= upto,
            )
            .order_by(Employee.sync_version)
        )
        .scalars()
        .all()
    )


@router.get("/pull", response_model=c.PullResponse)
def pull(
    register: RegisterDep,
    sessions: SessionsDep,
    cursor: Annotated[str | None, Query(max_length=32, pattern=WITHOUT_NUL)] = None,
) -> c.PullResponse:
    """Products, employees and settings changed since ``cursor``; the answer's cursor is next."""
    with sessions() as db:
        since = _parse_cursor(cursor)
        # Read the counter first: every version at or below it belongs to a committed change.
        upto = int(db.execute(select(SyncCounter.value).where(SyncCounter.id == 1)).scalar_one())
        store_id = register.store.id
        store = db.execute(select(Store).where(Store.id == store_id)).scalar_one()
        products = catalog.sync_products(db, store, since, upto)
        employees = _employees_changed(db, store_id, since, upto)
        settings = None
        if since < store.sync_version <= upto:
            settings = c.StoreSettings(
                store_id=store.id,
                store_name=store.name,
                currency=store.currency,
                locale=store.locale,
                timezone=store.timezone,
                prices_include_tax=store.prices_include_tax,
                idle_lock_seconds=store.idle_lock_seconds,
                max_card_amount=money(store.max_card_amount, store.currency),
                tenders=[name for name in store.tenders.splitlines() if name],
                tip_base="total" if store.tip_base == "total" else "subtotal",
                address=store.address,
                phone=store.phone,
                receipt_header=store.receipt_header,
                receipt_footer=store.receipt_footer,
                tax_rates=[c.TaxRate.model_validate(rate) for rate in store.tax_rates],
                tip_presets=store.tip_presets,
                approvals=[ApprovalAction(name) for name in store.approvals],
                min_card_amount=money(store.min_card_amount, store.currency),
                giftcard_pays_giftcard=store.giftcard_pays_giftcard,
                cash_out_below=(
                    money(store.cash_out_below, store.currency) if store.cash_out_below else None
                ),
            )
        return c.PullResponse(
            products=products,
            categories=catalog.sync_categories(db, store_id, since, upto),
            employees=[
                c.SyncEmployee(
                    id=e.id,
                    name=e.name,
                    role=role_named(e.role),
                    # No verifier leaves for a deactivated employee: a register holding an
                    # old one replaces it with nothing, so offline log-in refuses them too.
                    pin_hash=e.pin_hash if e.active else "",
                    active=e.active,
                )
                for e in employees
            ],
            settings=settings,
            cursor=str(max(since, upto)),
        )
