"""Tips on the Pay screen (issue 12, point 8): the preset the ticket's tip came from shows
selected, through redraws, and none for a custom tip; once a tender is taken the tip buttons
are disabled and a line by them, in room kept for it, says why."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from pos_desktop.domain.money import Money
from tests.ui.gift_cards_support import tap_keys
from tests.ui.support import TAP, button, child, go_pay, pay_for
from ui.main_window import MainWindow
from ui.tender_view import TenderView

# A cappuccino: $4.50 before tax, $4.87 with it; 15% of the $4.50 is $0.68.
FIFTEEN_PERCENT = Money(68, "USD")


def pay_for_a_cappuccino(qtbot: QtBot, window: MainWindow) -> TenderView:
    return pay_for(qtbot, window, "Cappuccino", "4.87")


def tap_tip(qtbot: QtBot, tender: TenderView, name: str, tip: Money) -> None:
    qtbot.mouseClick(button(tender, name), TAP)
    qtbot.waitUntil(lambda: tender.sale is not None and tender.sale.tip_amount == tip)


def checked(tender: TenderView) -> list[str]:
    return [b.objectName() for b in tender.tip_buttons.values() if b.isChecked()]


def laid_out_top(tender: TenderView, widget: QWidget) -> int:
    """Where ``widget`` sits once the screen's pending layout has run."""
    layout = tender.layout()
    assert layout is not None
    layout.activate()
    return widget.mapTo(tender, widget.rect().topLeft()).y()


def take_one_dollar_cash(qtbot: QtBot, tender: TenderView) -> None:
    qtbot.mouseClick(tender.amount_input, TAP)
    tap_keys(qtbot, tender.keypad, "100")
    qtbot.mouseClick(button(tender, "tenderCash"), TAP)
    qtbot.waitUntil(lambda: tender.sale is not None and tender.sale.has_payments)


def test_tip_preset_tapped_shows_selected_and_only_it(qtbot: QtBot, till: MainWindow) -> None:
    """Tapping 15% shows 15% selected and no other preset."""
    tender = pay_for_a_cappuccino(qtbot, till)
    tap_tip(qtbot, tender, "tip15", FIFTEEN_PERCENT)
    assert checked(tender) == ["tip15"]


def test_tip_preset_stays_selected_after_a_reload(qtbot: QtBot, till: MainWindow) -> None:
    """The ticket read again from the register database and Pay drawn again: 15% still."""
    tender = pay_for_a_cappuccino(qtbot, till)
    tap_tip(qtbot, tender, "tip15", FIFTEEN_PERCENT)
    qtbot.mouseClick(button(tender, "backToTicket"), TAP)
    before = tender.sale
    till.sale.settle()  # loads the ticket from the database and redraws every screen
    qtbot.waitUntil(lambda: tender.sale is not before)
    go_pay(qtbot, till)
    assert checked(tender) == ["tip15"]


def test_tip_no_tip_shows_selected_on_a_new_ticket(qtbot: QtBot, till: MainWindow) -> None:
    """With no tip on the ticket, "No tip" shows selected."""
    tender = pay_for_a_cappuccino(qtbot, till)
    assert checked(tender) == ["tip0"]


def test_tip_custom_amount_selects_no_preset(qtbot: QtBot, till: MainWindow) -> None:
    """A custom tip (after a preset) leaves no preset selected."""
    tender = pay_for_a_cappuccino(qtbot, till)
    tap_tip(qtbot, tender, "tip15", FIFTEEN_PERCENT)
    assert checked(tender) == ["tip15"]
    qtbot.mouseClick(tender.tip_input, TAP)
    qtbot.waitUntil(tender.tip_input.hasFocus)
    tap_keys(qtbot, tender.keypad, "100")
    tap_tip(qtbot, tender, "tipApply", Money(100, "USD"))
    assert checked(tender) == []


def test_tip_buttons_after_a_tender_are_disabled_and_say_why(
    qtbot: QtBot, till: MainWindow
) -> None:
    """$1 cash of $4.87: presets, custom tip and Set tip are disabled, and the line by them
    says why, in room kept for it (the tip line under it does not move)."""
    tender = pay_for_a_cappuccino(qtbot, till)
    tip_line = child(tender, QLabel, "tipAmount")
    before = laid_out_top(tender, tip_line)
    take_one_dollar_cash(qtbot, tender)
    qtbot.waitUntil(lambda: len(tender.tender_rows) == 1)
    for name in (*(b.objectName() for b in tender.tip_buttons.values()), "tipApply"):
        assert not button(tender, name).isEnabled(), name
    assert not tender.tip_input.isEnabled()
    reason = child(tender, QLabel, "tipLocked")
    assert reason.isVisible()
    assert (
        reason.text() == "The tip is fixed once a tender is taken. Remove the tenders to change it."
    )
    assert laid_out_top(tender, tip_line) == before
