"""Issue 12, point 6: a register run by finger alone, against the demo store. Text fields get
the on-screen keyboard (a setting says when), an empty card approval reference is refused in
its dialog, long lists scroll by finger drag while a tap is still a tap, and card numbers show
grouped in fours."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QWidget,
)
from pytestqt.qtbot import QtBot

from pos_desktop.config import KeyboardMode
from pos_desktop.server.demo import BUYER_EMAIL, DEMO_CARDS, DEMO_PRODUCTS, MANAGER_PIN
from pos_desktop.sync.client import ServerClient
from tests.ui.gift_cards_support import search, tap_row
from tests.ui.support import TAP, MakeWindow, button, child, go_pay, receipt, scan, tap_named
from ui.checkout_view import CheckoutView
from ui.gift_cards_view import CARD_COLUMN, GiftCardsView
from ui.main_window import MainWindow
from ui.presenters.devices import SAVED
from ui.tab_frame import BALANCE_TAB, GIFT_CARDS_TAB, SETTINGS_TAB
from ui.tender_view import NO_REFERENCE, CardReferenceDialog
from ui.widgets.onscreen_keyboard import OnscreenKeyboard

WAIT_MS = 10_000
ACTIVE = next(card for card in DEMO_CARDS if card.state == "active")


def tap(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, TAP)


def keyboard_of(window: MainWindow) -> OnscreenKeyboard | None:
    return window.keyboard.keyboard


def shown_keyboard(window: MainWindow) -> OnscreenKeyboard:
    keyboard = keyboard_of(window)
    assert keyboard is not None and keyboard.isVisible()
    return keyboard


def type_on(qtbot: QtBot, keyboard: OnscreenKeyboard, *keys: str) -> None:
    for key in keys:
        tap(qtbot, button(keyboard, key))


def letters(text: str) -> list[str]:
    return [f"keyboardKey{char.upper()}" for char in text]


def rect_in(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def ring_up(qtbot: QtBot, window: MainWindow, *names: str) -> None:
    view = window.tab_frame.checkout_view
    for name in names:
        lines = len(view.sale.lines) if view.sale else 0
        tap_named(qtbot, view, "productButton", f"Add {name}")
        qtbot.waitUntil(lambda n=lines: view.sale is not None and len(view.sale.lines) == n + 1)


def drag(qtbot: QtBot, area: QAbstractScrollArea, up: int) -> None:
    """A finger pressed on the list, moved ``up`` px up (down when negative) and lifted; then
    the list settles (a flick coasts on a while)."""
    viewport = area.viewport()
    onto_screen(viewport)
    start = QPoint(viewport.width() // 2, viewport.height() - 10 if up > 0 else 10)
    QTest.mousePress(viewport, TAP, pos=start)
    steps = 10
    for step in range(1, steps + 1):
        QTest.mouseMove(viewport, start - QPoint(0, up * step // steps))
        qtbot.wait(15)
    QTest.mouseRelease(viewport, TAP, pos=start - QPoint(0, up))
    scroller = QScroller.scroller(viewport)
    qtbot.waitUntil(lambda: scroller.state() == QScroller.State.Inactive, timeout=WAIT_MS)


def onto_screen(widget: QWidget) -> None:
    """Move the window until ``widget`` is on its screen. The offscreen platform's screen is
    smaller than a register's window, and Qt's gesture manager finds the widget a drag is on
    by its place on a screen: off every screen, the drag would reach no list at all."""
    window = widget.window()
    room = window.screen().geometry()
    corner = widget.mapToGlobal(QPoint(widget.width(), widget.height()))
    window.move(
        window.pos() + QPoint(min(0, room.right() - corner.x()), min(0, room.bottom() - corner.y()))
    )


# -- the on-screen keyboard -------------------------------------------------------------------


def test_touch_only_email_search_typed_on_the_onscreen_keyboard(
    qtbot: QtBot, cards_view: GiftCardsView, window: MainWindow
) -> None:
    """Tapping the e-mail search shows the keys below it; "ann", @, "example" and ".com"
    tapped type ann@example.com; Done puts the keys away and searches."""
    tap(qtbot, cards_view.email_input)
    keyboard = shown_keyboard(window)
    assert not rect_in(keyboard, window).intersects(rect_in(cards_view.email_input, window))

    type_on(qtbot, keyboard, *letters("ann"), "keyboardAt", *letters("example"))
    type_on(qtbot, keyboard, "keyboardDotCom")
    assert cards_view.email_input.text() == "ann@example.com"
    assert window.focusWidget() is cards_view.email_input

    type_on(qtbot, keyboard, "keyboardDone")
    assert keyboard_of(window) is None
    qtbot.waitUntil(
        lambda: cards_view.banner.text() == "No gift cards for ann@example.com.", timeout=WAIT_MS
    )


def test_touch_only_no_keyboard_for_an_amount_field_with_a_keypad(
    qtbot: QtBot, till: MainWindow
) -> None:
    """The Pay screen's amount has its keypad: tapping it brings no keyboard, and one shown
    for the product search goes away."""
    tap(qtbot, till.tab_frame.checkout_view.search)
    shown_keyboard(till)
    ring_up(qtbot, till, "Mug")
    go_pay(qtbot, till)
    tap(qtbot, till.tab_frame.tender_view.amount_input)
    assert keyboard_of(till) is None


def test_touch_only_setting_never_keeps_the_keyboard_away(
    qtbot: QtBot,
    make_window: MakeWindow,
    register_client: ServerClient,
    log_in: Callable[..., None],
    tmp_path: Path,
) -> None:
    """A manager sets the on-screen keyboard to Never and saves: a tapped text field gets no
    keyboard, now and in the next window over the same register."""
    data_dir = tmp_path / "register"
    window = make_window(register_client, data_dir=data_dir)
    log_in(window, MANAGER_PIN)
    settings = window.tab_frame.settings_view
    assert settings is not None
    window.tab_frame.tabs.setCurrentIndex(SETTINGS_TAB)
    qtbot.waitUntil(lambda: not window.devices.busy, timeout=WAIT_MS)
    choice = settings.keyboard_input
    choice.setCurrentIndex(choice.findData(KeyboardMode.NEVER.value))
    tap(qtbot, button(settings, "saveSettingsButton"))
    qtbot.waitUntil(lambda: settings.banner.text() == SAVED, timeout=WAIT_MS)

    window.tab_frame.tabs.setCurrentIndex(GIFT_CARDS_TAB)
    tap(qtbot, window.tab_frame.gift_cards_view.email_input)
    assert keyboard_of(window) is None

    again = make_window(register_client, data_dir=data_dir)
    qtbot.waitUntil(lambda: again.keyboard.mode is KeyboardMode.NEVER, timeout=WAIT_MS)


def test_touch_only_find_by_email_typed_on_the_keyboard_lists_the_cards(
    qtbot: QtBot, till: MainWindow
) -> None:
    """In "No card? Find by e-mail" the e-mail is tapped out on the keyboard, in the dialog,
    and Done searches; the cards found sit in a list a finger drags."""
    ring_up(qtbot, till, "Mug")
    go_pay(qtbot, till)
    tender = till.tab_frame.tender_view
    tap(qtbot, button(tender, "tenderGiftCard"))
    qtbot.waitUntil(lambda: tender.gift_card_dialog is not None)
    assert tender.gift_card_dialog is not None
    tap(qtbot, button(tender.gift_card_dialog, "findByEmailButton"))
    qtbot.waitUntil(lambda: tender.email_dialog is not None and tender.email_dialog.isVisible())
    dialog = tender.email_dialog
    assert dialog is not None

    tap(qtbot, dialog.email_input)
    keyboard = shown_keyboard(till)
    assert keyboard.parentWidget() is dialog
    name, domain = BUYER_EMAIL.split("@")
    first, last = name.split(".")
    type_on(qtbot, keyboard, *letters(first), "keyboardDot", *letters(last), "keyboardAt")
    type_on(qtbot, keyboard, *letters(domain.removesuffix(".com")), "keyboardDotCom")
    assert dialog.email_input.text() == BUYER_EMAIL
    type_on(qtbot, keyboard, "keyboardDone")
    assert keyboard_of(till) is None
    qtbot.waitUntil(
        lambda: len(dialog.findChildren(QPushButton, "payEmailCard")) == len(DEMO_CARDS),
        timeout=WAIT_MS,
    )
    results = child(dialog, QScrollArea, "payEmailResults")
    assert QScroller.hasScroller(results.viewport())


# -- the card tender's approval reference ------------------------------------------------------


def open_card_dialog(qtbot: QtBot, window: MainWindow) -> CardReferenceDialog:
    ring_up(qtbot, window, "Mug")
    go_pay(qtbot, window)
    tender = window.tab_frame.tender_view
    tap(qtbot, button(tender, "tenderCard"))
    qtbot.waitUntil(lambda: tender.card_dialog is not None and tender.card_dialog.isVisible())
    assert tender.card_dialog is not None
    return tender.card_dialog


def test_touch_only_empty_approval_reference_is_refused_and_the_dialog_stays(
    qtbot: QtBot, till: MainWindow
) -> None:
    """Record card payment with no reference, or only spaces, says what to enter in room kept
    for it (the buttons stay under the finger), and the dialog stays open."""
    dialog = open_card_dialog(qtbot, till)
    ok = button(dialog, "cardTenderOk")
    ok_at = rect_in(ok, dialog)
    tap(qtbot, ok)
    assert dialog.isVisible()
    assert dialog.banner.isVisible() and dialog.banner.text() == NO_REFERENCE
    assert rect_in(ok, dialog) == ok_at
    text = child(dialog.banner, QLabel, "cardReferenceBannerText")
    assert text.heightForWidth(text.width()) <= text.height()

    tap(qtbot, dialog.reference)
    type_on(qtbot, shown_keyboard(till), "keyboardSpace", "keyboardSpace", "keyboardDone")
    assert dialog.isVisible()
    assert dialog.banner.text() == NO_REFERENCE
    assert till.sale.sale is not None and not till.sale.sale.visible_payments


def test_touch_only_approval_reference_typed_on_the_keyboard_records_the_card(
    qtbot: QtBot, till: MainWindow
) -> None:
    """The reference typed on the on-screen keyboard (the dialog grows to hold the keys, its
    buttons unmoved) and Done record the card payment; the receipt carries the reference."""
    dialog = open_card_dialog(qtbot, till)
    ok = button(dialog, "cardTenderOk")
    ok_below_field = ok.pos() - dialog.reference.pos()
    tap(qtbot, dialog.reference)
    keyboard = shown_keyboard(till)
    assert keyboard.parentWidget() is dialog
    assert ok.pos() - dialog.reference.pos() == ok_below_field
    assert not keyboard.geometry().intersects(rect_in(ok, dialog))
    assert dialog.rect().contains(keyboard.geometry())
    type_on(qtbot, keyboard, "keyboardShift", "keyboardShift", *letters("auth"))
    type_on(qtbot, keyboard, "keyboardKey4", "keyboardKey2", "keyboardDone")
    shown = receipt(qtbot, till)
    assert "AUTH42" in child(shown, QLabel, "receiptText").text()


# -- finger scrolling ----------------------------------------------------------------------------


def test_touch_only_ticket_scrolls_by_drag_and_taps_still_count(
    qtbot: QtBot, till: MainWindow
) -> None:
    """With more lines than fit, a drag on the ticket scrolls it; a tap on + still adds one,
    and on ✕ still removes the line."""
    names = [name for name, *_ in DEMO_PRODUCTS]
    ring_up(qtbot, till, *names)
    view = till.tab_frame.checkout_view
    bar = view.lines_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())

    drag(qtbot, view.lines_scroll, -200)
    assert bar.value() < bar.maximum()
    top = bar.value()
    drag(qtbot, view.lines_scroll, 120)
    assert bar.value() > top

    row = next(
        row
        for row in view.line_rows
        if shown_whole(row.plus, view.lines_scroll) and shown_whole(row.remove, view.lines_scroll)
    )
    tap(qtbot, row.plus)
    qtbot.waitUntil(lambda: quantity(view, row.line_id) == 2)
    tap(qtbot, row.remove)
    qtbot.waitUntil(lambda: quantity(view, row.line_id) == 0)
    assert view.sale is not None and len(view.sale.lines) == len(names) - 1


def shown_whole(widget: QWidget, area: QAbstractScrollArea) -> bool:
    viewport = area.viewport()
    return viewport.rect().contains(rect_in(widget, viewport))


def quantity(view: CheckoutView, line_id: uuid.UUID) -> int:
    sale = view.sale
    lines = sale.lines if sale is not None else ()
    return next((line.quantity for line in lines if line.id == line_id), 0)


def test_touch_only_product_grid_scrolls_by_drag_and_a_tap_still_adds(
    qtbot: QtBot, till: MainWindow
) -> None:
    """Product buttons that outgrow their room scroll by a drag (a store has more than the
    demo's eight); a tap on one still adds it to the ticket."""
    view = till.tab_frame.checkout_view
    scroll = child(view, QScrollArea, "productScroll")
    scroll.setMaximumHeight(200)
    bar = scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    drag(qtbot, scroll, 150)
    assert bar.value() > 0
    product = next(
        key for key in view.products.findChildren(QPushButton) if shown_whole(key, scroll)
    )
    tap(qtbot, product)
    qtbot.waitUntil(lambda: view.sale is not None and len(view.sale.lines) == 1)
    assert product.accessibleName() == f"Add {view.sale.lines[0].name}"


def test_touch_only_gift_card_results_scroll_by_drag_and_a_tap_opens_a_card(
    qtbot: QtBot, cards_view: GiftCardsView
) -> None:
    """The buyer's four cards are more than the results show: a drag scrolls them, and a tap
    on a row still opens that card; its history scrolls by finger too."""
    search(qtbot, cards_view, BUYER_EMAIL)
    results = cards_view.results
    qtbot.waitUntil(lambda: results.topLevelItemCount() == len(DEMO_CARDS), timeout=WAIT_MS)
    bar = results.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    drag(qtbot, results, 100)
    assert bar.value() > 0

    last = results.topLevelItem(len(DEMO_CARDS) - 1)
    assert last is not None
    number = last.text(CARD_COLUMN)
    tap_row(qtbot, cards_view, len(DEMO_CARDS) - 1)
    qtbot.waitUntil(lambda: cards_view.history.topLevelItemCount() > 0, timeout=WAIT_MS)
    assert number in cards_view.card_number.text()
    assert QScroller.hasScroller(cards_view.history.viewport())


# -- card numbers in fours -----------------------------------------------------------------------


def test_touch_only_card_number_shows_in_fours_as_tapped_and_still_finds_the_card(
    qtbot: QtBot, till: MainWindow
) -> None:
    """Digits tapped on the keypad show as "6034 9312 …"; a digit put in the middle keeps
    the groups and the caret after it; Check finds the card by its digits."""
    till.tab_frame.tabs.setCurrentIndex(BALANCE_TAB)
    view = till.tab_frame.balance_view
    for digit in ACTIVE.number[:-1]:
        tap(qtbot, button(view.keypad, f"keypadKey{digit}"))
    assert view.number_input.text() == _grouped(ACTIVE.number[:-1])

    view.number_input.setCursorPosition(2)
    tap(qtbot, button(view.keypad, f"keypadKey{ACTIVE.number[-1]}"))
    moved = ACTIVE.number[:2] + ACTIVE.number[-1] + ACTIVE.number[2:-1]
    assert view.number_input.text() == _grouped(moved)
    assert view.number_input.cursorPosition() == 3
    tap(qtbot, button(view.keypad, "keypadBackspace"))
    view.number_input.end(False)
    tap(qtbot, button(view.keypad, f"keypadKey{ACTIVE.number[-1]}"))
    assert view.number_input.text() == _grouped(ACTIVE.number)

    tap(qtbot, button(view, "checkBalanceButton"))
    qtbot.waitUntil(view.result.isVisible, timeout=WAIT_MS)
    assert ACTIVE.number[-4:] in view.result_number.text()


def test_touch_only_scanned_card_number_shows_in_fours(qtbot: QtBot, till: MainWindow) -> None:
    """A scanner's number shows grouped while it is checked, and the card is found."""
    till.tab_frame.tabs.setCurrentIndex(BALANCE_TAB)
    view = till.tab_frame.balance_view
    scan(till, ACTIVE.number)
    assert view.number_input.text() == _grouped(ACTIVE.number)
    qtbot.waitUntil(view.result.isVisible, timeout=WAIT_MS)


def _grouped(digits: str) -> str:
    return " ".join(digits[start : start + 4] for start in range(0, len(digits), 4))
