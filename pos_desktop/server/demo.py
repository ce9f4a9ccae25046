"""Demo data: a store, a manager and a cashier with demo PINs, products, and a gift card in
each state the seeds name, so the product can be tried on one machine in a minute.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.card_number import luhn_check_digit
from pos_desktop.domain.money import Money
from pos_desktop.domain.product_rules import default_colour
from pos_desktop.server import ledger, ticket_rows
from pos_desktop.server.context import EmployeeCaller, RegisterCaller, StoreInfo
from pos_desktop.server.deps import store_info
from pos_desktop.server.keys import ServerKeys
from pos_desktop.server.models import (
    Category,
    Product,
    ProductBarcode,
    Register,
    Store,
)
from pos_desktop.server.provisioning import create_employee, create_store, next_sync_version
from pos_desktop.server.security import digest, new_token

DEMO_STORE_NAME = "Demo Gift Shop"
CASHIER_PIN = "1111"
MANAGER_PIN = "9999"
RECIPIENT_EMAIL = "alex.morgan@example.com"
BUYER_EMAIL = "jordan.lee@example.com"


def _demo_number(payload: str) -> str:
    return payload + str(luhn_check_digit(payload))


@dataclass(frozen=True, slots=True)
class DemoCard:
    state: str
    number: str
    initial: int
    spent: int
    recipient_email: str
    sent: bool


# Fixed numbers so a person trying the demo (and the README) can type them.
DEMO_CARDS = (
    DemoCard("pending", _demo_number("603571849201733"), 25_00, 0, "sam.rivera@example.com", False),
    DemoCard("active", _demo_number("603571849205518"), 50_00, 0, RECIPIENT_EMAIL, True),
    DemoCard("used_low", _demo_number("603571849207264"), 40_00, 36_25, RECIPIENT_EMAIL, True),
    DemoCard("used_zero", _demo_number("603571849209042"), 20_00, 20_00, RECIPIENT_EMAIL, True),
)

# (name, category, price in cents, tax in basis points, barcode)
DEMO_PRODUCTS = (
    ("Espresso", "Coffee", 3_00, 825, "0012345000017"),
    ("Cappuccino", "Coffee", 4_50, 825, "0012345000024"),
    ("Cold brew", "Coffee", 5_00, 825, "0012345000031"),
    ("Croissant", "Bakery", 3_75, 0, "0012345000048"),
    ("Blueberry muffin", "Bakery", 3_25, 0, "0012345000055"),
    ("Scented candle", "Gifts", 18_00, 825, "0012345000062"),
    ("Greeting card", "Gifts", 4_95, 825, "0012345000079"),
    ("Mug", "Gifts", 12_00, 825, "0012345000086"),
)


def has_demo_data(db: Session) -> bool:
    return db.execute(select(Store.id).where(Store.name == DEMO_STORE_NAME)).first() is not None


def seed_demo_catalog(db: Session, store: Store) -> None:
    """The demo products, their categories in order of first use, one barcode each."""
    categories: dict[str, Category] = {}
    for name, category_name, price, tax, barcode in DEMO_PRODUCTS:
        category = categories.get(category_name)
        if category is None:
            position = len(categories)
            category = Category(
                id=uuid.uuid4(),
                store_id=store.id,
                name=category_name,
                position=position,
                colour=default_colour(position),
                version=1,
                sync_version=next_sync_version(db),
            )
            categories[category_name] = category
            db.add(category)
        product = Product(
            id=uuid.uuid4(),
            store_id=store.id,
            name=name,
            category_id=category.id,
            price=price,
            tax_rate_bp=tax,
            active=True,
            version=1,
            sync_version=next_sync_version(db),
        )
        db.add(product)
        db.flush()
        db.add(ProductBarcode(store_id=store.id, code=barcode, product_id=product.id, position=0))


def seed_demo_data(db: Session, keys: ServerKeys, now: datetime) -> StoreInfo:
    """Create the demo store and everything in it; the caller commits."""
    store = create_store(db, DEMO_STORE_NAME, now, tenders=("Voucher", "Store credit"))
    create_employee(db, store, "Morgan Manager", "manager", MANAGER_PIN, now)
    cashier = create_employee(db, store, "Casey Cashier", "cashier", CASHIER_PIN, now)
    seed_demo_catalog(db, store)
    # The counter the demo history happened at; its token is thrown away, nobody logs in there.
    counter = Register(
        id=uuid.uuid4(),
        store_id=store.id,
        name="Front counter",
        token_hash=digest(new_token()),
        created_at=now,
    )
    db.add(counter)
    db.flush()
    info = store_info(store)
    caller = EmployeeCaller(
        RegisterCaller(counter.id, counter.name, info), cashier.id, cashier.name, "cashier"
    )
    bought = now - timedelta(days=14)
    ticket_numbers = iter(range(1041, 1041 + len(DEMO_CARDS)))
    for card in DEMO_CARDS:
        issued = ledger.issue_card(
            db,
            caller,
            info,
            ledger.NewCard(
                amount=Money(card.initial, info.currency),
                buyer_email=BUYER_EMAIL,
                recipient_email=card.recipient_email,
                recipient_name=card.recipient_email.split(".")[0].title(),
                message="Happy birthday!",
                number=card.number,
            ),
            bought,
            keys.numbers,
            reason="demo card",
        ).card
        if card.sent:
            ledger.send_card(db, caller, info, issued.id, bought + timedelta(hours=1), keys)
        if card.spent:
            spent = Money(card.spent, info.currency)
            ticket = _demo_ticket(next(ticket_numbers), spent, bought + timedelta(days=3))
            ledger.redeem(
                db,
                caller,
                ledger.Presented(issued.id, card.number, keys.numbers),
                spent,
                Money(0, info.currency),
                ticket.id,
                f"demo-{card.state}",
                ticket.completed_at,
            )
            ticket_rows.keep(db, caller.register, ticket, ticket.completed_at)
            ticket_rows.record(db, caller.register, ticket)
    return info


def _demo_ticket(number: int, paid: Money, at: datetime) -> c.Ticket:
    """The ticket a demo card paid, as the front counter would have pushed it."""
    total = c.MoneyBody.of(paid)
    return c.Ticket(
        id=uuid.uuid4(),
        number=number,
        opened_at=at,
        completed_at=at,
        lines=[
            c.TicketLine(
                name="Scented candle",
                quantity=1,
                unit_price=total,
                tax=c.MoneyBody.of(Money(0, paid.currency)),
                total=total,
            )
        ],
        payments=[c.TicketPayment(id=uuid.uuid4(), tender="gift_card", amount=total)],
        subtotal=total,
        tax=c.MoneyBody.of(Money(0, paid.currency)),
        tip=c.MoneyBody.of(Money(0, paid.currency)),
        total=total,
    )
