"""A card sold on a number the server gave (no blank card to hand over): the number is
printed once, on a slip the customer keeps, and the print queue does not keep it after."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from hardware.simulate.escpos_decode import decode
from pos_desktop.db.database import DATABASE_FILE, RegisterDatabase
from pos_desktop.db.models import PrintJob
from pos_desktop.server.demo import CASHIER_PIN
from tests.ui.card_actions_support import Counter, wait_for
from tests.ui.card_sale_support import WAIT_MS, key_in, open_card_sale, sell


def test_card_number_slip_prints_the_new_number_once(qtbot: QtBot, counter: Counter) -> None:
    """Issue a new number for a $25.00 card: the slip shows the whole number and the
    starting balance; once printed, the register keeps no copy of the number."""
    window = counter.window(qtbot, CASHIER_PIN)
    dialog = open_card_sale(qtbot, window)
    key_in(qtbot, dialog, dialog.amount_input, "2500")

    sell(qtbot, dialog, "issueNewNumber")

    qtbot.waitUntil(lambda: bool(dialog.issued_number), timeout=WAIT_MS)
    number = dialog.issued_number.replace(" ", "")
    (data,) = counter.printer.wait_for(1)
    (job,) = decode(data)
    lines = [" ".join(line.split()) for line in job.text_lines()]
    grouped = " ".join(number[at : at + 4] for at in range(0, len(number), 4))
    assert grouped in lines
    assert ["Starting", "balance", "$25.00"] in [line.split() for line in lines]
    database = RegisterDatabase.open(counter.data_dir / DATABASE_FILE)

    def forgotten() -> bool:
        with database.session() as db:
            kept = db.execute(select(PrintJob.data).where(PrintJob.kind == "slip")).scalars()
            return all(number.encode() not in data for data in kept)

    try:
        wait_for(qtbot, forgotten)
    finally:
        database.close()
