"""The mini-statement printed from the Gift Cards tab by a cashier, through the register's
print queue to a receipt printer on loopback: the bytes decoded as the printer simulator
reads them."""

from __future__ import annotations

import os
from pathlib import Path

from pytestqt.qtbot import QtBot

from hardware.simulate.escpos_decode import decode
from hardware.simulate.paper_png import save_job
from pos_desktop.contracts import MoneyBody
from pos_desktop.server.demo import CASHIER_PIN, DEMO_CARDS
from tests.ui.card_actions_support import Counter, bar_of, card_id, tab_card, wait_for
from tests.ui.support import TAP, tap_pin

ACTIVE = next(card for card in DEMO_CARDS if card.state == "active")  # $50.00
LAST4 = ACTIVE.number[-4:]


def test_card_statement_print_has_the_last_ten_activities(qtbot: QtBot, counter: Counter) -> None:
    """A card with 14 activities: Print statement prints its last 10 (each with its day,
    what was done, the amount and the balance after), the number masked, and the balance."""
    with counter.manager() as manager:
        card = card_id(manager, LAST4)
        for index in range(12):  # up $1.00, down $1.00, ...
            step = 1_00 if index % 2 == 0 else -1_00
            manager.adjust_card(card, MoneyBody(amount=step), f"check {index}", f"adj-{index}")
    window = counter.window(qtbot, CASHIER_PIN)
    view = tab_card(qtbot, window, LAST4)

    qtbot.mouseClick(bar_of(view).statement_button, TAP)

    (data,) = counter.printer.wait_for(1)
    wait_for(qtbot, lambda: view.banner.text() == "The statement is printing.")
    (job,) = decode(data)
    lines = job.text_lines()
    activities = [line for line in lines if "Adjusted" in line]
    assert len(activities) == 10
    assert activities[0].split()[-2:] == ["+$1.00", "$51.00"]
    assert activities[1].split()[-2:] == ["-$1.00", "$50.00"]
    assert f"Gift Card •••• {LAST4}" in lines
    assert ACTIVE.number.encode() not in data
    assert "Demo Gift Shop" in lines[0]
    assert ["BALANCE", "$50.00"] in [line.split() for line in lines]
    folder = os.environ.get("CARD_ACTION_PICTURES")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        save_job(job, Path(folder) / "gift-card-statement.png")
        (Path(folder) / "gift-card-statement.txt").write_text("\n".join(lines))


def test_card_statement_print_without_a_printer_says_so(qtbot: QtBot, counter: Counter) -> None:
    """On a register without a receipt printer, Print statement says how to get one."""
    window = counter.make_window(counter.client, data_dir=counter.data_dir)
    window.resize(1024, 768)
    tap_pin(qtbot, window, CASHIER_PIN)
    wait_for(qtbot, lambda: window.logged_in)
    view = tab_card(qtbot, window, LAST4)

    qtbot.mouseClick(bar_of(view).statement_button, TAP)

    wait_for(qtbot, lambda: "no receipt printer" in view.banner.text())
