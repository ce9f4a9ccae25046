"""Gift cards sold or reloaded on a receipt: the masked number (last 4 only) and the starting
balance, or for a reload the amount added; an e-gift's recipient and sending time."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pos_desktop.domain.card_sale import CardLine, CardLineKind, card_line_name
from pos_desktop.domain.giftcard import Delivery
from pos_desktop.domain.receipt import receipt_for, receipt_text
from pos_desktop.domain.ticket import TicketLine
from pos_desktop.receipts.stored import dump_receipt, load_receipt
from tests.fixtures.sales import cash, completed_sale, store, usd


def card_line(amount: int, kind: CardLineKind, **details: object) -> TicketLine:
    delivery = details.pop("delivery", Delivery.PHYSICAL if kind is CardLineKind.SALE else None)
    card = CardLine(kind, uuid.uuid4(), "4321", delivery, **details)  # type: ignore[arg-type]
    name = card_line_name(kind, "4321", delivery)  # type: ignore[arg-type]
    return TicketLine(uuid.uuid4(), None, name, usd(amount), 1, 0, card)


def text_of(*lines: TicketLine) -> str:
    total = sum(line.unit_price.minor for line in lines)
    sale = completed_sale(lines, (cash(total, total),))
    return "\n".join(receipt_text(receipt_for(sale, store(), "Register 1")))


def test_card_receipt_shows_the_last_4_and_the_starting_balance() -> None:
    text = text_of(card_line(25_00, CardLineKind.SALE))
    assert "Gift card •••• 4321" in text
    assert "Starting balance" in text and "$25.00" in text


def test_card_receipt_of_a_reload_shows_the_amount_added() -> None:
    text = text_of(card_line(15_00, CardLineKind.RELOAD))
    assert "Gift card reload •••• 4321" in text
    assert "Added to the card" in text
    assert "Starting balance" not in text


def test_card_receipt_of_an_egift_names_its_recipient_and_time() -> None:
    """The sending time on the store's clock (New York: 14:00 UTC is 9:00 AM)."""
    line = card_line(
        40_00,
        CardLineKind.SALE,
        delivery=Delivery.EMAIL,
        recipient_name="Robin",
        deliver_at=datetime(2026, 12, 24, 14, 0, tzinfo=UTC),
    )
    text = text_of(line)
    assert "E-gift to Robin" in text
    assert "Dec 24, 2026 9:00" in text


def test_card_receipt_stored_for_a_reprint_keeps_the_card() -> None:
    sale = completed_sale((card_line(25_00, CardLineKind.SALE),), (cash(25_00, 25_00),))
    receipt = receipt_for(sale, store(), "Register 1")
    assert load_receipt(dump_receipt(receipt)) == receipt
