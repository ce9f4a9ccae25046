"""Tickets, lines and payments: rows in, ``Sale`` out. Callers commit.

Every change is committed by the service right away, so a crash at any moment leaves the
ticket as the cashier last saw it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.db import approvals, card_lines, outbox
from pos_desktop.db.models import Payment as PaymentRow
from pos_desktop.db.models import Ticket as TicketRow
from pos_desktop.db.models import TicketLine as LineRow
from pos_desktop.domain.approvals import Approval
from pos_desktop.domain.catalog import Product
from pos_desktop.domain.money import Money
from pos_desktop.domain.sale import Sale, SaleStatus
from pos_desktop.domain.tender import Payment, PaymentState, TenderKind
from pos_desktop.domain.ticket import TicketLine


class SaleNotFound(LookupError):
    pass


# -- reading ---------------------------------------------------------------------------------


def _money(minor: int | None, currency: str) -> Money | None:
    return Money(minor, currency) if minor is not None else None


def _payment(row: PaymentRow, currency: str) -> Payment:
    return Payment(
        id=row.id,
        kind=TenderKind(row.kind),
        label=row.label,
        amount=Money(row.amount, currency),
        tip=Money(row.tip, currency),
        state=PaymentState(row.state),
        tendered=_money(row.tendered, currency),
        reference=row.reference,
        card_id=row.card_id,
        card_last4=row.card_last4,
        activity_id=row.activity_id,
        balance_after=_money(row.balance_after, currency),
    )


def _sale(row: TicketRow) -> Sale:
    currency = row.currency
    cards = {card.line_id: card_lines.card_of(card) for card in row.card_lines}
    return Sale(
        id=row.id,
        number=row.number,
        employee_id=row.employee_id,
        employee_name=row.employee_name,
        currency=currency,
        prices_include_tax=row.prices_include_tax,
        opened_at=row.opened_at,
        completed_at=row.completed_at,
        status=SaleStatus(row.status),
        tip=_money(row.tip, currency),
        tip_percent=row.tip_percent,
        lines=tuple(
            TicketLine(
                id=line.id,
                product_id=line.product_id,
                name=line.name,
                unit_price=Money(line.unit_price, currency),
                quantity=line.quantity,
                tax_rate_bp=line.tax_rate_bp,
                card=cards.get(line.id),
            )
            for line in row.lines
        ),
        payments=tuple(_payment(p, currency) for p in row.payments),
        approvals=tuple(approvals.from_ticket_row(a) for a in row.approvals),
    )


def _row(db: Session, sale_id: uuid.UUID) -> TicketRow:
    row = db.get(TicketRow, sale_id, populate_existing=True)
    if row is None:
        raise SaleNotFound(str(sale_id))
    return row


def load(db: Session, sale_id: uuid.UUID) -> Sale:
    return _sale(_row(db, sale_id))


def open_sale_of(db: Session, employee_id: uuid.UUID) -> Sale | None:
    row = db.execute(
        select(TicketRow).where(
            TicketRow.employee_id == employee_id, TicketRow.status == SaleStatus.OPEN
        )
    ).scalar_one_or_none()
    return _sale(row) if row is not None else None


def redeem_key_of(db: Session, payment_id: uuid.UUID) -> str | None:
    row = db.get(PaymentRow, payment_id)
    return row.redeem_key if row is not None else None


def card_number_of(db: Session, payment_id: uuid.UUID) -> str | None:
    """The number of the card of a redemption whose answer is not in yet."""
    row = db.get(PaymentRow, payment_id)
    return row.card_number if row is not None else None


@dataclass(frozen=True, slots=True)
class CodeVerify:
    challenge_id: uuid.UUID
    code: str


def payment_id_with_key(db: Session, redeem_key: str) -> uuid.UUID | None:
    return db.execute(
        select(PaymentRow.id).where(PaymentRow.redeem_key == redeem_key)
    ).scalar_one_or_none()


def code_verify_of(db: Session, payment_id: uuid.UUID) -> CodeVerify | None:
    """The challenge and code of a payment by e-mailed code whose answer is not in yet."""
    row = db.get(PaymentRow, payment_id)
    if row is None or row.challenge_id is None or row.code is None:
        return None
    return CodeVerify(row.challenge_id, row.code)


def reverse_key_of(db: Session, payment_id: uuid.UUID) -> str | None:
    row = db.get(PaymentRow, payment_id)
    return row.reverse_key if row is not None else None


def completed(db: Session, limit: int) -> list[Sale]:
    """This register's completed tickets, the newest first."""
    rows = db.execute(
        select(TicketRow)
        .where(TicketRow.status == SaleStatus.COMPLETED)
        .order_by(TicketRow.completed_at.desc(), TicketRow.number.desc())
        .limit(limit)
    ).scalars()
    return [_sale(row) for row in rows]


def completed_by_number(db: Session, number: int) -> Sale | None:
    """The completed ticket with this receipt number, if this register has one."""
    row = db.execute(
        select(TicketRow).where(
            TicketRow.number == number, TicketRow.status == SaleStatus.COMPLETED
        )
    ).scalar_one_or_none()
    return _sale(row) if row is not None else None


FINISHED = (SaleStatus.COMPLETED.value, SaleStatus.VOIDED.value)


def of_shift(db: Session, shift_id: uuid.UUID | None) -> list[Sale]:
    """The finished tickets (completed and voided) the Z of ``shift_id`` counted, or (None)
    those no Z has counted yet; by number."""
    column = TicketRow.shift_id
    rows = db.execute(
        select(TicketRow)
        .where(
            TicketRow.status.in_(FINISHED),
            column.is_(None) if shift_id is None else column == shift_id,
        )
        .order_by(TicketRow.number)
    ).scalars()
    return [_sale(row) for row in rows]


def claim_for_shift(db: Session, shift_id: uuid.UUID) -> None:
    """Every finished ticket no Z has counted yet is this Z's."""
    db.execute(
        update(TicketRow)
        .where(TicketRow.shift_id.is_(None), TicketRow.status.in_(FINISHED))
        .values(shift_id=shift_id)
    )


def open_number_with_cash(db: Session) -> int | None:
    """The number of an open ticket holding cash (taken, not yet finished), if any."""
    return db.execute(
        select(TicketRow.number)
        .join(PaymentRow, PaymentRow.ticket_id == TicketRow.id)
        .where(
            TicketRow.status == SaleStatus.OPEN,
            PaymentRow.kind == TenderKind.CASH,
            PaymentRow.state == PaymentState.APPROVED,
        )
        .order_by(TicketRow.number)
        .limit(1)
    ).scalar_one_or_none()


def was_pushed(db: Session, sale_id: uuid.UUID) -> bool:
    """Whether the server has confirmed this finished ticket."""
    return outbox.was_sent(db, sale_id)


# -- writing ---------------------------------------------------------------------------------


def start(
    db: Session,
    *,
    employee_id: uuid.UUID,
    employee_name: str,
    currency: str,
    prices_include_tax: bool,
    now: datetime,
) -> Sale:
    number = (db.execute(select(func.max(TicketRow.number))).scalar_one() or 0) + 1
    row = TicketRow(
        id=uuid.uuid4(),
        number=number,
        employee_id=employee_id,
        employee_name=employee_name,
        status=SaleStatus.OPEN,
        currency=currency,
        prices_include_tax=prices_include_tax,
        tip=None,
        opened_at=now,
    )
    db.add(row)
    db.flush()
    return _sale(row)


def add_line(db: Session, sale_id: uuid.UUID, product: Product) -> None:
    """A new line of one ``product`` at its current price, after the ticket's other lines."""
    row = _row(db, sale_id)
    row.lines.append(
        LineRow(
            id=uuid.uuid4(),
            position=max((line.position for line in row.lines), default=0) + 1,
            product_id=product.id,
            name=product.name,
            unit_price=product.price.minor,
            quantity=1,
            tax_rate_bp=product.tax_rate_bp,
        )
    )


def set_quantity(db: Session, sale_id: uuid.UUID, line_id: uuid.UUID, quantity: int) -> None:
    line = db.get(LineRow, line_id)
    if line is None or line.ticket_id != sale_id:
        raise SaleNotFound(f"line {line_id}")
    line.quantity = quantity


def remove_line(db: Session, sale_id: uuid.UUID, line_id: uuid.UUID) -> None:
    """Take the line off; a gift card it sold is owed a cancel, in the same transaction."""
    db.execute(delete(LineRow).where(LineRow.id == line_id, LineRow.ticket_id == sale_id))
    card_lines.owe_cancel(db, line_id, sale_id)
    db.flush()  # expiring drops changes not flushed
    db.expire_all()


def add_approval(db: Session, approval: Approval) -> None:
    """Record a manager's approval on its ticket (``approval.ticket_id``)."""
    row = approvals.ticket_row(approval)
    ticket = _row(db, row.ticket_id)  # held: the identity map keeps rows weakly
    ticket.approvals.append(row)
    db.flush()


def set_tip(db: Session, sale_id: uuid.UUID, tip: Money | None, percent: int | None = None) -> None:
    """``percent``: the preset the tip was taken from; None for a custom amount."""
    row = _row(db, sale_id)
    row.tip = tip.minor if tip is not None else None
    row.tip_percent = percent


def forget_tip_percent(db: Session, sale_id: uuid.UUID) -> None:
    """The lines changed: the tip keeps its cents but is no longer that percent of them."""
    _row(db, sale_id).tip_percent = None


def add_payment(
    db: Session,
    sale_id: uuid.UUID,
    payment: Payment,
    now: datetime,
    redeem_key: str | None = None,
    by_code: CodeVerify | None = None,
    card_number: str | None = None,
) -> None:
    """``by_code``: the payment is a Deduct Funds verify; ``card_number``: a redemption of
    the card at the counter. Either is kept only until the server's answer is in."""
    row = _row(db, sale_id)
    row.payments.append(
        PaymentRow(
            id=payment.id,
            position=max((p.position for p in row.payments), default=0) + 1,
            kind=payment.kind,
            label=payment.label,
            state=payment.state,
            amount=payment.amount.minor,
            tip=payment.tip.minor,
            tendered=payment.tendered.minor if payment.tendered is not None else None,
            reference=payment.reference,
            card_id=payment.card_id,
            card_last4=payment.card_last4,
            card_number=card_number,
            redeem_key=redeem_key,
            challenge_id=by_code.challenge_id if by_code else None,
            code=by_code.code if by_code else None,
            activity_id=payment.activity_id,
            balance_after=(
                payment.balance_after.minor if payment.balance_after is not None else None
            ),
            created_at=now,
        )
    )


def _payment_row(db: Session, payment_id: uuid.UUID) -> PaymentRow:
    row = db.get(PaymentRow, payment_id)
    if row is None:
        raise SaleNotFound(f"payment {payment_id}")
    return row


def approve_payment(
    db: Session,
    payment_id: uuid.UUID,
    *,
    amount: Money,
    tip: Money,
    activity_id: uuid.UUID,
    balance_after: Money,
) -> None:
    """The server's answer arrived: it is what the ticket holds from now on."""
    row = _payment_row(db, payment_id)
    row.state = PaymentState.APPROVED
    row.amount = amount.minor
    row.tip = tip.minor
    row.activity_id = activity_id
    row.balance_after = balance_after.minor
    row.error = None
    _forget_proof(row)


def _forget_proof(row: PaymentRow) -> None:
    """Answered: the code is spent and the number has served; neither is kept."""
    row.code = None
    row.card_number = None


def fail_payment(db: Session, payment_id: uuid.UUID, error: str) -> None:
    row = _payment_row(db, payment_id)
    row.state = PaymentState.FAILED
    row.error = error
    _forget_proof(row)


def start_reversal(db: Session, payment_id: uuid.UUID, reverse_key: str) -> None:
    row = _payment_row(db, payment_id)
    row.state = PaymentState.REVERSING
    row.reverse_key = reverse_key


def finish_reversal(db: Session, payment_id: uuid.UUID) -> None:
    _payment_row(db, payment_id).state = PaymentState.REVERSED


def cancel_reversal(db: Session, payment_id: uuid.UUID, error: str) -> None:
    """The server refused to give the money back: the payment stays on the ticket."""
    row = _payment_row(db, payment_id)
    row.state = PaymentState.APPROVED
    row.reverse_key = None
    row.error = error


def drop_payment(db: Session, sale_id: uuid.UUID, payment_id: uuid.UUID) -> None:
    """Remove a tender that moved no money outside the register (cash, card terminal, other)."""
    db.execute(
        delete(PaymentRow).where(PaymentRow.id == payment_id, PaymentRow.ticket_id == sale_id)
    )
    db.expire_all()


def finish(db: Session, sale_id: uuid.UUID, status: SaleStatus, now: datetime) -> Sale:
    """Complete or void the ticket and queue it for the server, in the caller's transaction."""
    row = _row(db, sale_id)
    row.status = status
    row.completed_at = now
    if status is SaleStatus.VOIDED:
        card_lines.owe_cancels_of_ticket(db, sale_id)
    db.flush()
    sale = _sale(row)
    outbox.enqueue(db, to_wire(sale), now)
    return sale


# -- the wire form of a finished ticket ------------------------------------------------------


def _wire_payments(payments: Iterable[Payment]) -> list[c.TicketPayment]:
    return [
        c.TicketPayment(
            id=p.id,
            tender=p.kind.value if p.kind is not TenderKind.OTHER else p.label[:40],
            amount=c.MoneyBody.of(p.amount),
            tip=c.MoneyBody.of(p.tip),
            reference=p.reference,
            activity_id=p.activity_id,
        )
        for p in payments
    ]


def to_wire(sale: Sale) -> c.Ticket:
    if sale.completed_at is None:
        raise ValueError("only a finished ticket goes to the server")
    totals = sale.totals
    lines = []
    for line in sale.lines:
        amounts = line.amounts(sale.prices_include_tax)
        lines.append(
            c.TicketLine(
                # A gift card's line is named by its id: the server loads its card by it.
                id=line.id,
                product_id=line.product_id,
                name=line.name[:200],
                quantity=line.quantity,
                unit_price=c.MoneyBody.of(line.unit_price),
                tax=c.MoneyBody.of(amounts.tax),
                total=c.MoneyBody.of(amounts.gross),
            )
        )
    return c.Ticket(
        id=sale.id,
        number=sale.number,
        employee_id=sale.employee_id,
        opened_at=sale.opened_at,
        completed_at=sale.completed_at,
        status="voided" if sale.status is SaleStatus.VOIDED else "completed",
        lines=lines,
        payments=_wire_payments(sale.visible_payments),
        subtotal=c.MoneyBody.of(totals.subtotal),
        tax=c.MoneyBody.of(totals.tax),
        tip=c.MoneyBody.of(sale.tip_amount),
        total=c.MoneyBody.of(sale.grand_total),
        approvals=[approvals.to_wire(a, with_ticket=False) for a in sale.approvals],
    )
