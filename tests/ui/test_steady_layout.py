"""Nothing under a finger moves (issue 12, point 3): a message on Pay, in the Gift Card and
Partial Redeem dialogs takes room kept for it or lies over the screen, never pushes a keypad;
Pay's message never clips the keypad's bottom row; and a message about an amount goes once the
cashier changes the amount."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.fixtures.checkout import IssuedCard
from tests.ui.support import TAP, button, child, pay_for
from tests.ui.test_gift_card_tender import enter_card, issue, open_gift_card, partial
from ui.main_window import MainWindow
from ui.widgets.banner import Banner

__all__ = ["issue"]  # the fixture, shared with the gift-card tender's tests


def keys_at(parent: QWidget) -> dict[str, QPoint]:
    """Where each keypad key of ``parent`` is on the screen."""
    return {
        name: key.mapToGlobal(QPoint(0, 0))
        for name in ("keypadKey7", "keypadKey0", "keypadBackspace", "keypadClear")
        if (key := parent.findChild(QWidget, name)) is not None and key.isVisible()
    }


def whole_in(widget: QWidget, window: QWidget) -> bool:
    """``widget`` shows whole inside ``window`` (not cut by its edge or a parent's)."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    return (
        window.rect().contains(top_left)
        and window.rect().contains(top_left + QPoint(widget.width() - 1, widget.height() - 1))
        and widget.visibleRegion().boundingRect().size() == widget.size()
    )


def test_pay_message_moves_no_key_and_clips_no_row(qtbot: QtBot, till: MainWindow) -> None:
    """Gift Card with no amount says so on Pay: every key stays where it was and the bottom
    row is whole; the first digit typed puts the message away."""
    tender = pay_for(qtbot, till, "Croissant", "3.75")
    qtbot.mouseClick(button(tender, "keypadClear"), TAP)
    qtbot.wait(50)
    before = keys_at(tender)

    qtbot.mouseClick(button(tender, "tenderGiftCard"), TAP)

    banner = child(tender, Banner, "errorBanner")
    qtbot.waitUntil(banner.isVisible)
    assert banner.text() == "Enter the amount to take from the gift card."
    qtbot.wait(50)  # a layout pass, if the message were to push anything
    assert keys_at(tender) == before
    for name in ("keypadKey0", "keypadBackspace", "tenderCash", "tenderGiftCard"):
        assert whole_in(button(tender, name), till), name

    qtbot.mouseClick(button(tender, "keypadKey5"), TAP)
    assert not banner.isVisible()


def test_partial_redeem_refusal_moves_no_key_and_goes_with_the_next_digit(
    qtbot: QtBot, till: MainWindow, issue: Callable[[int], IssuedCard]
) -> None:
    """A refusal in Partial Redeem shows in room kept for it (no key moves); a digit tapped
    after it puts it away, since it spoke of the amount before."""
    card = issue(1000)
    pay_for(qtbot, till, "Scented candle", "19.49")
    enter_card(qtbot, open_gift_card(qtbot, till), card.number)
    dialog = partial(qtbot, till)
    qtbot.wait(50)  # its first layout passes
    before = keys_at(dialog)

    dialog.show_error("The server did not answer. Try again.")

    banner = child(dialog, Banner, "errorBanner")
    assert banner.isVisible()
    qtbot.wait(50)
    assert keys_at(dialog) == before
    qtbot.mouseClick(button(dialog, "keypadBackspace"), TAP)
    assert not banner.isVisible()
    assert keys_at(dialog) == before
