"""What the register's services answer and refuse with: plain dataclasses and exception classes,
no I/O.

The screens and their presenters take their types from here, never from a service module, so
showing a result never loads SQLAlchemy, httpx or pyserial (the "ui never imports" contract
checks indirect imports too); the services make and raise these. Wire models appear only in
annotations: a result is made from one in the service, on its worker.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from hardware.scanner_settings import ScannerSettings
from pos_desktop.config import KeyboardMode, PrinterAddress, parse_printer_address
from pos_desktop.domain.approvals import ApprovalAction
from pos_desktop.domain.card_search import SearchQuery
from pos_desktop.domain.catalog import CategoryButton, Product, StoreRules
from pos_desktop.domain.catalog_csv import CsvRow
from pos_desktop.domain.errors import DeductionRefused, DomainError, ErrorCode
from pos_desktop.domain.giftcard import ActivityKind, CardStatus
from pos_desktop.domain.money import Money
from pos_desktop.domain.receipt import CardSlip, local_time
from pos_desktop.domain.roles import ROLE_LABELS, Role, StaffRole, manages, reads_chain
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.tender import Payment

if TYPE_CHECKING:
    from pathlib import Path

    from pos_desktop.config import Settings
    from pos_desktop.contracts import ActivityOut, CardDetail, CardOut, EgiftDeliveryOut


# -- who is at the register --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Employee:
    id: uuid.UUID
    name: str
    role: Role

    @property
    def is_manager(self) -> bool:
        """A manager or an owner: the Back Office and managers' approvals are theirs."""
        return manages(self.role)

    @property
    def reads_chain(self) -> bool:
        """An owner: the report of every store of the chain is theirs too."""
        return reads_chain(self.role)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


@dataclass(frozen=True, slots=True)
class ActiveSession:
    employee: Employee
    expires_at: datetime
    # Logged in against the register's own copy of the PIN verifiers: the server has not seen
    # this session, so anything that needs the server asks for a log-in once it is back.
    offline: bool = False


# -- the store -----------------------------------------------------------------------------------

# Shown until the first pull has brought the store's settings; amounts carry their own
# currency, so only the locale's number format can be off in the meantime.
DEFAULT_STORE_RULES = StoreRules(
    name="POS Desktop",
    currency="USD",
    locale="en_US",
    timezone="UTC",
    prices_include_tax=False,
    idle_lock_seconds=300,
    tenders=(),
)


@dataclass(frozen=True, slots=True)
class Catalog:
    rules: StoreRules
    categories: tuple[CategoryButton, ...]
    products: tuple[Product, ...]


# -- gift cards ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CardSummary:
    id: uuid.UUID
    number_masked: str
    last4: str
    status: CardStatus
    balance: Money
    initial_amount: Money
    buyer_email: str | None
    recipient_email: str | None
    recipient_name: str | None
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def from_wire(cls, card: CardOut) -> CardSummary:
        return cls(
            id=card.id,
            number_masked=card.number_masked,
            last4=card.last4,
            status=CardStatus(card.status),
            balance=card.balance.to_money(),
            initial_amount=card.initial_amount.to_money(),
            buyer_email=card.buyer_email,
            recipient_email=card.recipient_email,
            recipient_name=card.recipient_name,
            created_at=card.created_at,
            sent_at=card.sent_at,
        )


@dataclass(frozen=True, slots=True)
class CardActivity:
    """One line of a card's history: who did what, when, where."""

    id: uuid.UUID
    kind: ActivityKind
    amount: Money
    tip: Money
    balance_after: Money
    employee_name: str | None
    register_name: str | None
    ticket_id: uuid.UUID | None
    ticket_number: int | None  # the receipt's, once the ticket reached the server
    created_at: datetime  # aware UTC; shown in the store's time zone

    @classmethod
    def from_wire(cls, activity: ActivityOut) -> CardActivity:
        return cls(
            id=activity.id,
            kind=ActivityKind(activity.kind),
            amount=activity.amount.to_money(),
            tip=activity.tip.to_money(),
            balance_after=activity.balance_after.to_money(),
            employee_name=activity.employee.name if activity.employee else None,
            register_name=activity.register_ref.name if activity.register_ref else None,
            ticket_id=activity.ticket_id,
            ticket_number=activity.ticket_number,
            created_at=activity.created_at,
        )


@dataclass(frozen=True, slots=True)
class CardHistory:
    """A card and every activity on it, newest first."""

    card: CardSummary
    activities: tuple[CardActivity, ...]

    @classmethod
    def from_wire(cls, detail: CardDetail) -> CardHistory:
        activities = sorted(
            (CardActivity.from_wire(a) for a in detail.activities),
            key=lambda a: a.created_at,
            reverse=True,
        )
        return cls(CardSummary.from_wire(detail), tuple(activities))


@dataclass(frozen=True, slots=True)
class SearchFound:
    """What a search asked for and the cards it found (none is an answer too)."""

    query: SearchQuery
    cards: tuple[CardSummary, ...]


# -- tenders -------------------------------------------------------------------------------------


class PaymentUnsettled(DomainError):
    """The server's answer did not arrive; the payment is kept and will be asked about again."""

    code = ErrorCode.PAYMENT_UNSETTLED


@dataclass(frozen=True, slots=True)
class GiftCardPaid:
    sale: Sale
    payment: Payment


@dataclass(frozen=True, slots=True)
class CardOrder:
    """A gift card the cashier asks to add to the ticket, as entered (checked by the service).

    ``number``: a blank card's from the store's stock (scanned or typed); empty: the server
    issues one. ``send_on``/``send_at``: an e-gift sent later, on the store's clock; None:
    sent when the ticket completes."""

    amount: Money | None
    egift: bool = False
    number: str = ""
    recipient_name: str = ""
    recipient_email: str = ""
    message: str = ""
    send_on: date | None = None
    send_at: time | None = None


@dataclass(frozen=True, slots=True)
class CardSold:
    """A gift-card line on the ticket. ``number``: a card the server numbered, its full
    number said this once (it is not kept); None for a blank card's or a reload."""

    sale: Sale
    line_id: uuid.UUID
    number: str | None = None


@dataclass(frozen=True, slots=True)
class PresentedCard:
    """A card at the counter: what the server says of it, and the number read off it, which
    the server asks for as proof the card is here. The number is never shown."""

    summary: CardSummary
    number: str  # validated


@dataclass(frozen=True, slots=True)
class PartialRedeem:
    """The amount is more than the card holds: the Partial Redeem screen asks for one that fits."""

    sale: Sale
    presented: PresentedCard
    requested: Money
    max_amount: Money

    @property
    def card(self) -> CardSummary:
        return self.presented.summary


GiftCardOutcome = GiftCardPaid | PartialRedeem


@dataclass(frozen=True, slots=True)
class ProducedReceipt:
    lines: tuple[str, ...]  # as a 42-column printer prints it
    pdf: Path | None  # None when the PDF could not be written; the sale is complete anyway


# -- Deduct Funds by e-mailed code: what can refuse it (presenters word these for the cashier) --


class CodeRateLimited(DeductionRefused):
    """A resend before its time, or too many codes for the card this hour."""

    code = ErrorCode.RATE_LIMITED

    def __init__(self, message: str, retry_after: int | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DeductionUnanswered(DeductionRefused):
    """No answer arrived: whether the server acted is unknown. Send the same request again."""

    code = ErrorCode.DEDUCTION_UNANSWERED


# -- Deduct Funds, step by step ------------------------------------------------------------------


def _new_key() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class DeductionRequest:
    """Step 1 done: this card, this amount; the key of the request for a code."""

    card: CardSummary
    amount: Money
    idempotency_key: str = dataclasses.field(default_factory=_new_key)
    # When the deduction pays a ticket: its tip (paid from what the card holds beyond the
    # amount, seed 004) and the ticket it pays.
    tip: Money | None = None
    ticket_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class CodeSent:
    """Step 2 done: a code is on its way to ``sent_to`` (masked)."""

    request: DeductionRequest
    challenge_id: uuid.UUID
    sent_to: str
    expires_at: datetime
    resend_after: datetime
    attempts_left: int

    @property
    def card(self) -> CardSummary:
        return self.request.card

    @property
    def amount(self) -> Money:
        return self.request.amount


@dataclass(frozen=True, slots=True)
class ResendRequest:
    sent: CodeSent
    idempotency_key: str = dataclasses.field(default_factory=_new_key)


@dataclass(frozen=True, slots=True)
class VerifyRequest:
    sent: CodeSent
    code: str
    idempotency_key: str = dataclasses.field(default_factory=_new_key)


@dataclass(frozen=True, slots=True)
class Deducted:
    """Step 4 done: the money left the card."""

    card: CardSummary  # as it was before
    amount: Money
    balance_after: Money
    activity: CardActivity | None  # None when it paid a ticket: the ticket's payment tells it


@dataclass(frozen=True, slots=True)
class TicketDeducted(Deducted):
    """The deduction paid the ticket: ``paid`` is the ticket with its new tender."""

    paid: GiftCardPaid | None = None


def card_slip(done: Deducted, rules: StoreRules) -> CardSlip | None:
    """The slip a Deduct Funds prints; None without the server's activity (at checkout the
    ticket's receipt says it)."""
    activity = done.activity
    if activity is None:
        return None
    return CardSlip(
        store_name=rules.name,
        locale=rules.locale,
        masked_card=done.card.number_masked,
        amount=done.amount,
        balance_after=done.balance_after,
        employee_name=activity.employee_name or "",
        when=local_time(activity.created_at, rules.timezone),
        short_id=activity.id.hex[:8],
    )


# -- the receipt printer -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrintStatus:
    waiting: int  # jobs not printed yet (drawer jobs aside: they never wait)
    offline: str | None  # why the last attempt failed; None once the printer took a job
    # The ticket whose drawer did not open (its job given up); None once a drawer opened.
    drawer_missed: uuid.UUID | None = None

    @property
    def message(self) -> str:
        """The banner's text; empty when there is nothing to say."""
        if not self.waiting or self.offline is None:
            return ""
        jobs = "1 receipt" if self.waiting == 1 else f"{self.waiting} receipts"
        verb = "it prints" if self.waiting == 1 else "they print"
        return f"Printer offline: {jobs} waiting; {verb} when it is back"


# -- the register's devices, as the Settings tab edits them --------------------------------------

PAPER_WIDTHS = (58, 80)
# python-escpos's profile for the printer most stores have (``POS_PRINTER_PROFILE``'s default,
# and ``pos_desktop.receipts.escpos``'s): named here so that a settings screen need not load
# python-escpos.
DEFAULT_PRINTER_PROFILE = "TM-T88V"


class InvalidDeviceSettings(ValueError):
    """A setting the manager typed cannot be used; ``message`` says which and how to fix it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class NoPrinter(Exception):
    """A test page was asked for while no receipt printer is set."""

    message = "No receipt printer is set. Enter its connection and tap Save first."


@dataclass(frozen=True, slots=True)
class DeviceSettings:
    scanner_port: str = ""  # empty: no serial scanner
    scanner_baud: int = 9600
    scanner_terminator: str = "cr"
    scanner_prefix: str = ""  # \xNN for a control byte
    scanner_suffix: str = ""
    printer: str = ""  # serial:/dev/ttyUSB0?baud=19200, tcp:host:9100, file:/dev/usb/lp0
    printer_profile: str = DEFAULT_PRINTER_PROFILE
    paper_mm: int = 80
    onscreen_keyboard: KeyboardMode = KeyboardMode.ALWAYS

    @classmethod
    def from_settings(cls, settings: Settings) -> DeviceSettings:
        """The environment's devices: the defaults while nothing is stored."""
        return cls(
            scanner_port=settings.scanner_port.strip(),
            scanner_baud=settings.scanner_baud,
            scanner_terminator=settings.scanner_terminator,
            scanner_prefix=settings.scanner_prefix,
            scanner_suffix=settings.scanner_suffix,
            printer=settings.printer.strip(),
            printer_profile=settings.printer_profile,
            paper_mm=settings.paper_mm,
            onscreen_keyboard=settings.onscreen_keyboard,
        )

    def scanner(self) -> ScannerSettings | None:
        """The serial scanner to read, or None for none (ValueError if invalid)."""
        if not self.scanner_port:
            return None
        return ScannerSettings.parse(
            self.scanner_port,
            baudrate=self.scanner_baud,
            terminator=self.scanner_terminator,
            prefix=self.scanner_prefix,
            suffix=self.scanner_suffix,
        )

    def printer_address(self) -> PrinterAddress | None:
        return parse_printer_address(self.printer)


@dataclass(frozen=True, slots=True)
class SerialPort:
    device: str  # what the scanner setting takes: /dev/ttyUSB0, COM3
    description: str  # what the system calls it, for the picker

    @property
    def label(self) -> str:
        if self.description and self.description not in ("n/a", self.device):
            return f"{self.device} — {self.description}"
        return self.device


# -- the Back Office: store settings -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoreSettingsValues:
    """The store's settings as the Back Office shows and edits them. ``currency_locked`` is the
    server's word (a card or ticket exists) and never sent back."""

    name: str
    address: str
    phone: str
    receipt_header: str
    receipt_footer: str
    currency: str
    locale: str
    timezone: str
    prices_include_tax: bool
    tip_base: str  # "subtotal" or "total"
    idle_lock_seconds: int
    deduction_code_to: str  # "buyer", "recipient" or "both"
    deduction_code_minutes: int
    max_card_amount: Money
    tenders: tuple[str, ...]
    currency_locked: bool = False
    # The store's named rates: (("Sales tax", 825), ...), in the manager's order.
    tax_rates: tuple[tuple[str, int], ...] = ()
    tip_presets: tuple[int, ...] = (10, 15, 20)  # the Pay screen's tip buttons, in percent
    approvals: frozenset[ApprovalAction] = frozenset()  # need a manager's PIN on the spot
    # Gift cards at the counter: the smallest one sold (None: a server from before card
    # sales), whether one may pay for another, and the balance under which the law asks a
    # card be cashed out on request (None: no such law).
    min_card_amount: Money | None = None
    giftcard_pays_giftcard: bool = False
    cash_out_below: Money | None = None
    # The store's cards are found and redeemed in every store of the chain.
    cards_chain_wide: bool = False

    def changes(self, edited: StoreSettingsValues) -> dict[str, object]:
        """The fields ``edited`` gives another value than these: what a save sends."""
        return {
            field.name: getattr(edited, field.name)
            for field in dataclasses.fields(self)
            if field.name != "currency_locked"
            and getattr(edited, field.name) != getattr(self, field.name)
        }


class StoreSettingsRefused(Exception):
    """Settings that cannot be saved: field name → the reason, to show next to the field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {text}" for field, text in errors.items()))
        self.errors = errors


# -- the Back Office: staff ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StaffEntry:
    """An employee as the Back Office lists them; their PIN never leaves the server."""

    id: uuid.UUID
    name: str
    role: StaffRole
    active: bool

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


class StaffRefused(ValueError):
    """The server (or the register, before asking it) refused an employee change; ``field``
    (``name``, ``pin`` or ``""``) is where the manager fixes it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# -- the Back Office: catalog --------------------------------------------------------------------

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class CategoryEntry:
    """A checkout category as the Back Office lists it: its place (0 first) and colour."""

    id: uuid.UUID
    name: str
    position: int
    colour: str
    version: int


@dataclass(frozen=True, slots=True)
class ProductEntry:
    """A product as the Back Office edits it; ``version`` is the one a save names."""

    id: uuid.UUID
    name: str
    category_id: uuid.UUID
    category: str
    price: Money
    tax_rate_bp: int
    barcodes: tuple[str, ...]
    active: bool
    version: int
    updated_at: datetime | None = None
    updated_by: str | None = None


@dataclass(frozen=True, slots=True)
class ProductQuery:
    """Which products the list shows: a name or barcode, a category, archived or not, and
    from which one (0 first)."""

    search: str = ""
    category_id: uuid.UUID | None = None
    archived: bool = False
    offset: int = 0


@dataclass(frozen=True, slots=True)
class ProductListing:
    """One page of the products a query finds; ``total`` counts every page."""

    query: ProductQuery
    items: tuple[ProductEntry, ...]
    total: int
    page_size: int = PAGE_SIZE

    @property
    def has_previous(self) -> bool:
        return self.query.offset > 0

    @property
    def has_next(self) -> bool:
        return self.query.offset + len(self.items) < self.total

    def span_text(self) -> str:
        """Which products the page shows, of how many ("51 to 100 of 10,000", with an en
        dash); "No products" when the query finds none."""
        if not self.items:
            return "No products"
        first = self.query.offset + 1
        last = self.query.offset + len(self.items)
        return f"{first:,}–{last:,} of {self.total:,}"  # noqa: RUF001 - an en dash, as printed


@dataclass(frozen=True, slots=True)
class CatalogSetup:
    """What the product form needs of the store: its money, its named tax rates (quick picks),
    and the categories to pick from."""

    currency: str
    locale: str
    tax_rates: tuple[tuple[str, int], ...]
    categories: tuple[CategoryEntry, ...]


@dataclass(frozen=True, slots=True)
class ProductForm:
    """The product form as the manager typed it: checked by ``product_rules`` before sending."""

    name: str
    category_id: uuid.UUID | None
    price: str
    tax_rate: str
    barcodes: str
    active: bool = True


class ProductRefused(ValueError):
    """A product or category the register or the server will not save: field → why (the field
    ``""`` for a reason that belongs to none)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class ProductStale(ValueError):
    """Another save came first: ``message`` names who and when, and says to reload."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class CsvFile:
    """A .csv file the import can read: where it is, and what the list shows of it."""

    path: Path
    folder: str  # the folder as the list names it: "imports" or "home"
    size: int
    modified: datetime


class CsvFileRefused(ValueError):
    """A CSV file refused whole (not UTF-8, a column missing, unreadable): ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class ImportProblemEntry:
    line: int
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What importing ``path`` would do, as the server checked it without writing: the rows are
    kept, so the import sends exactly what was previewed."""

    path: Path
    rows: tuple[CsvRow, ...]
    created: int
    updated: int
    problems: tuple[ImportProblemEntry, ...]

    @property
    def can_import(self) -> bool:
        return not self.problems and bool(self.created or self.updated)


@dataclass(frozen=True, slots=True)
class ImportDone:
    path: Path
    created: int
    updated: int


@dataclass(frozen=True, slots=True)
class ExportedFile:
    path: Path
    products: int


# -- the Back Office: registers ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """A register of the store as the Back Office lists it; times are UTC."""

    id: uuid.UUID
    name: str
    enrolled_at: datetime
    last_seen_at: datetime | None
    app_version: str | None
    revoked_at: datetime | None
    # Finished tickets it had not pushed when last seen; None until it reported them.
    tickets_waiting: int | None
    this_register: bool

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True, slots=True)
class EnrollCode:
    """A one-time code another register enrolls with, until ``expires_at`` (UTC)."""

    code: str
    expires_at: datetime


class RegisterRefused(ValueError):
    """The server (or the register, before asking it) refused a register change; ``field``
    (``name`` or ``""``) is where the manager fixes it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class EgiftDelivered:
    """A manager's e-gift action done: the card now, the address its e-gift goes to, and when
    the mail the action queued or redirected goes (None: no mail waits because of it)."""

    card: CardSummary
    recipient_email: str
    mail_due_at: datetime | None

    @classmethod
    def from_wire(cls, answer: EgiftDeliveryOut) -> EgiftDelivered:
        return cls(
            card=CardSummary.from_wire(answer.card),
            recipient_email=answer.recipient_email,
            mail_due_at=answer.mail_due_at,
        )
