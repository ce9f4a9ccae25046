"""Server tables. ORM rows stay inside pos_desktop.server; routes answer with contract models.

Money columns are BIGINT minor units. A card's balance is a column guarded by
``CHECK (balance >= 0)`` and moved only together with an append-only ``card_activities`` row
whose ``delta`` is the signed change, so ``balance == sum(delta)`` for every card.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pos_desktop.domain.giftcard import ActivityKind
from pos_desktop.sqltypes import UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Written out in SQL (the same words as server.card_list's status filters) for the partial
# indexes of the statuses few cards have.
_RARE_STATUS_WHERE = {
    "voided": "voided",
    "blocked": "blocked AND NOT voided",
    "pending": "sent_at IS NULL AND NOT blocked AND NOT voided",
}


def _kinds_check() -> str:
    names = ", ".join(f"'{kind.value}'" for kind in ActivityKind)
    return f"kind IN ({names})"


class Store(Base):
    __tablename__ = "stores"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(120))
    # Printed on receipts (screen, PDF, ESC/POS) with the header and footer texts.
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    receipt_header: Mapped[str] = mapped_column(Text, default="")
    receipt_footer: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3))
    locale: Mapped[str] = mapped_column(String(20))
    timezone: Mapped[str] = mapped_column(String(64))
    prices_include_tax: Mapped[bool] = mapped_column(Boolean, default=False)
    idle_lock_seconds: Mapped[int] = mapped_column(Integer, default=300)
    max_card_amount: Mapped[int] = mapped_column(BigInteger)
    # The smallest gift card or reload the counter sells.
    min_card_amount: Mapped[int] = mapped_column(BigInteger, default=100)
    # Off by default: paying for a gift card with another one launders stolen card numbers.
    giftcard_pays_giftcard: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where the law makes a store cash out a small balance on request (California: under
    # $10), the threshold in minor units; None where it does not.
    cash_out_below: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # On: the cards sold here are found and redeemed in every store of the chain (each
    # store's own rules apply where a card is used); off: only here.
    cards_chain_wide: Mapped[bool] = mapped_column(Boolean, default=False)
    tenders: Mapped[str] = mapped_column(Text, default="")  # extra tender names, one per line
    # What tip percentages are taken on: "subtotal" (before tax) or "total".
    tip_base: Mapped[str] = mapped_column(String(16), default="subtotal")
    # Who gets a Deduct Funds code: "buyer", "recipient" or "both"; and for how long it works.
    deduction_code_to: Mapped[str] = mapped_column(String(16), default="buyer")
    deduction_code_minutes: Mapped[int] = mapped_column(Integer, default=10)
    # The rates a product may carry, as [{"name": "Standard", "rate_bp": 825}, ...].
    tax_rates: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    # The Pay screen's tip buttons, in percent (besides "No tip").
    tip_presets: Mapped[list[int]] = mapped_column(JSON, default=lambda: [10, 15, 20])
    # Cashier actions that need a manager's PIN on the spot (domain.approvals.ApprovalAction).
    approvals: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Keys the PIN lookup hash. A 4-digit PIN falls to brute force whatever we do once the
    # database leaks; argon2 stays the verifier, this only makes "which employee?" one query.
    pin_pepper: Mapped[str] = mapped_column(String(64))
    # The fewest digits an employee's PIN may have here: 4, or 6 for a store that wants PINs
    # that survive longer against offline guessing of the verifiers registers keep.
    pin_digits: Mapped[int] = mapped_column(Integer, default=4)
    sync_version: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Employee(Base):
    __tablename__ = "employees"
    __table_args__ = (
        # PINs are unique per store; the lookup key is a keyed hash, the verifier is argon2.
        # An owner works in every store: their row is kept in the chain's first store, and
        # their PIN is unique in every store (server.provisioning).
        UniqueConstraint("store_id", "pin_lookup"),
        CheckConstraint("role IN ('cashier', 'manager', 'owner')", name="role"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(16))
    pin_lookup: Mapped[str] = mapped_column(String(64))
    pin_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sync_version: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Register(Base):
    __tablename__ = "registers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # Written at most once a minute per register (deps.note_seen), not on every request.
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    app_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # Finished tickets the register had not pushed yet, as its X-POS-Outbox header last said
    # (noted with last_seen_at); None until a register that sends it calls.
    tickets_waiting: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AuditEntry(Base):
    """One Back Office change: who made it, on which register, and each field's old and new
    value (``{"field": {"old": ..., "new": ...}}``). Written in the change's own transaction
    (pos_desktop.server.audit), so a change is never kept without its entry. No PIN or PIN
    hash ever appears in ``changes``."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_store_at", "store_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    # None for changes made outside the API (the init-store command).
    employee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"), nullable=True)
    register_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("registers.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(40))  # an audit.AuditAction
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    changes: Mapped[dict[str, object]] = mapped_column(JSON)


class EnrollCode(Base):
    __tablename__ = "enroll_codes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    register_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("registers.id"), nullable=True)


class EmployeeSession(Base):
    __tablename__ = "sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    employee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employees.id"), index=True)
    register_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("registers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class GiftCard(Base):
    __tablename__ = "gift_cards"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="balance_not_negative"),
        CheckConstraint("initial_amount > 0", name="initial_amount_positive"),
        # The Back Office's list, newest first, paged by (created_at, id) (server.card_list).
        Index("ix_gift_cards_store_created", "store_id", "created_at", "id"),
        # The statuses few cards have: listing them walks only their own cards, even when
        # none of a million matches.
        *(
            Index(
                f"ix_gift_cards_store_created_{name}",
                "store_id",
                "created_at",
                "id",
                postgresql_where=text(where),
                sqlite_where=text(where),
            )
            for name, where in _RARE_STATUS_WHERE.items()
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"), index=True)
    # The full number is never stored readable: a keyed hash finds the card, the sealed copy
    # (keys.ServerKeys, whose key is not in the database) lets an e-gift mail be sent again.
    number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    number_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    last4: Mapped[str] = mapped_column(String(4), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    initial_amount: Mapped[int] = mapped_column(BigInteger)
    balance: Mapped[int] = mapped_column(BigInteger)
    # Lower-cased, indexed: the Gift Cards window also finds cards by the buyer's e-mail.
    buyer_email: Mapped[str | None] = mapped_column(String(254), nullable=True, index=True)
    # Stored lower-cased: e-mail search is case-insensitive and exact, and uses the index.
    recipient_email: Mapped[str | None] = mapped_column(String(254), nullable=True, index=True)
    recipient_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    deliver_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # How the card reaches its holder: a domain.giftcard.Delivery; None on cards issued
    # before the counter sold them.
    delivery: Mapped[str | None] = mapped_column(String(8), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    # Number of activities so far; each new activity takes the next value as its ``seq``.
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    # Deductions not undone by a reversal (domain.giftcard.outstanding_deductions), kept by
    # ledger.append: what tells a used card from an active one without reading its ledger.
    open_deductions: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # When value last moved on the card (its latest activity with a delta), kept by
    # ledger.append, which copies it into the next value move's previous_move_at.
    last_activity_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class CardActivity(Base):
    __tablename__ = "card_activities"
    __table_args__ = (
        CheckConstraint(_kinds_check(), name="kind"),
        CheckConstraint("balance_after >= 0", name="balance_after_not_negative"),
        # The ledger of a card is a gapless sequence: two writers can never append the same seq.
        UniqueConstraint("card_id", "seq"),
        # The reports' ranges: the activities of a span of time (flows, a day's moves), and of
        # one kind in it (refunds, voids, adjustments: a few among a month's redemptions).
        Index("ix_card_activities_created_at", "created_at"),
        Index("ix_card_activities_kind_created", "kind", "created_at"),
        # The dormant cards, largest first: the holdings a value move began, by balance.
        Index(
            "ix_card_activities_holdings",
            "balance_after",
            "created_at",
            postgresql_where=text("delta <> 0"),
            sqlite_where=text("delta <> 0"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    card_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("gift_cards.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)  # what the activity is about, unsigned
    tip: Mapped[int] = mapped_column(BigInteger, default=0)
    delta: Mapped[int] = mapped_column(BigInteger)  # signed change of the balance
    balance_after: Mapped[int] = mapped_column(BigInteger)
    employee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"), nullable=True)
    register_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("registers.id"), nullable=True)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(128), nullable=True)
    # A reversal names what it undoes; unique, so nothing is reversed twice.
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("card_activities.id"), nullable=True, unique=True
    )
    # A refund names the redemption whose money it gives back (several refunds may share one).
    refunds_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("card_activities.id"), nullable=True, index=True
    )
    # Why a manager created or moved value without a paid ticket (issue, send, ...).
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # For a value move: when the card's value last moved before it (None for its first).
    # The move ends the holding that began then and begins one, which the reports count.
    previous_move_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class HoldingDay(Base):
    """What one UTC day's value moves did to a store's cards, by the UTC day when each
    holding they touched began (``begun_day``).

    A card's *holding* is the balance it keeps from one value move to the next, dated by the
    move that began it. A move ends the card's holding (its balance before, begun at
    ``previous_move_at``) and begins one (its balance after). ``holdings`` counts the
    holdings with value begun less those ended, ``balance`` sums their balances the same way.
    Summed from the ledger once the day is over (``server.reports.settle_days``), so:

    - the liability at an instant is every summed day before it plus the ledger from there;
    - the cards holding value at an instant, by when their value last moved (aging, dormant
      cards), are the same sums grouped by ``begun_day``.
    """

    __tablename__ = "holding_days"

    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    begun_day: Mapped[date] = mapped_column(Date, primary_key=True)
    holdings: Mapped[int] = mapped_column(BigInteger)
    balance: Mapped[int] = mapped_column(BigInteger)


class CardLoad(Base):
    """Value a ticket line sells onto a card (a new card, or a reload), waiting for its ticket.

    The line's register creates it while the ticket is open; the push of the completed
    ticket loads it, in the transaction that stores the ticket, and a removed line or a
    voided ticket cancels it. Until then the card holds nothing for it.
    """

    __tablename__ = "card_loads"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'loaded', 'cancelled')", name="state"),
        CheckConstraint("kind IN ('issue', 'load')", name="kind"),
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("register_id", "ticket_id", "line_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"))
    register_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("registers.id"))
    ticket_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    line_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    card_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("gift_cards.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # issue: a card sold; load: a reload
    amount: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(10))
    employee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class IdempotencyRecord(Base):
    """The first answer to a key, kept to be replayed byte for byte."""

    __tablename__ = "idempotency_records"

    register_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("registers.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[bytes] = mapped_column(LargeBinary)
    # The answer holds a card number (an issued card): kept sealed with the server key.
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FailedAttempt(Base):
    """Wrong PINs, unknown card numbers and card searches, per register (and per employee
    where one is logged in), for rate limiting across processes."""

    __tablename__ = "failed_attempts"
    __table_args__ = (
        Index("ix_failed_attempts_lookup", "register_id", "kind", "created_at"),
        Index("ix_failed_attempts_employee", "employee_id", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    register_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("registers.id"))
    employee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MailOutbox(Base):
    """A message queued in the transaction of the change it reports, then delivered by the
    mail sender; ``message`` is the whole RFC 5322 message, sealed when it holds a secret
    (a Deduct Funds code), so the database never holds a plain code."""

    __tablename__ = "mail_outbox"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    message: Mapped[bytes] = mapped_column(LargeBinary)
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)
    card_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("gift_cards.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When the sender may try again (back-off after a failure); None: at once.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, index=True)


class MailAttempt(Base):
    """One try at delivering one message, kept for the store's records."""

    __tablename__ = "mail_attempts"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    mail_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mail_outbox.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    delivered: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class DeductionChallenge(Base):
    """A Deduct Funds request waiting for the code e-mailed to the buyer (seed 000).

    The code is kept only as a keyed hash and is bound to card, amount, tip, ticket, employee
    and register. A card has at most one open challenge: the partial unique index says so,
    and a new request closes the old one first.
    """

    __tablename__ = "deduction_challenges"
    __table_args__ = (
        CheckConstraint(
            "state IN ('open', 'deducted', 'cancelled', 'expired', 'replaced')", name="state"
        ),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index(
            "uq_deduction_challenges_open_card",
            "card_id",
            unique=True,
            postgresql_where=text("state = 'open'"),
            sqlite_where=text("state = 'open'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"))
    card_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("gift_cards.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    tip: Mapped[int] = mapped_column(BigInteger, default=0)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    employee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employees.id"))
    register_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("registers.id"))
    code_hash: Mapped[str] = mapped_column(String(64))
    sent_to: Mapped[str] = mapped_column(String(600))
    state: Mapped[str] = mapped_column(String(16))
    wrong_attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    activity_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("card_activities.id"), nullable=True
    )


class DeductionCodeSend(Base):
    """Each code sent for a card (first or resent): the hourly limit counts these."""

    __tablename__ = "deduction_code_sends"
    __table_args__ = (Index("ix_deduction_code_sends_card_time", "card_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    card_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("gift_cards.id"))
    challenge_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deduction_challenges.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Category(Base):
    """A group of products: one button on the checkout, in ``position`` order and its colour."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("store_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    colour: Mapped[str] = mapped_column(String(7))
    # Bumped by every save: a save naming an older version is refused, never overwrites.
    version: Mapped[int] = mapped_column(Integer, default=1)
    sync_version: Mapped[int] = mapped_column(BigInteger, default=0, index=True)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("tax_rate_bp >= 0", name="tax_rate_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("categories.id"), index=True)
    price: Mapped[int] = mapped_column(BigInteger)
    tax_rate_bp: Mapped[int] = mapped_column(Integer, default=0)
    # Archived, never deleted: tickets keep their lines.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sync_version: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    # Bumped by every save; with who saved and when, for "changed by … at …, reload".
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"), nullable=True)


class ProductBarcode(Base):
    """A barcode is unique in its store: the primary key refuses a second product with it."""

    __tablename__ = "product_barcodes"

    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), index=True)
    # A product's barcodes in the order the manager gave them (the first is printed).
    position: Mapped[int] = mapped_column(Integer, default=0)


class SyncCounter(Base):
    """One row; bumping it inside a transaction orders catalog changes by commit."""

    __tablename__ = "sync_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class SyncedTicket(Base):
    """A finished ticket as its register pushed it. A ticket id is the register's own: the
    same id from another register (of this store or another) is another ticket."""

    __tablename__ = "tickets"

    register_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("registers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"), index=True)
    # The number on the receipt, per register; None from registers that did not send it.
    number: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    employee_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    total: Mapped[int] = mapped_column(BigInteger)
    # The ticket's other sums as columns, for reports in SQL (its lines and payments are rows
    # of their own: TicketLineRow, TicketPaymentRow).
    subtotal: Mapped[int] = mapped_column(BigInteger, default=0)
    tax: Mapped[int] = mapped_column(BigInteger, default=0)
    tip: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    completed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TicketLineRow(Base):
    """A pushed ticket's line as a row, for reports in SQL: written with the ticket, never
    changed. ``category_id``: the product's category when the ticket was pushed;
    ``sells_gift_card``: the line sold or reloaded a card (a liability, not a sale)."""

    __tablename__ = "ticket_lines"
    __table_args__ = (
        ForeignKeyConstraint(["register_id", "ticket_id"], ["tickets.register_id", "tickets.id"]),
        Index("ix_ticket_lines_store_completed", "store_id", "completed_at"),
    )

    register_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"))
    line_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    product_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    category_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    sells_gift_card: Mapped[bool] = mapped_column(Boolean, default=False)
    # The ticket's, so a report reads a month's lines by index, not every line to join them.
    completed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TicketPaymentRow(Base):
    """A pushed ticket's payment as a row, for reports in SQL."""

    __tablename__ = "ticket_payments"
    __table_args__ = (
        ForeignKeyConstraint(["register_id", "ticket_id"], ["tickets.register_id", "tickets.id"]),
        Index("ix_ticket_payments_store_completed", "store_id", "completed_at"),
    )

    register_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    payment_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"))
    tender: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)
    tip: Mapped[int] = mapped_column(BigInteger)
    activity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    completed_at: Mapped[datetime] = mapped_column(UtcDateTime)  # the ticket's


class SyncedShift(Base):
    """A register's closed cash-drawer shift and its Z report, as pushed, kept once. A shift
    id is unique over all registers (a second register pushing it is refused) and a register's
    Z number names one shift only. Its sums are columns; its per-tender totals and its cash
    movements are rows (ShiftTenderRow, ShiftMovementRow)."""

    __tablename__ = "shifts"
    __table_args__ = (
        UniqueConstraint("register_id", "z_number"),
        Index("ix_shifts_store_id_closed_at", "store_id", "closed_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    register_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("registers.id"))
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"))
    z_number: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    opened_by_name: Mapped[str] = mapped_column(String(80))
    closed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    closed_by_name: Mapped[str] = mapped_column(String(80))
    currency: Mapped[str] = mapped_column(String(3))
    opening_float: Mapped[int] = mapped_column(BigInteger)
    tickets: Mapped[int] = mapped_column(Integer)
    goods: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    tips: Mapped[int] = mapped_column(BigInteger)
    taken: Mapped[int] = mapped_column(BigInteger)
    cash_sales: Mapped[int] = mapped_column(BigInteger)
    voids: Mapped[int] = mapped_column(Integer)
    refunded: Mapped[int] = mapped_column(BigInteger)
    no_sales: Mapped[int] = mapped_column(Integer)
    expected: Mapped[int] = mapped_column(BigInteger)
    counted: Mapped[int] = mapped_column(BigInteger)
    difference: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ShiftTenderRow(Base):
    """What one tender took over a pushed shift; only cash is in the drawer."""

    __tablename__ = "shift_tenders"

    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shifts.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    tender: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(40))
    cash: Mapped[bool] = mapped_column(Boolean)
    count: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)


class ShiftMovementRow(Base):
    """Cash into or out of a pushed shift's drawer outside a sale (signed; zero for a drawer
    opened with no sale)."""

    __tablename__ = "shift_movements"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('pay_in', 'pay_out', 'no_sale', 'gift_card_cash_out')", name="kind"
        ),
        Index("ix_shift_movements_store_id_at", "store_id", "at"),
    )

    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shifts.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"))
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    employee_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    employee_name: Mapped[str] = mapped_column(String(80))
    approved_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    card_last4: Mapped[str | None] = mapped_column(String(4), nullable=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
