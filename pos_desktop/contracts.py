"""Wire format of shared/API.md as pydantic models; the server and the register share them.

Amounts on the wire are ``MoneyBody``: integer minor units plus an optional currency (a
request may leave it out and mean the store's currency). Times are aware UTC datetimes.
"""

from __future__ import annotations

import unicodedata
import uuid
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StrictInt,
    field_validator,
)

from pos_desktop.domain.approvals import ApprovalAction

# The wire's error codes: one enum for server and register, re-exported with the models.
from pos_desktop.domain.errors import ErrorCode as ErrorCode
from pos_desktop.domain.money import MAX_MINOR_UNITS, Money
from pos_desktop.domain.roles import Role as Role
from pos_desktop.domain.roles import StaffRole as StaffRole

CardStatusName = Literal["pending", "active", "used", "blocked", "voided"]


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_by_name=True, serialize_by_alias=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL text cannot hold NUL; refuse it here rather than fail at the database.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text may not contain NUL characters")
        return value


class Answer(Wire):
    """A response: fields a newer server adds are ignored, so older registers keep working."""

    model_config = ConfigDict(extra="ignore")


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


# Why a manager creates or moves value without a paid ticket; recorded on the activity.
Reason = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_not_blank)]
# A full card number, only ever in a request body (never in a URL, which logs keep).
CardNumberText = Annotated[str, Field(min_length=1, max_length=64)]

CurrencyCode = Annotated[str, Field(pattern="^[A-Z]{3}$", description="ISO 4217, e.g. USD")]


class MoneyBody(Wire):
    amount: Annotated[StrictInt, Field(ge=-MAX_MINOR_UNITS, le=MAX_MINOR_UNITS)]
    currency: CurrencyCode | None = None

    @classmethod
    def of(cls, money: Money) -> MoneyBody:
        return cls(amount=money.minor, currency=money.currency)

    @classmethod
    def tip(cls, money: Money | None) -> MoneyBody | None:
        """A tip as requests carry it: left out when there is none."""
        return cls.of(money) if money is not None and money.is_positive() else None


class MoneyOut(Answer):
    amount: int
    currency: str

    def to_money(self) -> Money:
        return Money(self.amount, self.currency)


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")
    # One of ``ErrorCode`` (the one enum of codes, server's and register's alike); kept as
    # text, since a newer server may add codes.
    code: str
    message: str


class ErrorBody(Answer):
    error: ErrorDetail


class Health(Answer):
    status: Literal["ok"]
    database: str


class EnrollRequest(Wire):
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=80)


class EnrollResponse(Answer):
    register_id: uuid.UUID
    token: str


class EnrollCodeResponse(Answer):
    code: str
    expires_at: AwareDatetime


class SessionRequest(Wire):
    pin: str = Field(min_length=1, max_length=32)


class EmployeeRef(Answer):
    id: uuid.UUID
    name: str


class EmployeeOut(EmployeeRef):
    role: Role


class SessionResponse(Answer):
    token: str
    employee: EmployeeOut
    expires_at: AwareDatetime


class RegisterRef(Answer):
    id: uuid.UUID
    name: str


class CardOut(Answer):
    id: uuid.UUID
    number_masked: str
    last4: str
    status: CardStatusName
    balance: MoneyOut
    initial_amount: MoneyOut
    buyer_email: str | None
    recipient_email: str | None
    recipient_name: str | None
    created_at: AwareDatetime
    sent_at: AwareDatetime | None


class IssuedCard(CardOut):
    """The answer to selling a card: the only time the full number leaves the server."""

    number: str


class ActivityOut(Answer):
    id: uuid.UUID
    kind: str
    amount: MoneyOut
    tip: MoneyOut
    balance_after: MoneyOut
    employee: EmployeeRef | None
    # "register" is a BaseModel attribute (ABC.register), so the field takes an alias.
    register_ref: RegisterRef | None = Field(alias="register")
    ticket_id: uuid.UUID | None
    created_at: AwareDatetime
    reason: str | None = None
    # The receipt's number of the ticket, once its register pushed it (the register's own
    # numbering: shown with the register's name).
    ticket_number: int | None = None


class CardDetail(CardOut):
    activities: list[ActivityOut]


class CardList(Answer):
    items: list[CardOut]


class IssueCardRequest(Wire):
    amount: MoneyBody
    buyer_email: EmailStr | None = None
    recipient_email: EmailStr | None = None
    recipient_name: str | None = Field(default=None, max_length=120)
    message: str | None = Field(default=None, max_length=1000)
    deliver_at: AwareDatetime | None = None
    reason: Reason


class SendCardRequest(Wire):
    reason: Reason


class CardActionRequest(Wire):
    """Block, unblock or void: why, recorded on the card's activity."""

    reason: Reason


class ResendEgiftRequest(Wire):
    """A manager sends a card's e-gift mail again (it went astray, was deleted...)."""

    reason: Reason


class AdjustRequest(Wire):
    """A manager's correction: ``amount`` up (positive) or down (negative)."""

    amount: MoneyBody
    reason: Reason


class CashOutRequest(Wire):
    """The card at the counter (its full number) paid out in cash; ``reason`` optional."""

    number: CardNumberText
    reason: str | None = Field(default=None, max_length=500)


class ReplaceRequest(Wire):
    """A lost or damaged card: its balance moves to a new card (a blank's ``number``, or one
    the server gives) handed over now."""

    reason: Reason
    number: CardNumberText | None = None


class CardChangeOut(Answer):
    """A card after a manager's action, with the activity that recorded it."""

    card: CardOut
    activity: ActivityOut


class ReplacedCard(Answer):
    """The old card, now voided, and the new one: the only answer with its full number."""

    old: CardOut
    new: IssuedCard


class TenderRefundRequest(Wire):
    """Give back (part of) a completed sale's gift-card payment, ``activity_id``, to the card
    that paid; ``approved_by``: the manager who approved a cashier's refund at the register."""

    activity_id: uuid.UUID
    amount: MoneyBody
    reason: str | None = Field(default=None, max_length=500)
    approved_by: uuid.UUID | None = None


class PresentedCard(Wire):
    """A card at the counter: its id and its full number, the proof it is there."""

    card_id: uuid.UUID
    number: CardNumberText


class StoreCreditRequest(Wire):
    """Refund a completed sale (``ticket_id`` of ``register_id``, the caller's register when
    left out) onto ``card`` or, without one, a new card handed over now."""

    ticket_id: uuid.UUID
    register_id: uuid.UUID | None = None
    amount: MoneyBody
    card: PresentedCard | None = None
    reason: Reason
    approved_by: uuid.UUID | None = None


class RefundOut(Answer):
    card: CardOut
    activity: ActivityOut
    # A new card's full number, this once.
    number: str | None = None


class CardSaleRequest(Wire):
    """A gift card sold on a line of an open ticket: ``number`` of a blank card from the
    store's stock (left out: the server gives one); ``delivery`` by hand or by e-mail."""

    ticket_id: uuid.UUID
    line_id: uuid.UUID
    amount: MoneyBody
    delivery: Literal["physical", "email"]
    number: CardNumberText | None = None
    buyer_email: EmailStr | None = None
    recipient_email: EmailStr | None = None
    recipient_name: str | None = Field(default=None, max_length=120)
    message: str | None = Field(default=None, max_length=1000)
    deliver_at: AwareDatetime | None = None


class CardReloadRequest(Wire):
    """A reload of the card at the counter (its full number: the card is there) on a line of
    an open ticket."""

    ticket_id: uuid.UUID
    line_id: uuid.UUID
    card_id: uuid.UUID
    number: CardNumberText
    amount: MoneyBody


class CardLoadRef(Wire):
    """The ticket line whose gift card (or reload) is cancelled."""

    ticket_id: uuid.UUID
    line_id: uuid.UUID


class CardLoadOut(Answer):
    """Value a ticket line sells onto a card: ``pending`` until the ticket completes."""

    ticket_id: uuid.UUID
    line_id: uuid.UUID
    kind: Literal["issue", "load"]
    amount: MoneyOut
    state: Literal["pending", "loaded", "cancelled"]
    card: CardOut
    # A card sold: its full number, this once (the receipt and a printed card show it).
    number: str | None = None


class RecipientChangeRequest(Wire):
    """A manager changes where a card's e-gift mail goes; a mail still waiting for its
    scheduled time goes to the new address, one already sent is not sent again by this."""

    recipient_email: EmailStr
    reason: Reason


class EgiftDeliveryOut(Answer):
    """What a manager's e-gift action left: the card, the address its e-gift goes to, and when
    the mail this action queued or redirected goes (None: none waits; e.g. a sent card's new
    address, until a resend)."""

    card: CardOut
    recipient_email: str
    mail_due_at: AwareDatetime | None


class LookupRequest(Wire):
    number: CardNumberText


class RedeemRequest(Wire):
    """``number``: the card's full number, read off the card at the counter: the proof that
    it is there. Without the card, value moves only through a verified deduction code."""

    number: CardNumberText
    amount: MoneyBody
    tip: MoneyBody | None = None
    ticket_id: uuid.UUID | None = None


class ReverseRequest(Wire):
    """The ticket the redemption paid, which must still be open on this register."""

    ticket_id: uuid.UUID


class RedemptionOut(Answer):
    activity: ActivityOut
    redeemed: MoneyOut
    tip_covered: MoneyOut
    balance_after: MoneyOut


class DeductionCodeRequest(Wire):
    """Ask for a code to deduct ``amount`` (and ``tip``, paid from what is left) from a card;
    ``ticket_id`` when the deduction pays a ticket at checkout."""

    amount: MoneyBody
    tip: MoneyBody | None = None
    ticket_id: uuid.UUID | None = None


class DeductionChallengeOut(Answer):
    challenge_id: uuid.UUID
    expires_at: AwareDatetime
    sent_to: str  # the masked address(es) the code went to, e.g. "j•••@example.com"
    attempts_left: int
    resend_after: AwareDatetime  # the Resend button waits until then


class VerifyCodeRequest(Wire):
    code: str = Field(pattern=r"^[0-9]{6}$")


class CreateEmployeeRequest(Wire):
    name: Annotated[str, Field(min_length=1, max_length=80), AfterValidator(_not_blank)]
    role: StaffRole
    pin: str = Field(min_length=1, max_length=32)


class TicketLine(Wire):
    # The register's id of the line: a line that sold a gift card names its card load by it.
    id: uuid.UUID | None = None
    product_id: uuid.UUID | None = None
    name: str = Field(max_length=200)
    quantity: Annotated[StrictInt, Field(ge=-100_000, le=100_000)]
    unit_price: MoneyBody
    tax: MoneyBody
    total: MoneyBody


class TicketPayment(Wire):
    id: uuid.UUID
    tender: str = Field(max_length=40)
    amount: MoneyBody
    tip: MoneyBody | None = None
    reference: str | None = Field(default=None, max_length=120)
    activity_id: uuid.UUID | None = None


class ApprovalRecord(Wire):
    """A manager's PIN given on the spot for a cashier's action (``domain.approvals``).

    ``id`` is made by the register: the server records each id once, however often it is
    pushed. ``ticket_id``: the ticket the action was on (left out on a ticket's own
    approvals, whose ticket is the one carrying them); ``cashier_id``: who did the action."""

    id: uuid.UUID
    action: ApprovalAction
    manager_id: uuid.UUID
    at: AwareDatetime
    cashier_id: uuid.UUID | None = None
    ticket_id: uuid.UUID | None = None
    detail: str | None = Field(default=None, max_length=200)


def _approvals(max_length: int) -> Any:
    """A list of approvals, left out of the JSON when empty: a server from before approvals
    refuses the field, and a register sends one only once its store asks for them."""
    return Field(default_factory=list, max_length=max_length, exclude_if=lambda value: not value)


class Ticket(Wire):
    id: uuid.UUID
    # The number the register printed on the receipt (per register, from 1); older registers
    # leave it out.
    number: Annotated[StrictInt, Field(ge=1, le=2**53)] | None = None
    employee_id: uuid.UUID | None = None
    opened_at: AwareDatetime
    completed_at: AwareDatetime
    status: Literal["completed", "voided"] = "completed"
    lines: list[TicketLine] = Field(default_factory=list, max_length=1000)
    payments: list[TicketPayment] = Field(default_factory=list, max_length=100)
    subtotal: MoneyBody
    tax: MoneyBody
    tip: MoneyBody
    total: MoneyBody
    # Managers' approvals of what was done to the ticket (its void, a line removed after a
    # tender).
    approvals: list[ApprovalRecord] = _approvals(100)


ShiftMovementKind = Literal["pay_in", "pay_out", "no_sale", "gift_card_cash_out"]
Count = Annotated[StrictInt, Field(ge=0, le=2**31 - 1)]


class ShiftMovement(Wire):
    """Cash in or out of the drawer outside a sale (``domain.shifts.MovementKind``);
    ``amount`` is signed (negative: out of the drawer), zero for a ``no_sale``."""

    id: uuid.UUID
    kind: ShiftMovementKind
    amount: MoneyBody
    reason: str | None = Field(default=None, max_length=200)
    employee_id: uuid.UUID | None = None
    employee_name: str = Field(max_length=80)
    approved_by: uuid.UUID | None = None
    card_last4: str | None = Field(default=None, pattern=r"^[0-9]{4}$")
    at: AwareDatetime


class ShiftTender(Wire):
    """What one tender took over a shift (tips included): ``tender`` is ``cash``, ``card``,
    ``gift_card`` or a store's own tender's name; only cash is in the drawer."""

    tender: str = Field(max_length=40)
    label: str = Field(max_length=40)
    cash: bool
    count: Count
    amount: MoneyBody


class ShiftTally(Wire):
    count: Count
    amount: MoneyBody


class ShiftCount(Wire):
    """``count`` notes or coins of ``value`` (minor units)."""

    value: Annotated[StrictInt, Field(ge=1, le=MAX_MINOR_UNITS)]
    count: Annotated[StrictInt, Field(ge=0, le=99_999)]


class Shift(Wire):
    """A closed cash-drawer shift and its Z report (``domain.shifts``). ``id`` is made by the
    register; ``z_number`` is the register's own sequence, from 1, never reused or skipped.
    ``difference`` is ``counted - expected`` (negative: cash short)."""

    id: uuid.UUID
    z_number: Annotated[StrictInt, Field(ge=1, le=2**31 - 1)]
    opened_at: AwareDatetime
    closed_at: AwareDatetime
    opened_by: uuid.UUID | None = None
    opened_by_name: str = Field(max_length=80)
    closed_by: uuid.UUID | None = None
    closed_by_name: str = Field(max_length=80)
    opening_float: MoneyBody
    float_counts: list[ShiftCount] = Field(default_factory=list, max_length=50)
    tickets: Count
    goods: MoneyBody
    tax: MoneyBody
    tips: MoneyBody
    taken: MoneyBody
    gift_cards_sold: ShiftTally
    tenders: list[ShiftTender] = Field(default_factory=list, max_length=100)
    cash_tendered: MoneyBody
    change_given: MoneyBody
    voids: ShiftTally
    refunds: ShiftTally
    no_sales: Count
    pay_ins: ShiftTally
    pay_outs: ShiftTally
    cash_outs: ShiftTally
    expected: MoneyBody
    counted: MoneyBody
    difference: MoneyBody
    counts: list[ShiftCount] = Field(default_factory=list, max_length=50)
    note: str | None = Field(default=None, max_length=500)
    movements: list[ShiftMovement] = Field(default_factory=list, max_length=5000)


class PushRequest(Wire):
    tickets: list[Ticket] = Field(max_length=500)
    # Approvals of actions outside a ticket's changes (a reprint, the drawer opened without a
    # sale), from the register's approval outbox.
    approvals: list[ApprovalRecord] = _approvals(500)
    # Closed drawer shifts, oldest Z first; left out when there is none, like approvals.
    shifts: list[Shift] = Field(
        default_factory=list, max_length=50, exclude_if=lambda value: not value
    )


class PushResponse(Answer):
    accepted: list[uuid.UUID]
    duplicates: list[uuid.UUID]
    # The shifts of the push kept now, and those the server had already (older servers send
    # neither).
    shifts_accepted: list[uuid.UUID] = Field(
        default_factory=list, exclude_if=lambda value: not value
    )
    shift_duplicates: list[uuid.UUID] = Field(
        default_factory=list, exclude_if=lambda value: not value
    )


class ProductOut(Answer):
    id: uuid.UUID
    name: str
    category: str
    price: MoneyOut
    tax_rate_bp: int = Field(description="tax rate in basis points: 825 = 8.25 %")
    barcode: str | None = Field(description="the first of ``barcodes``, for older registers")
    active: bool
    # Servers from before the Back Office catalog send neither.
    category_id: uuid.UUID | None = None
    barcodes: list[str] = Field(default_factory=list)


class CategoryOut(Answer):
    """A checkout category button: its name, place (0 first) and colour (#RRGGBB)."""

    id: uuid.UUID
    name: str
    position: int
    colour: str
    version: int


class SyncEmployee(Answer):
    id: uuid.UUID
    name: str
    role: Role
    pin_hash: str
    active: bool


class TaxRate(Wire):
    """A rate the store's products may carry, named as the manager calls it."""

    name: Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_not_blank)]
    rate_bp: Annotated[StrictInt, Field(ge=0, le=10_000)]


TipPreset = Annotated[StrictInt, Field(ge=1, le=100)]


class StoreSettings(Answer):
    store_id: uuid.UUID
    store_name: str
    currency: str
    locale: str
    timezone: str
    prices_include_tax: bool
    idle_lock_seconds: int
    max_card_amount: MoneyOut
    tenders: list[str]
    # What tip percentages are taken on; servers from before the setting mean the subtotal.
    tip_base: Literal["subtotal", "total"] = "subtotal"
    # For receipts; servers from before the Back Office send none.
    address: str = ""
    phone: str = ""
    receipt_header: str = ""
    receipt_footer: str = ""
    tax_rates: list[TaxRate] = Field(default_factory=list)
    tip_presets: list[int] = Field(default_factory=lambda: [10, 15, 20])
    approvals: list[ApprovalAction] = Field(default_factory=list)
    # Gift cards at the counter; servers from before card sales send none.
    min_card_amount: MoneyOut | None = None
    giftcard_pays_giftcard: bool = False
    cash_out_below: MoneyOut | None = None


class PullResponse(Answer):
    products: list[ProductOut]
    employees: list[SyncEmployee]
    settings: StoreSettings | None
    categories: list[CategoryOut] = Field(default_factory=list)
    cursor: str


# --- The Back Office (managers only; docs/api-extensions.md) -------------------------------

TipBase = Literal["subtotal", "total"]
CodeRecipients = Literal["buyer", "recipient", "both"]
Name = Annotated[str, Field(min_length=1, max_length=80), AfterValidator(_not_blank)]


def _no_control_characters(value: str) -> str:
    # Tender names are stored one per line, and PostgreSQL text cannot hold NUL.
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValueError("must not contain line breaks, tabs or other control characters")
    return value


TenderName = Annotated[
    str,
    Field(min_length=1, max_length=40),
    AfterValidator(_no_control_characters),
    AfterValidator(_not_blank),
]


class BackOfficeStore(Answer):
    """Every store setting a manager can change, as the Back Office shows them."""

    id: uuid.UUID
    name: str
    address: str
    phone: str
    receipt_header: str
    receipt_footer: str
    currency: str
    # True once a card or a ticket exists: the currency can no longer change.
    currency_locked: bool
    locale: str
    timezone: str
    prices_include_tax: bool
    tenders: list[str]
    tip_base: TipBase
    idle_lock_seconds: int
    deduction_code_to: CodeRecipients
    deduction_code_minutes: int
    max_card_amount: MoneyOut
    pin_digits: int
    tax_rates: list[TaxRate] = Field(default_factory=list)
    tip_presets: list[int] = Field(default_factory=list)
    approvals: list[ApprovalAction] = Field(default_factory=list)
    min_card_amount: MoneyOut | None = None
    giftcard_pays_giftcard: bool = False
    # None: the law asks no cash-out of small balances here.
    cash_out_below: MoneyOut | None = None
    # The store's cards are found and redeemed in every store of the chain.
    cards_chain_wide: bool = False


class StoreUpdate(Wire):
    """The settings to change; a field left out (or null) keeps its value. ``currency``,
    ``locale`` and ``timezone`` are checked by the server against the codes it knows."""

    name: Annotated[str, Field(min_length=1, max_length=120), AfterValidator(_not_blank)] | None = (
        None
    )
    address: str | None = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=40)
    receipt_header: str | None = Field(default=None, max_length=1000)
    receipt_footer: str | None = Field(default=None, max_length=1000)
    currency: str | None = None
    # As long as the store's columns hold (the server checks the codes themselves).
    locale: str | None = Field(default=None, max_length=20)
    timezone: str | None = Field(default=None, max_length=64)
    prices_include_tax: bool | None = None
    tenders: list[TenderName] | None = Field(default=None, max_length=20)
    tip_base: TipBase | None = None
    idle_lock_seconds: Annotated[StrictInt, Field(ge=30, le=86_400)] | None = None
    deduction_code_to: CodeRecipients | None = None
    deduction_code_minutes: Annotated[StrictInt, Field(ge=1, le=60)] | None = None
    max_card_amount: Annotated[StrictInt, Field(ge=1, le=MAX_MINOR_UNITS)] | None = None
    pin_digits: Literal[4, 6] | None = None
    tax_rates: list[TaxRate] | None = Field(default=None, max_length=10)
    tip_presets: list[TipPreset] | None = Field(default=None, min_length=1, max_length=4)
    approvals: list[ApprovalAction] | None = None
    min_card_amount: Annotated[StrictInt, Field(ge=1, le=MAX_MINOR_UNITS)] | None = None
    giftcard_pays_giftcard: bool | None = None
    # 0: no cash-out required by law.
    cash_out_below: Annotated[StrictInt, Field(ge=0, le=MAX_MINOR_UNITS)] | None = None
    cards_chain_wide: bool | None = None


class StaffMember(Answer):
    """An employee as the Back Office lists them: never their PIN or its hash (nor an owner,
    whom no store's manager changes)."""

    id: uuid.UUID
    name: str
    role: StaffRole
    active: bool
    created_at: AwareDatetime


class StaffList(Answer):
    items: list[StaffMember]


class EmployeeUpdate(Wire):
    """What to change about an employee; a field left out (or null) keeps its value."""

    name: Name | None = None
    role: StaffRole | None = None
    pin: str | None = Field(default=None, min_length=1, max_length=32)
    active: bool | None = None


class RegisterInfo(Answer):
    id: uuid.UUID
    name: str
    enrolled_at: AwareDatetime
    # Updated at most once a minute; None until the register first calls after enrolling.
    last_seen_at: AwareDatetime | None
    app_version: str | None
    revoked_at: AwareDatetime | None
    # Finished tickets it had not pushed when last seen (its X-POS-Outbox header); None until
    # it reports them.
    tickets_waiting: int | None = None
    # The register this request came from.
    this_register: bool = False


class RegisterList(Answer):
    items: list[RegisterInfo]


class RegisterUpdate(Wire):
    name: Name


class AuditEntryOut(Answer):
    id: uuid.UUID
    at: AwareDatetime
    employee: EmployeeRef | None
    register_ref: RegisterRef | None = Field(alias="register")
    action: str
    target_kind: str
    target_id: uuid.UUID
    # {"field": {"old": ..., "new": ...}}; a PIN shows only as "PIN changed".
    changes: dict[str, Any]


class AuditList(Answer):
    items: list[AuditEntryOut]


# --- The Back Office catalog --------------------------------------------------------------

Colour = Annotated[str, Field(pattern="^#[0-9A-Fa-f]{6}$", description="#RRGGBB")]
CategoryName = Annotated[str, Field(min_length=1, max_length=80), AfterValidator(_not_blank)]
ProductName = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_not_blank)]
Barcode = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z\-.]+$")]
TaxRateBp = Annotated[StrictInt, Field(ge=0, le=10_000)]
Price = Annotated[StrictInt, Field(ge=0, le=MAX_MINOR_UNITS)]


class CategoryList(Answer):
    items: list[CategoryOut]


class CategoryCreate(Wire):
    name: CategoryName
    colour: Colour | None = None  # None: the next colour of the palette


class CategoryUpdate(Wire):
    """``version`` is the one the manager saw: an older one is refused (409 stale_version)."""

    version: StrictInt
    name: CategoryName | None = None
    colour: Colour | None = None
    position: Annotated[StrictInt, Field(ge=0, le=10_000)] | None = None


class ProductDetail(Answer):
    id: uuid.UUID
    name: str
    category_id: uuid.UUID
    category: str
    price: MoneyOut
    tax_rate_bp: int
    barcodes: list[str]
    active: bool
    version: int
    updated_at: AwareDatetime | None
    updated_by: EmployeeRef | None


class ProductPage(Answer):
    items: list[ProductDetail]
    total: int  # products that match, over every page


class ProductCreate(Wire):
    name: ProductName
    category_id: uuid.UUID
    price: Price  # minor units of the store's currency
    tax_rate_bp: TaxRateBp = 0
    barcodes: list[Barcode] = Field(default_factory=list, max_length=20)
    active: bool = True


class ProductUpdate(Wire):
    """The fields to change; ``version`` is the one the manager saw (see CategoryUpdate)."""

    version: StrictInt
    name: ProductName | None = None
    category_id: uuid.UUID | None = None
    price: Price | None = None
    tax_rate_bp: TaxRateBp | None = None
    barcodes: list[Barcode] | None = Field(default=None, max_length=20)
    active: bool | None = None


ImportCell = Annotated[str, Field(max_length=1000)]


class ImportRow(Wire):
    """A CSV row as text (pos_desktop.domain.catalog_csv); the server checks each cell."""

    line: Annotated[StrictInt, Field(ge=1)]
    id: ImportCell = ""
    name: ImportCell = ""
    category: ImportCell = ""
    price: ImportCell = ""
    tax_rate: ImportCell = ""
    barcodes: ImportCell = ""
    active: ImportCell = ""


class ImportRequest(Wire):
    rows: list[ImportRow] = Field(min_length=1, max_length=50_000)
    # True: check and count, write nothing (the preview).
    dry_run: bool = False


class ImportProblem(Answer):
    line: int
    field: str
    message: str


class ImportReport(Answer):
    """What the import did, or (``dry_run`` or any problem) would do: nothing is written
    unless ``problems`` is empty."""

    created: int
    updated: int
    problems: list[ImportProblem]
    written: bool


# --- The Back Office's card list ----------------------------------------------------------


class CardListItem(CardOut):
    """A card as the managers' list shows it: the contract's Card and when it last moved."""

    last_activity_at: AwareDatetime


class CardPage(Answer):
    """One page of the list, newest card first. ``next_cursor`` asks for the page after this
    one (opaque: send it back as it is); None on the last page."""

    items: list[CardListItem]
    next_cursor: str | None
    # Read from the server's replica, this many milliseconds behind the primary; None: read
    # from the primary itself.
    replica_lag_ms: int | None = None


class LiabilityOut(Answer):
    """The store's gift-card liability at ``at``: every card's balance then, summed."""

    at: AwareDatetime
    outstanding: MoneyOut
    cards: int  # cards holding value at that instant


# --- Reports (issue 15): computed on the server, in the store's time zone -------------------
# Every range is a span of the store's calendar days, ``start`` and ``end`` both included
# (``?start=2026-11-01&end=2026-11-30``); an end before the start is 422 ``invalid_range``.


class ReportRange(Answer):
    """The days a report covers and the instants they run between (``start_at`` included,
    ``end_at`` not), as the store's time zone puts them."""

    start: date
    end: date
    timezone: str
    start_at: AwareDatetime
    end_at: AwareDatetime


class SalesFigures(Answer):
    """Completed tickets' sales. Gift cards sold are a liability, never revenue: their lines
    are left out of ``gross`` and summed apart in ``gift_cards_sold``. ``net`` is gross less
    refunds and discounts; ``average`` is net per ticket (0 with no ticket), rounded half up."""

    gross: MoneyOut
    refunds: MoneyOut
    discounts: MoneyOut
    net: MoneyOut
    tax: MoneyOut
    tips: MoneyOut
    gift_cards_sold: MoneyOut
    tickets: int
    average: MoneyOut


class SalesGroup(Answer):
    """One row of a breakdown: a day (``key`` the ISO date), an hour of the store's day
    (``key`` "00" to "23") or an employee (``key`` the id), named as a person reads it."""

    key: str
    label: str
    figures: SalesFigures


class ItemSales(Answer):
    """What one product or category sold (``key`` its id; "" for lines with none)."""

    key: str
    label: str
    quantity: int
    gross: MoneyOut
    tax: MoneyOut


class TenderSales(Answer):
    tender: str  # as the receipt names it: Cash, Card, Gift Card, or a store tender's name
    payments: int
    amount: MoneyOut
    tips: MoneyOut


class SalesReportOut(Answer):
    range: ReportRange
    totals: SalesFigures
    by_day: list[SalesGroup]  # every day of the range, days without a sale too
    by_hour: list[SalesGroup]  # the 24 hours of the store's day, over the whole range
    by_employee: list[SalesGroup]
    by_product: list[ItemSales]
    by_category: list[ItemSales]
    by_tender: list[TenderSales]
    # Read from the server's replica, this many milliseconds behind the primary; None: read
    # from the primary itself.
    replica_lag_ms: int | None = None


class ChainStoreRow(Answer):
    """One store of the chain in the owner's report: its sales over the range (its own
    calendar days) and what its cards owed at the range's end."""

    id: uuid.UUID
    name: str
    currency: str
    sales: SalesFigures
    outstanding: MoneyOut
    cards: int


class ChainTotal(Answer):
    """The chain's stores of one currency, added up."""

    currency: str
    stores: int
    sales: SalesFigures
    outstanding: MoneyOut
    cards: int


class ChainReportOut(Answer):
    """The owner's report: each store, then one total per currency (stores in different
    currencies are never added together). ``range`` is the days as the asking register's
    store reads them; each store's row covers the same calendar days on its own clock."""

    range: ReportRange
    stores: list[ChainStoreRow]
    totals: list[ChainTotal]


class LiabilityFlow(Answer):
    """Value that went onto (positive) or off (negative) the store's cards in the range, by
    kind of activity: issued, loaded, redeemed, reversed, adjusted, refunded, voided,
    cashed out."""

    kind: str
    label: str
    activities: int
    amount: MoneyOut


class AgingBucket(Answer):
    """Cards holding value at the range's end, by the days since their last activity."""

    label: str
    cards: int
    outstanding: MoneyOut


class DormantCard(Answer):
    """A card with value and no activity for the report's ``dormant_months``: breakage."""

    card_id: uuid.UUID
    last4: str
    balance: MoneyOut
    last_activity_at: AwareDatetime


class LiabilityPoint(Answer):
    day: date
    outstanding: MoneyOut  # at the end of that day, store time


class GiftCardReportOut(Answer):
    range: ReportRange
    opening: MoneyOut  # outstanding at ``range.start_at``
    closing: MoneyOut  # outstanding at ``range.end_at`` (now, when that is still to come)
    cards: int  # cards holding value at the closing
    flows: list[LiabilityFlow]
    aging: list[AgingBucket]
    dormant_months: int
    dormant_cards: int
    dormant_outstanding: MoneyOut
    dormant: list[DormantCard]  # the largest balances first, at most 100
    series: list[LiabilityPoint]  # every day of the range


class UnsettledRedemption(Answer):
    """Value taken off a card for a ticket that no register has completed (nor reversed)."""

    activity_id: uuid.UUID
    card_last4: str
    amount: MoneyOut  # what left the card, tip included
    ticket_id: uuid.UUID | None
    register_name: str
    employee_name: str
    at: AwareDatetime


class EmployeeExceptions(Answer):
    employee_id: uuid.UUID | None
    name: str
    ticket_voids: int
    card_voids: int
    blocks: int
    adjustments: int
    adjusted: MoneyOut  # signed sum
    refunds: int
    refunded: MoneyOut


class RegisterExceptions(Answer):
    register_id: uuid.UUID
    name: str
    unknown_cards: int
    wrong_pins: int


class MailFailure(Answer):
    """A message the mail sender gave up on."""

    queued_at: AwareDatetime
    kind: str
    to: str  # masked
    attempts: int
    error: str


class ExceptionsReportOut(Answer):
    range: ReportRange
    unsettled: list[UnsettledRedemption]
    by_employee: list[EmployeeExceptions]
    by_register: list[RegisterExceptions]
    mail_failures: list[MailFailure]
    # Read from the server's replica, this many milliseconds behind the primary; None: read
    # from the primary itself.
    replica_lag_ms: int | None = None


AlertKind = Literal["unknown_cards", "wrong_pins"]


class Alert(Answer):
    """A register past a threshold right now (e.g. 5 unknown card numbers in 10 minutes)."""

    register_id: uuid.UUID
    register_name: str
    kind: AlertKind
    count: int
    threshold: int
    window_minutes: int
    last_at: AwareDatetime


class AlertsOut(Answer):
    items: list[Alert]
