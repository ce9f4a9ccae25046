"""A pushed ticket kept once (``keep``), and its lines and payments written as rows, so
reports are SQL over them rather than JSON read back in Python. Written once, with the
ticket, in its transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.server.context import RegisterCaller
from pos_desktop.server.database import insert_or_skip
from pos_desktop.server.models import (
    CardLoad,
    Product,
    SyncedTicket,
    TicketLineRow,
    TicketPaymentRow,
)


def keep(db: Session, register: RegisterCaller, ticket: c.Ticket, now: datetime) -> bool:
    """Keep ``ticket`` as ``register`` pushed it; False when the register had pushed it
    already (a ticket is the register's: the same id from another register is another
    ticket). Its rows are written by ``record``, once the caller has settled what it sold."""
    kept = db.execute(
        insert_or_skip(db, SyncedTicket)
        .values(
            id=ticket.id,
            register_id=register.register_id,
            store_id=register.store.id,
            number=ticket.number,
            employee_id=ticket.employee_id,
            status=ticket.status,
            total=ticket.total.amount,
            subtotal=ticket.subtotal.amount,
            tax=ticket.tax.amount,
            tip=ticket.tip.amount,
            currency=ticket.total.currency or register.store.currency,
            completed_at=ticket.completed_at,
            body=ticket.model_dump_json(),
            received_at=now,
        )
        .returning(SyncedTicket.id)
    ).first()
    return kept is not None


def record(db: Session, register: RegisterCaller, ticket: c.Ticket) -> None:
    """The rows of ``ticket``, kept for the first time by this push."""
    store_id = register.store.id
    product_ids = {line.product_id for line in ticket.lines if line.product_id is not None}
    categories = (
        dict(
            db.execute(
                select(Product.id, Product.category_id).where(
                    Product.store_id == store_id, Product.id.in_(product_ids)
                )
            ).all()
        )
        if product_ids
        else {}
    )
    sold = set(
        db.execute(
            select(CardLoad.line_id).where(
                CardLoad.register_id == register.register_id, CardLoad.ticket_id == ticket.id
            )
        ).scalars()
    )
    lines = [
        {
            "register_id": register.register_id,
            "ticket_id": ticket.id,
            "position": position,
            "store_id": store_id,
            "line_id": line.id,
            "product_id": line.product_id,
            "category_id": categories.get(line.product_id) if line.product_id else None,
            "name": line.name,
            "quantity": line.quantity,
            "unit_price": line.unit_price.amount,
            "tax": line.tax.amount,
            "total": line.total.amount,
            "sells_gift_card": line.id is not None and line.id in sold,
            "completed_at": ticket.completed_at,
        }
        for position, line in enumerate(ticket.lines)
    ]
    payments = [
        {
            "register_id": register.register_id,
            "ticket_id": ticket.id,
            "payment_id": payment.id,
            "store_id": store_id,
            "tender": payment.tender,
            "amount": payment.amount.amount,
            "tip": payment.tip.amount if payment.tip else 0,
            "activity_id": payment.activity_id,
            "completed_at": ticket.completed_at,
        }
        for payment in ticket.payments
    ]
    if lines:
        db.execute(insert(TicketLineRow), lines)
    if payments:
        db.execute(insert(TicketPaymentRow), payments)
