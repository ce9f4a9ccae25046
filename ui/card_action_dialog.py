"""One dialog for a manager's action on a gift card, the same from the Back Office's Gift Cards
page and from the Gift Cards tab: the reason on the on-screen keyboard, and what the action
needs besides (an amount up or down on the keypad, a blank card's number, the number of the
card at the counter). Void asks once more, since it is final; Replace shows the new number
once, large; Cash out says the amount to pay out. Opens window-modal, never blocks the loop.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.services.card_action_results import (
    CardAction,
    CardChanged,
    CardReplaced,
    CashedOut,
)
from pos_desktop.services.egift_delivery import MAX_REASON_LENGTH
from pos_desktop.services.results import CardSummary
from ui.presenters.card_actions import ActionResult, CardActionsPresenter, done_message
from ui.widgets.amount_field import AmountField
from ui.widgets.banner import Banner, message_room
from ui.widgets.card_number_input import CardNumberInput, card_number_input
from ui.widgets.form_fields import caption
from ui.widgets.keypad import Keypad
from ui.widgets.touch import make_touchable, name_widget, touch_button

TITLES = {
    CardAction.BLOCK: "Block card",
    CardAction.UNBLOCK: "Unblock card",
    CardAction.VOID: "Void card",
    CardAction.ADJUST: "Adjust balance",
    CardAction.REPLACE: "Replace card",
    CardAction.CASH_OUT: "Cash out card",
}
CONFIRM = {
    CardAction.BLOCK: "Block",
    CardAction.UNBLOCK: "Unblock",
    CardAction.VOID: "Void…",
    CardAction.ADJUST: "Adjust",
    CardAction.REPLACE: "Replace",
    CardAction.CASH_OUT: "Cash out",
}
BUSY_TEXT = "Working…"
DIALOG_WIDTH_PX = 680
KEYPAD_WIDTH_PX = 280
_WITH_KEYPAD = (CardAction.ADJUST, CardAction.REPLACE, CardAction.CASH_OUT)


class CardActionDialog(QDialog):
    def __init__(
        self,
        presenter: CardActionsPresenter,
        action: CardAction,
        card: CardSummary,
        parent: QWidget,
        *,
        counter_number: str | None = None,
    ) -> None:
        """``counter_number``: the full number the card was found by at the counter (a cash
        out then asks for none)."""
        super().__init__(parent)
        name_widget(self, "cardActionDialog", TITLES[action])
        self.setWindowTitle(TITLES[action])
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._presenter = presenter
        self.action = action
        self._card = card
        self._counter_number = counter_number
        self.result_shown: ActionResult | None = None
        self.number_input: CardNumberInput | None = None
        presenter.begin()

        self.pages = QStackedWidget(self)
        self.form_page = self._build_form()
        self.pages.addWidget(self.form_page)
        self.confirm_page = self._build_confirm()
        self.pages.addWidget(self.confirm_page)
        self.done_page = self._build_done()
        self.pages.addWidget(self.done_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.pages)
        self.setMinimumWidth(DIALOG_WIDTH_PX)

        presenter.failed.connect(self._refused)
        presenter.busy_changed.connect(self._set_busy)
        presenter.done.connect(self._done)

    # -- building ------------------------------------------------------------------------------

    def _build_form(self) -> QWidget:
        page = QWidget(self)
        fields = QVBoxLayout()
        fields.setSpacing(4)
        if self.action is CardAction.ADJUST:
            fields.addLayout(self._build_adjust(page))
        if self.action in (CardAction.REPLACE, CardAction.CASH_OUT):
            fields.addLayout(self._build_number(page))
        fields.addLayout(self._build_reason(page))
        fields.addStretch(1)
        body = QHBoxLayout()
        body.setSpacing(16)
        body.addLayout(fields, 3)
        self.keypad: Keypad | None = None
        if self.action in _WITH_KEYPAD and self._needs_keypad():
            self.keypad = self._build_keypad(page)
            body.addWidget(self.keypad, 2)
        self.banner = Banner("cardActionBanner", f"{TITLES[self.action]} message", page)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        column.addLayout(self._build_heading(page))
        column.addLayout(body, 1)
        column.addWidget(message_room(page, "cardActionMessageRoom", self.banner))
        column.addLayout(self._build_buttons(page))
        return page

    def _needs_keypad(self) -> bool:
        return not (self.action is CardAction.CASH_OUT and self._counter_number)

    def _build_heading(self, page: QWidget) -> QVBoxLayout:
        title = QLabel(TITLES[self.action], page)
        title.setProperty("heading", True)
        title.setObjectName("cardActionTitle")
        card = self._card
        balance = card.balance.format(self._presenter.rules.locale)
        detail = QLabel(f"Card {card.number_masked} · balance {balance}", page)
        detail.setObjectName("cardActionCard")
        heading = QVBoxLayout()
        heading.addWidget(title)
        heading.addWidget(detail)
        return heading

    def _build_reason(self, page: QWidget) -> QVBoxLayout:
        optional = self.action is CardAction.CASH_OUT
        self.reason_input = QLineEdit(page)
        name_widget(self.reason_input, "cardActionReason", "Reason")
        hint = "Why? (optional)" if optional else "Why? (kept on the card's activity)"
        self.reason_input.setPlaceholderText(hint)
        self.reason_input.setMaxLength(MAX_REASON_LENGTH)
        make_touchable(self.reason_input, 1.15)
        self.reason_input.returnPressed.connect(self._submit)
        box = QVBoxLayout()
        box.addWidget(caption("Reason (optional)" if optional else "Reason", page, wrap=False))
        box.addWidget(self.reason_input)
        return box

    def _build_number(self, page: QWidget) -> QVBoxLayout:
        box = QVBoxLayout()
        if self.action is CardAction.CASH_OUT and self._counter_number:
            at_counter = QLabel(f"Card {self._card.number_masked}, scanned at the counter.", page)
            at_counter.setObjectName("cardActionAtCounter")
            box.addWidget(at_counter)
            return box
        if self.action is CardAction.REPLACE:
            label = "New card: scan or type a blank card's number, or leave empty for a new one"
        else:
            label = "The card at the counter: scan or type its number"
        box.addWidget(caption(label, page))
        self.number_input = card_number_input(page, "cardActionNumber")
        box.addWidget(self.number_input)
        return box

    def _build_adjust(self, page: QWidget) -> QVBoxLayout:
        self.up_button = touch_button("▲ Up", "adjustUp", "Adjust up", page, role="secondary")
        self.down_button = touch_button(
            "▼ Down", "adjustDown", "Adjust down", page, role="secondary"
        )
        self.direction = QButtonGroup(page)
        for button in (self.up_button, self.down_button):
            button.setCheckable(True)
            button.setProperty("tipPreset", True)  # the checked look of a toggle
            self.direction.addButton(button)
        self.up_button.setChecked(True)
        self.amount_input = AmountField(
            "adjustAmount", "Amount to adjust by", page, currency=self._card.balance.currency
        )
        self.amount_input.edited.connect(self.banner_clear)
        row = QHBoxLayout()
        row.addWidget(self.up_button)
        row.addWidget(self.down_button)
        box = QVBoxLayout()
        box.addWidget(caption("Up or down, by", page, wrap=False))
        box.addLayout(row)
        box.addLayout(self.amount_input.with_message())
        return box

    def _build_keypad(self, page: QWidget) -> Keypad:
        keypad = Keypad(page, key_scale=1.0, with_enter=False, spacing=6)
        keypad.setMinimumWidth(KEYPAD_WIDTH_PX)  # "Clear" whole on its key
        keypad.digit_pressed.connect(self._digit)
        keypad.backspace_pressed.connect(self._backspace)
        keypad.clear_pressed.connect(self._clear_key)
        return keypad

    def _build_buttons(self, page: QWidget) -> QHBoxLayout:
        self.cancel_button = touch_button(
            "Cancel", "cardActionCancel", f"Cancel {TITLES[self.action]}", page, role="secondary"
        )
        self.cancel_button.clicked.connect(self.reject)
        role = "danger" if self.action is CardAction.VOID else "primary"
        self.confirm_button = touch_button(
            CONFIRM[self.action], "cardActionConfirm", TITLES[self.action], page, role=role
        )
        self.confirm_button.setMinimumWidth(180)
        self.confirm_button.clicked.connect(self._submit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        return buttons

    def _build_confirm(self) -> QWidget:
        """Void's second question: it cannot be undone."""
        page = QWidget(self)
        card = self._card
        left = card.balance.format(self._presenter.rules.locale)
        question = QLabel(
            f"Void card {card.number_masked} for good? It can never be used again, and the "
            f"{left} on it leaves with it.",
            page,
        )
        question.setObjectName("voidQuestion")
        question.setWordWrap(True)
        question.setProperty("heading", True)
        keep = touch_button("Keep the card", "voidKeep", "Keep the card", page, role="secondary")
        keep.clicked.connect(lambda: self.pages.setCurrentWidget(self.form_page))
        self.void_button = touch_button(
            "Void for good", "voidForGood", "Void the card for good", page, role="danger"
        )
        self.void_button.clicked.connect(self._void)
        buttons = QHBoxLayout()
        buttons.addWidget(keep)
        buttons.addStretch(1)
        buttons.addWidget(self.void_button)
        column = QVBoxLayout(page)
        column.addWidget(question)
        column.addStretch(1)
        column.addLayout(buttons)
        return page

    def _build_done(self) -> QWidget:
        """Replace's new number, or the cash to pay out: large, until Done."""
        page = QWidget(self)
        self.done_title = QLabel(page)
        self.done_title.setProperty("heading", True)
        self.done_title.setObjectName("cardActionDoneTitle")
        self.done_big = QLabel(page)
        name_widget(self.done_big, "cardActionDoneBig", "Result")
        self.done_big.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done_big.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.done_note = QLabel(page)
        self.done_note.setObjectName("cardActionDoneNote")
        self.done_note.setWordWrap(True)
        done = touch_button("Done", "cardActionDone", "Done", page, role="primary")
        done.setMinimumWidth(180)
        done.clicked.connect(self.accept)
        column = QVBoxLayout(page)
        column.addWidget(self.done_title)
        column.addStretch(1)
        column.addWidget(self.done_big)
        column.addWidget(self.done_note)
        column.addStretch(1)
        column.addWidget(done, 0, Qt.AlignmentFlag.AlignRight)
        return page

    # -- input ---------------------------------------------------------------------------------

    def fill_scanned(self, code: str) -> None:
        """A scan while the dialog is open: the number it asks for, if it asks for one."""
        if self.number_input is not None and self.pages.currentWidget() is self.form_page:
            self.number_input.setText(code)

    def banner_clear(self) -> None:
        self.banner.clear()

    def _number_target(self) -> QLineEdit | None:
        if self.action is CardAction.ADJUST:
            return None
        return self.number_input

    def _digit(self, digit: str) -> None:
        target = self._number_target()
        if target is None:
            self.amount_input.press_digit(digit)
        else:
            target.insert(digit)

    def _backspace(self) -> None:
        target = self._number_target()
        if target is None:
            self.amount_input.press_backspace()
        else:
            target.backspace()

    def _clear_key(self) -> None:
        target = self._number_target()
        if target is None:
            self.amount_input.press_clear()
        else:
            target.clear()

    def _number_text(self) -> str:
        if self.number_input is not None:
            return self.number_input.text()
        return self._counter_number or ""

    # -- the action ----------------------------------------------------------------------------

    def _submit(self) -> None:
        if self._presenter.busy or self.pages.currentWidget() is not self.form_page:
            return
        self.banner.clear()
        presenter, card, reason = self._presenter, self._card, self.reason_input.text()
        action = self.action
        if action is CardAction.VOID:
            if presenter.check_reason_here(reason):
                self.pages.setCurrentWidget(self.confirm_page)
        elif action in (CardAction.BLOCK, CardAction.UNBLOCK):
            presenter.set_state(card.id, action, reason)
        elif action is CardAction.ADJUST:
            up = self.up_button.isChecked()
            presenter.adjust(card.id, self.amount_input.amount(), up, reason)
        elif action is CardAction.REPLACE:
            presenter.replace(card.id, reason, self._number_text())
        else:
            presenter.cash_out(card, self._number_text(), reason)

    def _void(self) -> None:
        if not self._presenter.busy:
            self._presenter.set_state(self._card.id, CardAction.VOID, self.reason_input.text())

    def _refused(self, message: str) -> None:
        self.pages.setCurrentWidget(self.form_page)
        self.banner.show_message(message, "error")

    def _set_busy(self, busy: bool) -> None:
        for button in (self.confirm_button, self.void_button):
            button.setEnabled(not busy)
        self.confirm_button.setText(BUSY_TEXT if busy else CONFIRM[self.action])

    def _done(self, result: ActionResult) -> None:
        self.result_shown = result
        if isinstance(result, CardChanged):
            self.accept()
            return
        self.cancel_button.setEnabled(False)
        if isinstance(result, CardReplaced):
            self.done_title.setText("Hand over the new card")
            self.done_big.setText(_grouped(result.new_number))
            self.done_note.setText(
                f"{done_message(result, self._presenter.rules)} This number is shown only now."
            )
        elif isinstance(result, CashedOut):
            self.done_title.setText("Pay out in cash")
            self.done_big.setText(result.paid_out.format(self._presenter.rules.locale))
            self.done_note.setText(done_message(result, self._presenter.rules))
        self.pages.setCurrentWidget(self.done_page)
        focus = QApplication.focusWidget()
        if focus is not None:
            focus.clearFocus()  # the on-screen keyboard goes: nothing left to type


def _grouped(number: str) -> str:
    return " ".join(number[start : start + 4] for start in range(0, len(number), 4))
