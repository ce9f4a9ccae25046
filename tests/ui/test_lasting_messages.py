"""Refusals stay on screen until the cashier acts (issue 12, point 2): a redraw of the ticket
never wipes them; the next change the cashier asks for, or tapping ✕, does."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_desktop.domain.card_number import normalize_card_number
from pos_desktop.server.demo import DEMO_CARDS
from tests.ui.support import button, go_pay, scan, tap_named
from tests.ui.test_gift_card_tender import ring_up
from ui.main_window import MainWindow

TAP = Qt.MouseButton.LeftButton
UNKNOWN = "7777777777"
UNKNOWN_MESSAGE = f"No item has the barcode {UNKNOWN}."
ACTIVE_NUMBER = next(card.number for card in DEMO_CARDS if card.state == "active")


def scan_unknown_and_wait_for_redraw(qtbot: QtBot, window: MainWindow) -> None:
    """Scan a barcode the catalog lacks; return once the refusal came and the ticket was
    redrawn as the database holds it (the presenter reloads it after every refusal)."""
    sale = window.sale
    with qtbot.waitSignals([sale.scan_failed, sale.sale_changed], order="strict"):
        scan(window, UNKNOWN)


def test_checkout_unknown_barcode_message_survives_the_redraw(
    qtbot: QtBot, till: MainWindow
) -> None:
    """On an open ticket, "No item has the barcode …" is still there after the ticket is
    redrawn."""
    ring_up(qtbot, till, "Mug")
    scan_unknown_and_wait_for_redraw(qtbot, till)
    banner = till.tab_frame.checkout_view.banner
    qtbot.wait(50)  # whatever else the redraw queued has run
    assert banner.isVisible()
    assert banner.text() == UNKNOWN_MESSAGE


def test_checkout_refusal_survives_the_ticket_redraw(qtbot: QtBot, till: MainWindow) -> None:
    """A ticket with a payment refuses +; the refusal stays while the ticket is redrawn."""
    ring_up(qtbot, till, "Mug")  # $12.99
    go_pay(qtbot, till)
    tender = till.tab_frame.tender_view
    qtbot.mouseClick(button(tender, "quick500"), TAP)  # $5.00 cash of $12.99
    qtbot.waitUntil(lambda: len(tender.tender_rows) == 1)
    qtbot.mouseClick(button(tender, "backToTicket"), TAP)
    view = till.tab_frame.checkout_view
    qtbot.waitUntil(view.isVisible)
    with qtbot.waitSignals([till.sale.failed, till.sale.sale_changed], order="strict"):
        tap_named(qtbot, view, "linePlus", "One more Mug")
    qtbot.wait(50)
    assert view.banner.isVisible()
    assert view.banner.text() == "Remove the payments before changing the ticket."


def test_checkout_message_is_cleared_by_the_next_action(qtbot: QtBot, till: MainWindow) -> None:
    """The refusal stays until the cashier rings up the next item; then it goes."""
    ring_up(qtbot, till, "Mug")
    scan_unknown_and_wait_for_redraw(qtbot, till)
    banner = till.tab_frame.checkout_view.banner
    assert banner.isVisible()
    ring_up(qtbot, till, "Croissant")
    assert not banner.isVisible()


def test_checkout_message_is_dismissed_by_its_close_button(qtbot: QtBot, till: MainWindow) -> None:
    """Tapping ✕ on the message dismisses it and changes nothing on the ticket."""
    ring_up(qtbot, till, "Mug")
    scan_unknown_and_wait_for_redraw(qtbot, till)
    view = till.tab_frame.checkout_view
    qtbot.mouseClick(button(view.banner, "errorBannerDismiss"), TAP)
    assert not view.banner.isVisible()
    assert view.sale is not None and [line.name for line in view.sale.lines] == ["Mug"]


def test_checkout_message_does_not_move_the_ticket(qtbot: QtBot, till: MainWindow) -> None:
    """The message lies over the ticket's top: no line, total or button moves under a finger
    when it appears or goes."""
    ring_up(qtbot, till, "Mug")
    view = till.tab_frame.checkout_view
    qtbot.wait(50)
    before = (view.lines_scroll.geometry(), view.pay_button.geometry())
    scan_unknown_and_wait_for_redraw(qtbot, till)
    qtbot.wait(50)
    assert view.banner.isVisible()
    assert (view.lines_scroll.geometry(), view.pay_button.geometry()) == before


def test_pay_screen_gift_card_scan_opens_the_gift_card_tender(
    qtbot: QtBot, till: MainWindow
) -> None:
    """A gift card scanned on Pay before tapping Gift Card opens the Gift Card tender with the
    number filled in, waiting for OK; the cashier stays on Pay and nothing is charged yet."""
    ring_up(qtbot, till, "Mug")
    go_pay(qtbot, till)
    tender = till.tab_frame.tender_view
    scan(till, ACTIVE_NUMBER)
    qtbot.waitUntil(lambda: tender.gift_card_dialog is not None)
    dialog = tender.gift_card_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert normalize_card_number(dialog.number_input.text()) == ACTIVE_NUMBER  # shown in fours
    assert not dialog.busy.isVisible()  # not submitted: OK is the cashier's
    assert tender.isVisible()
    assert not till.tab_frame.checkout_view.banner.isVisible()
    assert till.sale.sale is not None and not till.sale.sale.payments


def test_pay_screen_gift_card_scan_without_an_amount_says_so_and_stays(
    qtbot: QtBot, till: MainWindow
) -> None:
    """With no amount to take, a scanned gift card keeps the cashier on Pay with a message
    that stays until the next tap."""
    ring_up(qtbot, till, "Mug")
    go_pay(qtbot, till)
    tender = till.tab_frame.tender_view
    qtbot.mouseClick(tender.amount_input, TAP)  # the keypad types here
    qtbot.waitUntil(tender.amount_input.hasFocus)
    qtbot.mouseClick(button(tender, "keypadClear"), TAP)
    assert tender.amount_input.text() == ""
    scan(till, ACTIVE_NUMBER)
    qtbot.waitUntil(tender.banner.isVisible)
    assert tender.banner.text() == "Enter the amount to take from the gift card."
    qtbot.wait(100)
    assert tender.isVisible() and tender.banner.isVisible()
    assert tender.gift_card_dialog is None
