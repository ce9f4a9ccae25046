"""Register tables. Rows stay in pos_desktop.db; services get domain objects (``Sale``).

Money is INTEGER minor units. Times are stored as naive UTC (SQLite has no time zone) and
come back aware through ``UtcDateTime``.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from pos_desktop.domain.approvals import ApprovalAction
from pos_desktop.domain.sale import SaleStatus
from pos_desktop.domain.shifts import MovementKind
from pos_desktop.domain.tender import PaymentState, TenderKind
from pos_desktop.sqltypes import UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _one_of(
    column: str,
    values: type[SaleStatus] | type[PaymentState] | type[TenderKind] | type[ApprovalAction],
) -> str:
    names = ", ".join(f"'{v.value}'" for v in values)
    return f"{column} IN ({names})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Product(Base):
    __tablename__ = "products"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(80))
    price: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    tax_rate_bp: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)


class ProductBarcode(Base):
    """Each barcode of a product, as pulled: one store never gives a code to two products."""

    __tablename__ = "product_barcodes"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    position: Mapped[int] = mapped_column(Integer)


class Category(Base):
    """A checkout category button: its place and colour, as the Back Office set them."""

    __tablename__ = "categories"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    colour: Mapped[str] = mapped_column(String(7))


class Employee(Base):
    __tablename__ = "employees"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))
    pin_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean)


class Setting(Base):
    """Small named values: the store's settings as pulled (JSON) and the sync cursor."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(_one_of("status", SaleStatus), name="status"),
        CheckConstraint("tip IS NULL OR tip >= 0", name="tip_not_negative"),
        CheckConstraint(
            "tip_percent IS NULL OR (tip_percent >= 0 AND tip_percent <= 100)",
            name="tip_percent_in_range",
        ),
        # Each employee has at most one open ticket: it waits for them while others sell.
        Index(
            "uq_tickets_open_per_employee",
            "employee_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    employee_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    employee_name: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    prices_include_tax: Mapped[bool] = mapped_column(Boolean)
    tip: Mapped[int | None] = mapped_column(BigInteger)
    # The preset the tip was set from; NULL for a custom tip or once the lines change.
    tip_percent: Mapped[int | None] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The drawer shift whose Z report counts this finished ticket: set by that Z's close, for
    # every ticket finished since the Z before (``db.shifts``).
    shift_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)

    lines: Mapped[list[TicketLine]] = relationship(
        order_by="TicketLine.position", cascade="all, delete-orphan", lazy="selectin"
    )
    payments: Mapped[list[Payment]] = relationship(
        order_by="Payment.position", cascade="all, delete-orphan", lazy="selectin"
    )
    approvals: Mapped[list[TicketApproval]] = relationship(
        order_by="TicketApproval.at", cascade="all, delete-orphan", lazy="selectin"
    )
    # Every gift card a line asked for, the removed ones too (their cancel may be owed).
    card_lines: Mapped[list[CardLine]] = relationship(lazy="selectin", viewonly=True)


class TicketLine(Base):
    __tablename__ = "ticket_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(200))
    unit_price: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(Integer)
    tax_rate_bp: Mapped[int] = mapped_column(Integer)


CARD_LINE_KINDS = ("sale", "reload")
CARD_LINE_STATES = ("requesting", "sold", "cancelling", "cancelled")
CARD_DELIVERIES = ("physical", "email")


def _listed(column: str, values: tuple[str, ...]) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{value}'" for value in values))


class CardLine(Base):
    """A gift card sold or reloaded on a ticket line (``domain.card_sale``). The key and the
    request are committed before the server is asked; the request (which holds a reloaded
    card's full number) is kept only until the answer is in. The ticket line itself is added
    once the server has answered. A line removed, or its ticket voided, owes the server a
    cancel (``cancel_key``) until it is confirmed."""

    __tablename__ = "card_lines"
    __table_args__ = (
        CheckConstraint(_listed("kind", CARD_LINE_KINDS), name="kind"),
        CheckConstraint(_listed("state", CARD_LINE_STATES), name="state"),
        CheckConstraint(
            "delivery IS NULL OR " + _listed("delivery", CARD_DELIVERIES), name="delivery"
        ),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    line_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(12), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    sale_key: Mapped[str] = mapped_column(String(64), unique=True)
    request: Mapped[str | None] = mapped_column(Text)
    card_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    last4: Mapped[str | None] = mapped_column(String(4))
    delivery: Mapped[str | None] = mapped_column(String(10))
    recipient_name: Mapped[str | None] = mapped_column(String(120))
    recipient_email: Mapped[str | None] = mapped_column(String(254))
    deliver_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancel_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Payment(Base):
    """A tender on a ticket. A gift-card payment's key is committed before the server is
    asked, so an answer lost to a crash or a timeout is settled by asking again with it."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint(_one_of("kind", TenderKind), name="kind"),
        CheckConstraint(_one_of("state", PaymentState), name="state"),
        CheckConstraint("amount >= 0 AND tip >= 0", name="amounts_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    tip: Mapped[int] = mapped_column(BigInteger)
    tendered: Mapped[int | None] = mapped_column(BigInteger)
    reference: Mapped[str | None] = mapped_column(String(120))
    card_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    card_last4: Mapped[str | None] = mapped_column(String(4))
    # The full number, the server's proof that the card is here: kept only until the
    # redemption's answer is in, so a lost answer is asked again with the same body.
    card_number: Mapped[str | None] = mapped_column(String(16))
    redeem_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # A gift card paid by an e-mailed code (no card at hand): the server's challenge, and the
    # code the customer read out, kept only until the verify's answer is in, so a lost answer
    # is asked again with the same key and body.
    challenge_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    code: Mapped[str | None] = mapped_column(String(6))
    reverse_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    activity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    balance_after: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TicketApproval(Base):
    """A manager's approval of something done to the ticket (its void, a line removed after a
    tender): part of the ticket, pushed with it."""

    __tablename__ = "ticket_approvals"
    __table_args__ = (CheckConstraint(_one_of("action", ApprovalAction), name="action"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    manager_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    manager_name: Mapped[str] = mapped_column(String(80))
    cashier_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    detail: Mapped[str | None] = mapped_column(String(200))


class ApprovalOutbox(Base):
    """Approvals of actions outside a ticket's changes (a reprint, the drawer opened without a
    sale), written with the action and waiting to be pushed beside the tickets."""

    __tablename__ = "approval_outbox"
    __table_args__ = (CheckConstraint(_one_of("action", ApprovalAction), name="action"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    manager_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    manager_name: Mapped[str] = mapped_column(String(80))
    cashier_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the ticket a reprint was of
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    detail: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)


class Outbox(Base):
    """Finished tickets waiting to be pushed; written in the transaction that finishes them."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)


# "drawer": the kick that opens the cash drawer, a job of its own (never part of a receipt).
PRINT_JOB_KINDS = ("receipt", "slip", "test", "drawer")


class PrintJob(Base):
    """Bytes for the receipt printer, stored before the first attempt; printed_at once out,
    given_up_at when it will never print (a drawer the printer could not open at the sale)."""

    __tablename__ = "print_jobs"
    __table_args__ = (
        CheckConstraint(
            "kind IN ({})".format(", ".join(f"'{kind}'" for kind in PRINT_JOB_KINDS)),
            name="kind",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # A receipt's own words (pos_desktop.receipts.stored), to print it again marked COPY.
    receipt: Mapped[str | None] = mapped_column(Text)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    printed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    given_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DeviceSettingsRow(Base):
    """The register's scanner, printer and on-screen keyboard as a manager set them (Settings
    tab): one row.

    A table of its own: the ``settings`` table is the store's, overwritten by each catalog pull.
    """

    __tablename__ = "device_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="one_row"),
        CheckConstraint(
            "onscreen_keyboard IN ('auto', 'always', 'never')", name="onscreen_keyboard_mode"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    scanner_port: Mapped[str] = mapped_column(String(300))
    scanner_baud: Mapped[int] = mapped_column(Integer)
    scanner_terminator: Mapped[str] = mapped_column(String(4))
    scanner_prefix: Mapped[str] = mapped_column(String(40))
    scanner_suffix: Mapped[str] = mapped_column(String(40))
    printer: Mapped[str] = mapped_column(String(300))
    printer_profile: Mapped[str] = mapped_column(String(40))
    paper_mm: Mapped[int] = mapped_column(Integer)
    onscreen_keyboard: Mapped[str] = mapped_column(String(6))  # config.KeyboardMode
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


# Cash that entered or left the drawer outside a sale's tenders (``domain.shifts``); a no
# sale moves none, but is counted.
CASH_MOVEMENT_KINDS = tuple(kind.value for kind in MovementKind)


class CashMovement(Base):
    """Cash paid into or out of the drawer outside a sale (a pay in or out, a gift card's
    cash-out), or the drawer opened with no sale. Kept for the drawer's count at the end of a
    shift; ``activity_id`` (the server's record of a cash-out) is unique, so an answer replayed
    after a retry is counted once."""

    __tablename__ = "cash_movements"
    __table_args__ = (
        CheckConstraint(_listed("kind", CASH_MOVEMENT_KINDS), name="kind"),
        CheckConstraint(
            "(kind = 'no_sale' AND amount = 0) OR (kind <> 'no_sale' AND amount <> 0)",
            name="amount_moves",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    # Signed minor units: negative when cash left the drawer.
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    activity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    employee_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    employee_name: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    reason: Mapped[str | None] = mapped_column(String(200))
    approved_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # a no sale's manager
    # The shift whose Z counted it, set at that close (as a ticket's).
    shift_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)


PAYOUT_KINDS = ("refund_tender", "store_credit", "cash_out")
PAYOUT_STATES = ("asking", "done", "refused")


class CardPayout(Base):
    """Value given back to a customer outside a ticket's tenders: a completed sale refunded
    onto a gift card (its own payment's card, or store credit), or a card's balance paid out
    in cash. The key and the request are committed before the server is asked, so a lost
    answer is asked again with both, never given twice; the request (which may hold a card's
    full number) is kept only until the answer is in."""

    __tablename__ = "card_payouts"
    __table_args__ = (
        CheckConstraint(_listed("kind", PAYOUT_KINDS), name="kind"),
        CheckConstraint(_listed("state", PAYOUT_STATES), name="state"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(8), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    request: Mapped[str | None] = mapped_column(Text)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    payment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    card_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    card_last4: Mapped[str | None] = mapped_column(String(4))
    balance_after: Mapped[int | None] = mapped_column(BigInteger)
    activity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    employee_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    employee_name: Mapped[str] = mapped_column(String(80))
    approved_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reason: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The shift whose Z listed this refund, set at that close (as a ticket's).
    shift_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)


SHIFT_STATES = ("open", "closed")


class Shift(Base):
    """A cash drawer's shift: opened with a float, closed once with the drawer's count, which
    numbers its Z report. At most one is open. A closed shift is kept for good (triggers refuse
    to delete it or change its number) and ``record`` holds it as it is pushed (the Z printed
    again is rendered from it); ``sent_at`` once the server has it."""

    __tablename__ = "shifts"
    __table_args__ = (
        CheckConstraint(_listed("state", SHIFT_STATES), name="state"),
        CheckConstraint("opening_float >= 0", name="float_not_negative"),
        CheckConstraint(
            "state = 'open' OR (z_number IS NOT NULL AND closed_at IS NOT NULL"
            " AND record IS NOT NULL)",
            name="closed_is_whole",
        ),
        Index("uq_shifts_one_open", "state", unique=True, sqlite_where=text("state = 'open'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    state: Mapped[str] = mapped_column(String(6))
    z_number: Mapped[int | None] = mapped_column(Integer, unique=True)
    currency: Mapped[str] = mapped_column(String(3))
    opening_float: Mapped[int] = mapped_column(BigInteger)
    # The float counted by denomination: JSON [[value, count], ...]; NULL when typed as a total.
    float_counts: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    opened_by_name: Mapped[str] = mapped_column(String(80))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    record: Mapped[str | None] = mapped_column(Text)  # contracts.Shift as JSON
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
