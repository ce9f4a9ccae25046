"""A register that dies in the middle of a ticket, for the SIGKILL test.

Run as ``python -m tests.e2e.crashing_register LOW_CARD FULL_CARD`` with ``POS_DATA_DIR``,
``POS_SERVER_URL`` and ``POS_ENROLL_CODE`` set. It enrolls, pulls the catalog, logs the
cashier in and rings up three scented candles through the register's own services. The first
card pays what it holds; then the second card's redemption reaches the server and is applied,
and the process stops right there, before the answer is written down, and prints
``ANSWER_LOST <ticket id>`` so the test knows to kill it: the worst moment for a power cut.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

from pos_desktop.config import Settings
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.money import Money
from pos_desktop.server.demo import CASHIER_PIN
from pos_desktop.services.register_services import RegisterServices
from pos_desktop.services.results import GiftCardPaid
from pos_desktop.startup import connect_backend
from pos_desktop.sync.catalog_sync import CatalogSync

PRODUCT = "Scented candle"
QUANTITY = 3
SECOND_CARD_AMOUNT = 20_00
ANSWER_LOST = "ANSWER_LOST"


def say(line: str) -> None:
    print(line, flush=True)


def hang_after_answer(redeem: Callable[..., Any]) -> Callable[..., Any]:
    """``redeem`` that, once the server has answered, never returns."""

    def redeem_then_hang(*args: Any, **kwargs: Any) -> Any:
        answer = redeem(*args, **kwargs)
        say(f"{ANSWER_LOST} {args[4]}")
        threading.Event().wait()
        return answer

    return redeem_then_hang


def run(low_card: str, full_card: str) -> None:
    settings = Settings()
    backend = connect_backend(settings)
    database = RegisterDatabase.in_folder(settings.data_dir)
    CatalogSync(database, backend.client).pull_once()
    services = RegisterServices.over(backend.client, database, settings.data_dir)
    cashier = services.session.log_in(CASHIER_PIN).employee
    candle = next(p for p in services.checkout.catalog().products if p.name == PRODUCT)
    for _ in range(QUANTITY):
        sale = services.checkout.add_product(cashier, candle.id)

    low = services.payments.find_gift_card(low_card)
    paid = services.payments.pay_with_gift_card(sale.id, low, low.summary.balance)
    assert isinstance(paid, GiftCardPaid), paid
    say(f"PAID {paid.payment.amount.minor}")

    full = services.payments.find_gift_card(full_card)
    backend.client.redeem = hang_after_answer(backend.client.redeem)  # type: ignore[method-assign]
    services.payments.pay_with_gift_card(sale.id, full, Money(SECOND_CARD_AMOUNT, sale.currency))
    raise AssertionError("the second redemption should never have come back")


if __name__ == "__main__":
    run(*sys.argv[1:3])
