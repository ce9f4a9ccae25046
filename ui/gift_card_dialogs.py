"""The Gift Card tender (seed 004): scan or type the card, then, when the amount is more than
the card holds, the Partial Redeem screen. Both open window-modal and never block the loop."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.money import Money
from pos_desktop.services.results import GiftCardPaid, PartialRedeem
from ui.widgets.amount_field import AmountField
from ui.widgets.banner import Banner, message_room
from ui.widgets.card_number_input import card_number_input
from ui.widgets.keypad import Keypad
from ui.widgets.layouts import fit_wrapped_text
from ui.widgets.touch import name_widget, touch_button

# The seed's zero-balance message wraps once at this width.
MESSAGE_SLOT_WIDTH_PX = 484
BUTTON_MIN_PX = 180


def _button(text: str, object_name: str, role: str, parent: QWidget) -> QPushButton:
    """A wide button, never narrower than its text (its hint is measured in the theme's font)."""
    button = touch_button(text, object_name, text, parent, role=role, scale=1.25)
    button.setMinimumWidth(max(BUTTON_MIN_PX, button.sizeHint().width()))
    return button


class GiftCardDialog(QDialog):
    """Step 1: the card number for an amount; the answer comes back through the presenter."""

    submitted = Signal(str, str)  # card number text, amount text
    find_by_email_requested = Signal()

    def __init__(
        self,
        amount: Money,
        amount_text: str,
        locale: str,
        parent: QWidget,
        *,
        offer_email: bool = False,
    ) -> None:
        super().__init__(parent)
        name_widget(self, "giftCardDialog", "Gift Card")
        self.setWindowTitle("Gift Card")
        self.setModal(True)
        self._amount_text = amount_text
        title = QLabel(f"Gift Card · {amount.format(locale)}", self)
        title.setProperty("heading", True)
        title.setObjectName("giftCardAmount")
        hint = QLabel("Scan the gift card or type its number.", self)
        hint.setProperty("hint", True)
        hint.setWordWrap(True)
        self.hint = hint
        self.number_input = card_number_input(self, "cardNumberInput")
        self.number_input.returnPressed.connect(self._submit)
        self.banner = Banner("errorBanner", "Gift card message", self)
        self.busy = QLabel("Checking the card with the server…", self)
        self.busy.setObjectName("giftCardBusy")
        self.busy.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(14)
        for widget in (title, hint, self.number_input, self._message_slot(), self._build_keypad()):
            layout.addWidget(widget)
        layout.addLayout(self._build_actions(offer_email))

    def _build_keypad(self) -> Keypad:
        keypad = Keypad(self, enter_label="OK", enter_accessible_name="Redeem", key_scale=1.2)
        keypad.digit_pressed.connect(self.number_input.insert)
        keypad.backspace_pressed.connect(self.number_input.backspace)
        keypad.clear_pressed.connect(self.number_input.clear)
        keypad.enter_pressed.connect(self._submit)
        self.keypad = keypad
        self.ok_button = keypad.enter_key
        return keypad

    def _build_actions(self, offer_email: bool) -> QHBoxLayout:
        """Cancel, and "No card? Find by e-mail" (seed 000 at checkout: a customer who has
        only the e-mail the card was sent to), each read whole."""
        self.cancel_button = _button("Cancel", "giftCardCancel", "secondary", self)
        self.cancel_button.clicked.connect(self.reject)
        self.email_button = _button(
            "No card? Find by e-mail", "findByEmailButton", "secondary", self
        )
        self.email_button.setAccessibleName("No card? Find the gift card by e-mail")
        self.email_button.clicked.connect(self.find_by_email_requested)
        self.email_button.setVisible(offer_email)
        actions = QHBoxLayout()
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.email_button, 1)
        return actions

    def _message_slot(self) -> QWidget:
        """The refusal (or "Checking…") in room kept for two lines: a message never pushes
        the keypad under the cashier's finger, nor squeezes OK out of the dialog."""
        slot = message_room(self, "giftCardMessageSlot", self.banner, self.busy)
        # Wide enough for the seed's zero-balance message in the slot's two lines; the
        # dialog is as wide as this and its buttons need.
        slot.setMinimumWidth(MESSAGE_SLOT_WIDTH_PX)
        return slot

    def _submit(self) -> None:
        if self.busy.isVisible():
            return
        self.banner.clear()
        self.submitted.emit(self.number_input.text(), self._amount_text)

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.ok_button.setEnabled(not busy)
        self.email_button.setEnabled(not busy)
        self.number_input.setReadOnly(busy)

    def prefill(self, code: str) -> None:
        """A card scanned before the tender opened: shown for the cashier to confirm."""
        self.number_input.setText(code)
        self.hint.setText("Card scanned. Tap OK to take this amount from it.")

    def fill_scanned(self, code: str) -> None:
        self.number_input.setText(code)
        self._submit()

    def show_error(self, message: str) -> None:
        # The number stays for correction; the cashier may also Cancel and pick another tender.
        self.set_busy(False)
        self.banner.show_message(message)
        self.number_input.setFocus()


class PartialRedeemDialog(QDialog):
    """Seed 004 2.3: Card Number, Current Balance, Redeem Amount (capped), keypad, Confirm."""

    confirmed = Signal(object, object)  # PartialRedeem, the Money its field holds (None: empty)

    def __init__(self, partial: PartialRedeem, locale: str, parent: QWidget) -> None:
        super().__init__(parent)
        name_widget(self, "partialRedeemDialog", "Partial Redeem")
        self.setWindowTitle("Partial Redeem")
        self.setModal(True)
        self.partial = partial
        self._locale = locale
        title = QLabel("Partial Redeem", self)
        title.setProperty("heading", True)
        self.banner = Banner("errorBanner", "Partial redeem message", self)
        self.busy = QLabel("Redeeming…", self)
        self.busy.setObjectName("partialBusy")
        self.busy.hide()
        # The card and the amount beside the keypad: the dialog fits a 768-px screen, and a
        # message (in room kept for it) moves no key.
        details = QVBoxLayout()
        details.setSpacing(12)
        details.addWidget(self._build_explanation())
        details.addLayout(self._build_form())
        # A refusal or "Redeeming…" in room kept for it.
        details.addWidget(
            message_room(self, "partialMessageSlot", self.banner, self.busy, grows=True), 1
        )
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addLayout(details, 1)
        columns.addWidget(self._build_keypad(), 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addLayout(columns, 1)
        layout.addLayout(self._build_buttons())
        self._show_result(False)
        fit_wrapped_text(self)

    def _build_explanation(self) -> QLabel:
        partial, locale = self.partial, self._locale
        text = (
            f"The card holds less than {partial.requested.format(locale)}. "
            "Redeem up to its balance; the rest stays due."
        )
        tip_due = partial.sale.dues.tip
        if tip_due.is_positive():
            # Seed 004's tip priority, said where the cashier chooses the amount.
            text += (
                f" What the amount leaves on the card pays the tip, up to {tip_due.format(locale)}."
            )
        explain = QLabel(text, self)
        explain.setObjectName("partialRedeemExplain")
        explain.setWordWrap(True)
        explain.setProperty("hint", True)
        return explain

    def _build_form(self) -> QGridLayout:
        """Seed 004 2.3: Card Number, Current Balance, Redeem Amount; then the result."""
        balance = self.partial.card.balance
        locale = self._locale
        self.card_number = QLabel(self.partial.card.number_masked, self)
        self.card_number.setObjectName("cardNumber")
        self.current_balance = QLabel(balance.format(locale), self)
        name_widget(self.current_balance, "currentBalance", "Current Balance")
        self.amount_input = AmountField(
            "redeemAmountInput", "Redeem Amount", self, currency=balance.currency
        )
        self.amount_input.set_cap(
            balance,
            f"Capped at the balance, {balance.format(locale)}.",
        )
        self.amount_input.edited.connect(self.banner.clear)  # about an amount no longer there
        self.amount_input.set_amount(balance)
        self.amount_input.returnPressed.connect(self._confirm)
        self.new_balance = QLabel(self)
        name_widget(self.new_balance, "newBalance", "New Balance")
        self.remaining_due = QLabel(self)
        name_widget(self.remaining_due, "remainingDue", "Remaining Due")

        form = QGridLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(8)
        rows: tuple[tuple[str, QWidget], ...] = (
            ("Card Number", self.card_number),
            ("Current Balance", self.current_balance),
            ("Redeem Amount", self.amount_input),
        )
        for row, (caption, widget) in enumerate(rows):
            form.addWidget(QLabel(caption, self), row, 0)
            form.addWidget(widget, row, 1)
        form.addWidget(self.amount_input.message, 3, 1)  # a capped digit says so here
        self.result_captions = (QLabel("New Balance", self), QLabel("Remaining Due", self))
        form.addWidget(self.result_captions[0], 4, 0)
        form.addWidget(self.new_balance, 4, 1)
        form.addWidget(self.result_captions[1], 5, 0)
        form.addWidget(self.remaining_due, 5, 1)
        form.setColumnStretch(1, 1)
        # The result's rows keep their room until Confirm shows them: the dialog's size and
        # its keys stay where they are.
        for widget in (self.new_balance, self.remaining_due, *self.result_captions):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
        return form

    def _build_keypad(self) -> Keypad:
        # No Enter key: OK/Confirm below is the seed's one action.
        self.keypad = Keypad(self, key_scale=1.2, with_enter=False)
        self.keypad.digit_pressed.connect(self.amount_input.press_digit)
        self.keypad.backspace_pressed.connect(self.amount_input.press_backspace)
        self.keypad.clear_pressed.connect(self.amount_input.press_clear)
        return self.keypad

    def _build_buttons(self) -> QHBoxLayout:
        self.confirm_button = _button("OK / Confirm", "confirmButton", "primary", self)
        self.confirm_button.clicked.connect(self._confirm)
        self.cancel_button = _button("Cancel", "cancelButton", "secondary", self)
        self.cancel_button.clicked.connect(self.reject)
        self.continue_button = _button("Continue", "continueButton", "primary", self)
        self.continue_button.clicked.connect(self.accept)
        self.continue_button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.continue_button)
        return buttons

    def _show_result(self, shown: bool) -> None:
        for widget in (self.new_balance, self.remaining_due, *self.result_captions):
            widget.setVisible(shown)

    def _confirm(self) -> None:
        if self.busy.isVisible() or self.continue_button.isVisible():
            return
        self.banner.clear()
        self.busy.show()
        self.confirm_button.setEnabled(False)
        self.confirmed.emit(self.partial, self.amount_input.amount())

    def show_paid(self, paid: GiftCardPaid) -> None:
        """Confirmed: the New Balance and the Remaining Due; Continue goes on to other tenders."""
        self.busy.hide()
        balance_after = paid.payment.balance_after
        self.new_balance.setText(balance_after.format(self._locale) if balance_after else "—")
        self.remaining_due.setText(paid.sale.amount_due.format(self._locale))
        self._show_result(True)
        self.amount_input.setReadOnly(True)
        self.keypad.setEnabled(False)
        self.confirm_button.hide()
        self.cancel_button.hide()
        self.continue_button.show()
        self.continue_button.setFocus()

    def show_error(self, message: str) -> None:
        self.busy.hide()
        self.confirm_button.setEnabled(True)
        self.banner.show_message(message)
