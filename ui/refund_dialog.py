"""Refund a completed sale onto a gift card: pick the sale (this register's recent ones, newest
first, or its receipt number typed), then give back a gift-card payment to the card that paid
it, or any part of the sale as store credit on a card at the counter or a new card; the
amount by keypad, a reason on the on-screen keyboard. A new card's number is shown once,
large, until Done.

The screen holds no rule: the presenter's service checks the amounts and the server enforces
them; each refusal is said over the form, and what was entered stays for correction.
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
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.approvals import Approval
from pos_desktop.domain.receipt import local_time
from pos_desktop.services.refund_results import RefundableSale, RefundDone, RefundRequest
from pos_desktop.services.results import PresentedCard
from ui.presenters.refunds import RefundPresenter
from ui.widgets.amount_field import AmountField
from ui.widgets.banner import Banner, message_room
from ui.widgets.card_number_input import card_number_input
from ui.widgets.form_fields import caption
from ui.widgets.keypad import Keypad
from ui.widgets.layouts import clear_layout, scrolling_column
from ui.widgets.touch import make_touchable, name_widget, touch_button

PICK, REFUND, DONE = 0, 1, 2
TITLE = "Refund a sale"
STORE_CREDIT = 999  # the store-credit choice's id, beside the card payments' indexes
# Wide enough for the form and its keypad within a 1024-px screen, as the Gift card screen.
DIALOG_MIN_WIDTH_PX = 940
NEW_CARD = "No card at the counter: the credit goes on a new card, its number shown once."
LOOK_UP_FIRST = "Tap Look up to check the card first, or clear the number for a new card."
PICK_ONE = "Pick where the money goes: back to a gift card, or as store credit."
NEW_NUMBER_HINT = "Write it on the card or hand it over: it is shown only now."
# A new card's number: large, to be read off the screen and written on the card.
NUMBER_STYLE = "font-size: 40px; font-weight: bold; letter-spacing: 2px;"
PICKED = "QPushButton:checked { border: 4px solid #0d1b2a; font-weight: bold; }"


def grouped_number(number: str) -> str:
    """ "6034 1234 5678 9012": read off in fours."""
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


class RefundDialog(QDialog):
    def __init__(
        self,
        presenter: RefundPresenter,
        locale: str,
        timezone: str,
        parent: QWidget,
        approval: Approval | None = None,
    ) -> None:
        """``approval``: the manager's, asked before this screen opened where the store
        wants one of a cashier; carried with each refund made here."""
        super().__init__(parent)
        name_widget(self, "refundDialog", TITLE)
        self.setWindowTitle(TITLE)
        self.setModal(True)
        self.setMinimumWidth(DIALOG_MIN_WIDTH_PX)
        self._presenter = presenter
        self._locale = locale
        self._timezone = timezone
        self._approval = approval
        self.sale: RefundableSale | None = None
        self.card: PresentedCard | None = None  # the card at the counter, looked up

        title = QLabel(TITLE, self)
        title.setProperty("heading", True)
        self.banner = Banner("refundBanner", "Refund message", self)
        self.busy = QLabel("Asking the server…", self)
        self.busy.setObjectName("refundBusy")
        self.busy.setProperty("busy", True)
        self.busy.hide()
        self.pages = QStackedWidget(self)
        self.pages.setObjectName("refundPages")
        for page in (self._build_pick(), self._build_refund(), self._build_done()):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(message_room(self, "refundMessageRoom", self.banner, self.busy))
        layout.addWidget(self.pages, 1)
        self._connect()
        presenter.list_sales()

    # -- building ----------------------------------------------------------------------------

    def _build_pick(self) -> QWidget:
        page = QWidget(self)
        self.receipt_input = QLineEdit(page)
        name_widget(self.receipt_input, "receiptNumberInput", "Receipt number")
        self.receipt_input.setPlaceholderText("Receipt number, e.g. 12")
        self.receipt_input.setMaxLength(9)
        make_touchable(self.receipt_input, 1.25)
        self.receipt_input.returnPressed.connect(self._find_sale)
        self.find_button = touch_button("Find", "findReceipt", "Find the receipt", page, scale=1.25)
        self.find_button.clicked.connect(self._find_sale)
        find_row = QHBoxLayout()
        find_row.addWidget(self.receipt_input, 1)
        find_row.addWidget(self.find_button)
        self.sales_box, self.sales_list, scroll = scrolling_column(page, "recentSales")
        self.sales_hint = caption("Loading this register's sales…", page)
        self.sales_hint.setObjectName("recentSalesHint")
        cancel = touch_button(
            "Cancel", "refundCancel", "Cancel: nothing is refunded", page, role="secondary"
        )
        cancel.clicked.connect(self.reject)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(caption("Type the receipt's ticket number, or pick a recent sale.", page))
        box.addLayout(find_row)
        box.addWidget(caption("Recent sales on this register", page, wrap=False))
        box.addWidget(self.sales_hint)
        box.addWidget(scroll, 1)
        box.addWidget(cancel, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    def _build_refund(self) -> QWidget:
        page = QWidget(self)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addLayout(self._build_choice(page), 1)
        columns.addLayout(self._build_amount(page), 1)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(columns, 1)
        box.addLayout(self._build_actions(page))
        return page

    def _build_choice(self, page: QWidget) -> QVBoxLayout:
        """The sale, where the money goes, the card at the counter, the reason."""
        self.sale_title = QLabel(page)
        self.sale_title.setObjectName("refundSaleTitle")
        self.sale_title.setProperty("heading", True)
        self.sale_summary = caption("", page)
        self.sale_summary.setObjectName("refundSaleSummary")
        self.choices = QVBoxLayout()
        self.choices.setSpacing(6)
        self._choice_group = QButtonGroup(self)
        self._choice_group.setExclusive(True)
        self._choice_group.idClicked.connect(self._choose)
        self.credit_box = QWidget(page)
        self.credit_number = card_number_input(self.credit_box, "creditCardNumber")
        self.credit_number.setPlaceholderText("Card number")
        self.credit_number.textEdited.connect(self._forget_card)
        self.look_up_button = touch_button(
            "Look up", "lookUpCreditCard", "Look up the card", self.credit_box
        )
        self.look_up_button.clicked.connect(self._look_up)
        self.credit_card = caption(NEW_CARD, self.credit_box)
        self.credit_card.setObjectName("creditCardFound")
        number_row = QHBoxLayout()
        number_row.addWidget(self.credit_number, 1)
        number_row.addWidget(self.look_up_button)
        credit = QVBoxLayout(self.credit_box)
        credit.setContentsMargins(0, 0, 0, 0)
        credit.addLayout(number_row)
        credit.addWidget(self.credit_card)
        self.reason_input = QLineEdit(page)
        name_widget(self.reason_input, "refundReason", "Reason")
        self.reason_input.setPlaceholderText("Reason, e.g. Item returned")
        self.reason_input.setMaxLength(500)
        make_touchable(self.reason_input, 1.25)
        column = QVBoxLayout()
        column.setSpacing(8)
        column.addWidget(self.sale_title)
        column.addWidget(self.sale_summary)
        column.addLayout(self.choices)
        column.addWidget(self.credit_box)
        column.addWidget(caption("Reason", page, wrap=False))
        column.addWidget(self.reason_input)
        column.addStretch(1)
        return column

    def _build_amount(self, page: QWidget) -> QVBoxLayout:
        self.amount_input = AmountField("refundAmount", "Amount to refund", page)
        self.limit_note = caption("", page)
        self.limit_note.setObjectName("refundLimit")
        self.keypad = Keypad(page, key_scale=1.0, with_enter=False, spacing=8)
        self.keypad.digit_pressed.connect(self._digit)
        self.keypad.backspace_pressed.connect(self._backspace)
        self.keypad.clear_pressed.connect(self._clear_key)
        column = QVBoxLayout()
        column.setSpacing(6)
        column.addWidget(caption("Amount", page, wrap=False))
        column.addWidget(self.limit_note)
        column.addLayout(self.amount_input.with_message())
        column.addWidget(self.keypad, 1)
        return column

    def _build_actions(self, page: QWidget) -> QHBoxLayout:
        self.back_button = touch_button(
            "Back", "refundBack", "Back to the sales", page, role="secondary", scale=1.25
        )
        self.back_button.clicked.connect(self._back)
        self.refund_button = touch_button(
            "Refund", "refundConfirm", "Refund", page, role="primary", scale=1.25
        )
        self.refund_button.clicked.connect(self._submit)
        row = QHBoxLayout()
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.refund_button)
        return row

    def _build_done(self) -> QWidget:
        page = QWidget(self)
        self.done_text = QLabel(page)
        self.done_text.setObjectName("refundDoneText")
        self.done_text.setProperty("heading", True)
        self.done_text.setWordWrap(True)
        self.number_caption = caption("New card number", page, wrap=False)
        self.new_number = QLabel(page)
        self.new_number.setObjectName("newCardNumber")
        self.new_number.setStyleSheet(NUMBER_STYLE)
        self.new_number.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.number_hint = caption(NEW_NUMBER_HINT, page)
        self.done_button = touch_button(
            "Done", "refundDone", "Done", page, role="primary", scale=1.5
        )
        self.done_button.clicked.connect(self.accept)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 12, 0, 0)
        box.setSpacing(12)
        box.addWidget(self.done_text)
        box.addWidget(self.number_caption)
        box.addWidget(self.new_number)
        box.addWidget(self.number_hint)
        box.addStretch(1)
        box.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def _connect(self) -> None:
        presenter = self._presenter
        presenter.sales_listed.connect(self._show_sales)
        presenter.sale_found.connect(self._show_sale)
        presenter.card_found.connect(self._show_card)
        presenter.refunded.connect(self._refunded)
        presenter.refused.connect(self._refused)
        presenter.unsettled.connect(self._unsettled)
        presenter.busy_changed.connect(self._set_busy)
        self.finished.connect(self._let_go)

    def _let_go(self) -> None:
        presenter = self._presenter
        presenter.sales_listed.disconnect(self._show_sales)
        presenter.sale_found.disconnect(self._show_sale)
        presenter.card_found.disconnect(self._show_card)
        presenter.refunded.disconnect(self._refunded)
        presenter.refused.disconnect(self._refused)
        presenter.unsettled.disconnect(self._unsettled)
        presenter.busy_changed.disconnect(self._set_busy)
        presenter.forget()

    # -- the sale ----------------------------------------------------------------------------

    def _when(self, sale: RefundableSale) -> str:
        moment = local_time(sale.completed_at, self._timezone)
        return moment.strftime("%b %d, %I:%M %p").replace(" 0", " ")

    def _show_sales(self, sales: tuple[RefundableSale, ...]) -> None:
        clear_layout(self.sales_list)
        for sale in sales:
            text = f"#{sale.number}    {self._when(sale)}    {sale.total.format(self._locale)}"
            if sale.refunded.is_positive():
                text += f"    (refunded {sale.refunded.format(self._locale)})"
            button = QPushButton(text, self.sales_box)
            name_widget(button, f"refundSale{sale.number}", f"Ticket #{sale.number}")
            button.setStyleSheet("text-align: left; padding-left: 16px;")
            make_touchable(button, 1.25)
            button.clicked.connect(lambda _=False, s=sale: self._presenter.show_sale(s.id))
            self.sales_list.addWidget(button)
        self.sales_list.addStretch(1)
        self.sales_hint.setText("" if sales else "No completed sale on this register yet.")
        self.sales_hint.setVisible(not sales)

    def _find_sale(self) -> None:
        self.banner.clear()
        self._presenter.find_sale(self.receipt_input.text())

    def _show_sale(self, sale: RefundableSale) -> None:
        self.banner.clear()
        self.sale = sale
        locale = self._locale
        self.sale_title.setText(f"Ticket #{sale.number} · {self._when(sale)}")
        self.sale_summary.setText(
            f"Total {sale.total.format(locale)} · refunded so far "
            f"{sale.refunded.format(locale)} · left {sale.left.format(locale)}"
        )
        clear_layout(self.choices)
        for button in self._choice_group.buttons():
            self._choice_group.removeButton(button)
        for index, payment in enumerate(sale.card_payments):
            # Short enough to read whole in the column at 1024 px; the limit says the rest.
            text = f"To the card {payment.masked} · {payment.left.format(locale)} left"
            self._add_choice(text, f"refundToCard{index}", index)
        self._add_choice("As store credit", "refundStoreCredit", STORE_CREDIT)
        self.credit_box.hide()
        self.amount_input.set_currency(sale.total.currency)
        self.amount_input.set_amount(None)
        self.limit_note.setText("Pick where the money goes.")
        self.refund_button.setEnabled(True)
        self.refund_button.setText("Refund")
        self.pages.setCurrentIndex(REFUND)
        if len(sale.card_payments) == 1:
            self._choose(0)

    def _add_choice(self, text: str, name: str, choice: int) -> None:
        button = touch_button(text, name, text, self, scale=1.25)
        button.setStyleSheet(PICKED)
        button.setCheckable(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._choice_group.addButton(button, choice)
        self.choices.addWidget(button)

    def _choose(self, choice: int) -> None:
        sale = self.sale
        if sale is None:
            return
        button = self._choice_group.button(choice)
        if button is not None:
            button.setChecked(True)
        if choice == STORE_CREDIT:
            cap, what = sale.left, "left of this sale"
        else:
            payment = sale.card_payments[choice]
            cap, what = payment.left.min(sale.left), f"left of what {payment.masked} paid"
        self.credit_box.setVisible(choice == STORE_CREDIT)
        text = f"At most {cap.format(self._locale)}: {what}."
        self.limit_note.setText(text)
        self.amount_input.set_cap(cap, text)
        self.amount_input.set_amount(cap)
        self.amount_input.setFocus()

    def _back(self) -> None:
        self.banner.clear()
        self.pages.setCurrentIndex(PICK)
        self._presenter.list_sales()

    # -- the card at the counter -------------------------------------------------------------

    def fill_scanned(self, code: str) -> None:
        """A scan while the screen is open: the card at the counter, for store credit."""
        if self.pages.currentIndex() != REFUND:
            return
        self._choose(STORE_CREDIT)
        self.credit_number.setText(code)
        self._look_up()

    def _forget_card(self) -> None:
        self.card = None
        self.credit_card.setText(NEW_CARD if not self.credit_number.text() else LOOK_UP_FIRST)

    def _look_up(self) -> None:
        self.banner.clear()
        self.card = None
        if self.credit_number.text().strip():
            self._presenter.find_card(self.credit_number.text())
        else:
            self.credit_card.setText(NEW_CARD)

    def _show_card(self, card: PresentedCard) -> None:
        self.card = card
        summary = card.summary
        self.credit_card.setText(
            f"Onto {summary.number_masked}: balance {summary.balance.format(self._locale)} now."
        )

    # -- the keypad --------------------------------------------------------------------------

    def _typing_number(self) -> bool:
        return QApplication.focusWidget() is self.credit_number

    def _digit(self, digit: str) -> None:
        if self._typing_number():
            self.credit_number.insert(digit)
            self._forget_card()
        else:
            self.amount_input.press_digit(digit)

    def _backspace(self) -> None:
        if self._typing_number():
            self.credit_number.backspace()
            self._forget_card()
        else:
            self.amount_input.press_backspace()

    def _clear_key(self) -> None:
        if self._typing_number():
            self.credit_number.clear()
            self._forget_card()
        else:
            self.amount_input.press_clear()

    # -- the refund --------------------------------------------------------------------------

    def request(self) -> RefundRequest | None:
        """What the cashier entered; None (and said why) when something is missing."""
        sale, choice = self.sale, self._choice_group.checkedId()
        if sale is None or choice == -1:  # -1: nothing checked
            self.banner.show_message(PICK_ONE)
            return None
        amount, reason = self.amount_input.amount(), self.reason_input.text()
        if choice != STORE_CREDIT:
            payment = sale.card_payments[choice]
            return RefundRequest(sale.id, amount, reason, payment_id=payment.payment_id)
        if self.credit_number.text().strip() and self.card is None:
            self.banner.show_message(LOOK_UP_FIRST)
            return None
        return RefundRequest(sale.id, amount, reason, card=self.card)

    def _submit(self) -> None:
        if self._presenter.busy:
            return
        self.banner.clear()
        request = self.request()
        if request is not None:
            self._presenter.refund(request, self._approval)

    def _refunded(self, done: RefundDone) -> None:
        locale = self._locale
        text = f"Refunded {done.amount.format(locale)} to {done.masked}."
        text += f"\nCard balance: {done.balance_after.format(locale)}."
        self.done_text.setText(text)
        self.done_text.setAccessibleDescription(text)
        number = done.number
        for widget in (self.number_caption, self.new_number, self.number_hint):
            widget.setVisible(number is not None)
        self.new_number.setText(grouped_number(number) if number is not None else "")
        self.sale = done.sale
        self.pages.setCurrentIndex(DONE)
        self.done_button.setFocus()

    def _refused(self, message: str) -> None:
        self.banner.show_message(message)
        self.refund_button.setText("Refund")

    def _unsettled(self, message: str) -> None:
        self.banner.show_message(message)
        self.refund_button.setText("Try again")

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for widget in (self.refund_button, self.back_button, self.find_button, self.keypad):
            widget.setEnabled(not busy)
