"""Gift cards sold and reloaded on ticket lines, as the register holds them.

A gift card is not revenue: its line carries no tax and takes no tip. Its value is the
customer's only once the ticket completes (the server loads it then); until then the line
may go, and its card with it. A gift card does not pay for a gift card unless the store says
so (``giftcard_pays_giftcard``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pos_desktop.domain.card_number import mask_card_number
from pos_desktop.domain.card_search import normalize_email
from pos_desktop.domain.errors import DomainError, ErrorCode, GiftCardForGiftCard, InvalidAmount
from pos_desktop.domain.giftcard import Delivery
from pos_desktop.domain.money import Money

MAX_RECIPIENT_NAME = 120
MAX_MESSAGE = 1000
# What the store sells when its server says no minimum (a server from before card sales).
DEFAULT_MIN_MINOR = 1

GIFT_CARD_PAYS_GIFT_CARD = (
    "This ticket sells a gift card, and a gift card cannot pay for a gift card. "
    "Take another tender."
)


class CardLineKind(StrEnum):
    SALE = "sale"  # a new card, physical or e-gift
    RELOAD = "reload"  # value added to a card in use


class CardLineState(StrEnum):
    """Where the line's card stands with the server, as the register knows it."""

    REQUESTING = "requesting"  # key stored, the server's answer not in yet
    SOLD = "sold"  # the server holds it pending; the line is on the ticket
    CANCELLING = "cancelling"  # the line left: the cancel is owed to the server
    CANCELLED = "cancelled"


class CardOrderRefused(DomainError):
    """A gift-card line the checkout cannot add as entered (the field it is about named)."""

    code = ErrorCode.INVALID_AMOUNT

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class CardLine:
    """What a ticket line sold onto a card: the receipt's and the screen's words come from it.

    The full number is never kept: a card is named by its last 4 from the server's answer on."""

    kind: CardLineKind
    card_id: uuid.UUID
    last4: str
    delivery: Delivery | None = None  # a sale's; None for a reload
    recipient_name: str | None = None
    recipient_email: str | None = None
    deliver_at: datetime | None = None  # an e-gift sent later; None: when the ticket completes

    @property
    def masked(self) -> str:
        return mask_card_number(self.last4)

    @property
    def is_egift(self) -> bool:
        return self.delivery is Delivery.EMAIL


def card_line_name(kind: CardLineKind, last4: str, delivery: Delivery | None = None) -> str:
    """The ticket's and the receipt's name of the line: "Gift card •••• 4321"."""
    masked = mask_card_number(last4)
    if kind is CardLineKind.RELOAD:
        return f"Gift card reload {masked}"
    if delivery is Delivery.EMAIL:
        return f"E-gift card {masked}"
    return f"Gift card {masked}"


@dataclass(frozen=True, slots=True)
class CardLimits:
    """What one line may sell onto a card in this store."""

    minimum: Money
    maximum: Money

    @classmethod
    def of(cls, minimum: Money | None, maximum: Money) -> CardLimits:
        least = minimum if minimum is not None else Money(DEFAULT_MIN_MINOR, maximum.currency)
        return cls(least, maximum)


def check_card_amount(amount: Money | None, limits: CardLimits, locale: str = "en_US") -> Money:
    """The amount of a card or a reload, within the store's minimum and maximum."""
    if amount is None or not amount.is_positive():
        raise CardOrderRefused("Enter the amount to put on the card.", "amount")
    if amount < limits.minimum:
        raise CardOrderRefused(
            f"A gift card is at least {limits.minimum.format(locale)} in this store.", "amount"
        )
    if amount > limits.maximum:
        raise CardOrderRefused(
            f"A gift card holds at most {limits.maximum.format(locale)} in this store.", "amount"
        )
    return amount


@dataclass(frozen=True, slots=True)
class EGift:
    """An e-gift's recipient and message, checked."""

    recipient_name: str
    recipient_email: str
    message: str | None


def check_egift(name: str, email: str, message: str) -> EGift:
    name = " ".join(name.split())
    if not name:
        raise CardOrderRefused("Enter the recipient's name.", "recipient_name")
    if len(name) > MAX_RECIPIENT_NAME:
        raise CardOrderRefused(
            f"A name is at most {MAX_RECIPIENT_NAME} characters.", "recipient_name"
        )
    try:
        address = normalize_email(email)
    except DomainError as exc:
        raise CardOrderRefused(exc.message, "recipient_email") from exc
    text = message.strip()
    if len(text) > MAX_MESSAGE:
        raise CardOrderRefused(f"A message is at most {MAX_MESSAGE} characters.", "message")
    return EGift(name, address, text or None)


def deliver_at(day: date, at: time, timezone: str, now: datetime) -> datetime:
    """An e-gift's sending time, chosen on the store's clock, as the UTC moment it means; a
    time already past is refused (send now instead)."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    moment = datetime.combine(day, at, tzinfo=zone)
    if moment <= now:
        raise CardOrderRefused(
            "That time has passed. Pick a later one, or send it now.", "deliver_at"
        )
    return moment.astimezone(ZoneInfo("UTC"))


def ensure_gift_card_may_pay(sells_gift_cards: bool, giftcard_pays_giftcard: bool) -> None:
    """Refuse the gift-card tender on a ticket that sells a card, unless the store allows it;
    said before anything is asked of the server."""
    if sells_gift_cards and not giftcard_pays_giftcard:
        raise GiftCardForGiftCard(GIFT_CARD_PAYS_GIFT_CARD)


def check_one_card(quantity: int) -> None:
    if quantity != 1:
        raise InvalidAmount("A gift card line holds one card. Add another gift card instead.")
