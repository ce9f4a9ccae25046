"""The checkout's Gift card screen: sell a physical card or an e-gift, or reload a card, as a
line of the open ticket.

The amount is entered on the keypad (the store's minimum to its maximum); a physical card's
number is scanned or typed (the keypad types into it while it has the focus), or the server
issues one; an e-gift's recipient is typed on the on-screen keyboard and sent now or at a date
and time on the store's clock. The screen holds no rule: it asks the presenter, and says each
refusal next to the field it is about.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.card_sale import CardLimits
from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.money import Money
from pos_desktop.services.results import CardOrder, CardSold
from ui.widgets.amount_field import AmountField
from ui.widgets.banner import Banner, message_room
from ui.widgets.card_number_input import card_number_input
from ui.widgets.form_fields import caption, keep_bold_room, message_label
from ui.widgets.keypad import Keypad
from ui.widgets.touch import make_touchable, name_widget, touch_button, touch_date_picker

PHYSICAL, EGIFT, RELOAD = 0, 1, 2
MODES = (("Physical card", "cardSalePhysical"), ("E-gift", "cardSaleEgift"))
RELOAD_MODE = ("Reload a card", "cardSaleReload")
# An e-gift sent later: tomorrow morning unless the cashier picks another time.
DEFAULT_SEND_HOUR = 9
# The mode and the sending time picked: a dark ring, as the checkout's picked category.
PICKED = "QPushButton:checked { border: 4px solid #0d1b2a; font-weight: bold; }"
# Wide enough for the form and a keypad whose Clear key reads whole, within a 1024-px screen.
DIALOG_MIN_WIDTH_PX = 940


class CardSaleDialog(QDialog):
    """One sale at a time: ``sell_requested`` or ``reload_requested``; the presenter's answer
    comes back through ``show_sold`` or ``show_refusal``."""

    sell_requested = Signal(object)  # CardOrder
    reload_requested = Signal(str, object)  # card number text, Money | None

    def __init__(
        self, rules: StoreRules, limits: CardLimits, parent: QWidget, *, reload: bool = False
    ) -> None:
        super().__init__(parent)
        name_widget(self, "cardSaleDialog", "Gift card")
        self.setWindowTitle("Gift card")
        self.setModal(True)
        self._rules = rules
        self._limits = limits
        self.setMinimumWidth(DIALOG_MIN_WIDTH_PX)
        self.messages: dict[str, QLabel] = {}
        # The number the server issued, grouped as shown; empty until it is.
        self.issued_number = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(10)
        layout.addLayout(self._build_modes())
        self.banner = Banner("cardSaleBanner", "Gift card message", self)
        # A message in room kept for it: nothing under the cashier's finger moves.
        layout.addWidget(message_room(self, "cardSaleMessageSlot", self.banner))
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addWidget(self._build_pages(), 1)
        columns.addLayout(self._build_amount(), 1)
        layout.addLayout(columns, 1)
        layout.addLayout(self._build_actions())
        self._pick(RELOAD if reload else PHYSICAL)

    # -- building ----------------------------------------------------------------------------

    def _build_modes(self) -> QHBoxLayout:
        """Physical card, E-gift, Reload a card: one picked at a time."""
        self._mode_group = QButtonGroup(self)
        row = QHBoxLayout()
        for index, (text, name) in enumerate((*MODES, RELOAD_MODE)):
            button = touch_button(text, name, text, self, scale=1.25)
            button.setStyleSheet(PICKED)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self._mode_group.addButton(button, index)
            row.addWidget(button, 1)
        self._mode_group.idClicked.connect(self._pick)
        return row

    def _build_pages(self) -> QStackedWidget:
        self.pages = QStackedWidget(self)
        self.pages.setObjectName("cardSalePages")
        for page in (self._build_physical(), self._build_egift(), self._build_reload()):
            self.pages.addWidget(page)
        return self.pages

    def _field_message(self, field: str, page: QWidget) -> QLabel:
        label = message_label(f"{field}Message", page)
        self.messages[field] = label
        return label

    def _build_physical(self) -> QWidget:
        page = QWidget(self)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        hint = caption(
            "Scan a blank card from the store's stock, or type its number. "
            "No blank card? Issue a new number: the server gives one, shown here once.",
            page,
        )
        self.number_input = card_number_input(page, "blankCardNumber")
        self.number_input.setPlaceholderText("Blank card number")
        box.addWidget(hint)
        box.addWidget(self.number_input)
        box.addWidget(self._field_message("number", page))
        box.addStretch(1)
        return page

    def _build_egift(self) -> QWidget:
        page = QWidget(self)
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        self.recipient_name = self._text_field(page, "recipientName", "Recipient's name", 120)
        self.recipient_email = self._text_field(page, "recipientEmail", "Recipient's e-mail", 254)
        self.message_input = self._text_field(page, "giftMessage", "Message (optional)", 1000)
        rows = (
            ("Recipient", self.recipient_name, "recipient_name"),
            ("E-mail", self.recipient_email, "recipient_email"),
            ("Message", self.message_input, "message"),
        )
        for row, (text, field, key) in enumerate(rows):
            grid.addWidget(caption(text, page, wrap=False), 2 * row, 0)
            grid.addWidget(field, 2 * row, 1)
            grid.addWidget(self._field_message(key, page), 2 * row + 1, 1)
        grid.addWidget(caption("Send", page, wrap=False), 6, 0)
        grid.addLayout(self._build_when(page), 6, 1)
        grid.addWidget(self._field_message("deliver_at", page), 7, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(8, 1)
        return page

    def _text_field(self, page: QWidget, name: str, accessible: str, length: int) -> QLineEdit:
        field = QLineEdit(page)
        name_widget(field, name, accessible)
        field.setPlaceholderText(accessible)
        field.setMaxLength(length)
        make_touchable(field, 1.25)
        return field

    def _build_when(self, page: QWidget) -> QVBoxLayout:
        """Now, or Later at a date and time on the store's clock."""
        self._when_group = QButtonGroup(self)
        self.send_now = touch_button("Now", "sendNow", "Send now", page)
        self.send_later = touch_button("Later", "sendLater", "Send later", page)
        for index, button in enumerate((self.send_now, self.send_later)):
            button.setStyleSheet(PICKED)
            keep_bold_room(button)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self._when_group.addButton(button, index)
        self.send_now.setChecked(True)
        self._when_group.idClicked.connect(lambda _: self._follow_when())
        tomorrow = self._store_today() + timedelta(days=1)
        self.send_date = touch_date_picker(
            QDate(tomorrow.year, tomorrow.month, tomorrow.day), "sendDate", "Send on", page
        )
        self.send_date.setDisplayFormat("d MMM yyyy")
        self.send_time = QTimeEdit(QTime(DEFAULT_SEND_HOUR, 0), page)
        name_widget(self.send_time, "sendTime", "Send at")
        for edit in (self.send_date, self.send_time):
            edit.setMinimumHeight(self.send_now.minimumHeight())
        self.zone_note = caption(f"Store time ({self._rules.timezone})", page, wrap=False)
        self.zone_note.setObjectName("storeTimeNote")
        buttons = QHBoxLayout()
        buttons.addWidget(self.send_now, 1)
        buttons.addWidget(self.send_later, 1)
        moment = QHBoxLayout()
        moment.addWidget(self.send_date, 3)
        moment.addWidget(self.send_time, 2)
        block = QVBoxLayout()
        block.setSpacing(6)
        block.addLayout(buttons)
        block.addLayout(moment)
        block.addWidget(self.zone_note)
        return block

    def _build_reload(self) -> QWidget:
        page = QWidget(self)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        box.addWidget(caption("Scan the customer's card, or type its number.", page))
        self.reload_input = card_number_input(page, "reloadCardNumber")
        box.addWidget(self.reload_input)
        box.addWidget(self._field_message("reload_number", page))
        box.addStretch(1)
        return page

    def _build_amount(self) -> QVBoxLayout:
        locale, limits = self._rules.locale, self._limits
        self.amount_input = AmountField(
            "cardAmountInput", "Amount on the card", self, currency=limits.maximum.currency
        )
        self.amount_input.set_cap(
            limits.maximum, f"A gift card holds at most {limits.maximum.format(locale)}."
        )
        self.amount_input.edited.connect(self._clear_messages)
        self.messages["amount"] = self.amount_input.message
        self.keypad = Keypad(self, key_scale=1.0, with_enter=False, spacing=8)
        self.keypad.digit_pressed.connect(self._digit)
        self.keypad.backspace_pressed.connect(self._backspace)
        self.keypad.clear_pressed.connect(self._clear_key)
        column = QVBoxLayout()
        column.setSpacing(6)
        column.addWidget(caption("Amount", self, wrap=False))
        range_note = caption(
            f"{limits.minimum.format(locale)} to {limits.maximum.format(locale)}", self
        )
        range_note.setObjectName("cardAmountRange")
        column.addWidget(range_note)
        column.addLayout(self.amount_input.with_message())
        column.addWidget(self.keypad, 1)
        return column

    def _build_actions(self) -> QHBoxLayout:
        self.cancel_button = touch_button(
            "Cancel", "cardSaleCancel", "Cancel", self, role="secondary", scale=1.25
        )
        self.cancel_button.clicked.connect(self.reject)
        self.issue_button = touch_button(
            "Issue a new number", "issueNewNumber", "Issue a new number", self, scale=1.25
        )
        self.issue_button.setProperty("role", "secondary")
        self.issue_button.clicked.connect(lambda: self._submit(issue=True))
        self.add_button = touch_button(
            "Add to ticket", "addCardLine", "Add the gift card to the ticket", self, scale=1.25
        )
        self.add_button.setProperty("role", "primary")
        self.add_button.clicked.connect(lambda: self._submit(issue=False))
        self.busy = QLabel("Asking the server…", self)
        self.busy.setObjectName("cardSaleBusy")
        self.busy.hide()
        row = QHBoxLayout()
        row.addWidget(self.cancel_button)
        row.addWidget(self.busy, 1)
        row.addWidget(self.issue_button)
        row.addWidget(self.add_button)
        return row

    # -- behaviour ---------------------------------------------------------------------------

    @property
    def mode(self) -> int:
        return self.pages.currentIndex()

    def _pick(self, mode: int) -> None:
        button = self._mode_group.button(mode)
        if button is not None:
            button.setChecked(True)
        self.pages.setCurrentIndex(mode)
        self.issue_button.setVisible(mode == PHYSICAL)
        self.add_button.setText("Add reload" if mode == RELOAD else "Add to ticket")
        self._follow_when()
        self._clear_messages()
        # The amount first: the keypad types into it; a scan fills the number wherever it is.
        self.amount_input.setFocus()

    def _follow_when(self) -> None:
        later = self.send_later.isChecked()
        self.send_date.setEnabled(later)
        self.send_time.setEnabled(later)

    def _store_today(self) -> date:
        try:
            zone = ZoneInfo(self._rules.timezone)
        except (ValueError, KeyError):
            zone = ZoneInfo("UTC")
        return datetime.now(zone).date()

    def _number_field(self) -> QLineEdit | None:
        """The number field the keypad types into while it has the focus."""
        focused = QApplication.focusWidget()
        for field in (self.number_input, self.reload_input):
            if focused is field:
                return field
        return None

    def _digit(self, digit: str) -> None:
        field = self._number_field()
        if field is None:
            self.amount_input.press_digit(digit)
        else:
            field.insert(digit)

    def _backspace(self) -> None:
        field = self._number_field()
        if field is None:
            self.amount_input.press_backspace()
        else:
            field.backspace()

    def _clear_key(self) -> None:
        field = self._number_field()
        if field is None:
            self.amount_input.press_clear()
        else:
            field.clear()

    def fill_scanned(self, code: str) -> None:
        """A scan while the screen is open: the number of the card on the counter."""
        if self.mode == EGIFT:
            self._pick(PHYSICAL)
        field = self.reload_input if self.mode == RELOAD else self.number_input
        field.setText(code)

    def order(self, *, issue: bool) -> CardOrder:
        """What the cashier entered, as the presenter takes it."""
        later = self.mode == EGIFT and self.send_later.isChecked()
        day, at = self.send_date.date(), self.send_time.time()
        return CardOrder(
            amount=self.amount_input.amount(),
            egift=self.mode == EGIFT,
            number="" if issue else self.number_input.text(),
            recipient_name=self.recipient_name.text(),
            recipient_email=self.recipient_email.text(),
            message=self.message_input.text(),
            send_on=date(day.year(), day.month(), day.day()) if later else None,
            send_at=time(at.hour(), at.minute()) if later else None,
        )

    def _submit(self, *, issue: bool) -> None:
        if self.busy.isVisible():
            return
        self._clear_messages()
        if self.mode == PHYSICAL and not issue and not self.number_input.text().strip():
            self.show_refusal(
                "Scan or type the blank card's number, or tap Issue a new number.", "number"
            )
            return
        self.set_busy(True)
        if self.mode == RELOAD:
            self.reload_requested.emit(self.reload_input.text(), self.amount_input.amount())
        else:
            self.sell_requested.emit(self.order(issue=issue))

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for widget in (self.add_button, self.issue_button, self.keypad, self.pages):
            widget.setEnabled(not busy)
        for button in self._mode_group.buttons():
            button.setEnabled(not busy)

    def _clear_messages(self) -> None:
        self.banner.clear()
        for field, label in self.messages.items():
            if field != "amount":
                label.clear()

    def show_refusal(self, message: str, field: str) -> None:
        """Said next to ``field`` ("": over the form); what was entered stays for correction."""
        self.set_busy(False)
        if field == "number" and self.mode == RELOAD:
            field = "reload_number"
        label = self.messages.get(field)
        if label is None:
            self.banner.show_message(message)
            return
        label.setText(message)
        label.setAccessibleDescription(message)

    def show_sold(self, sold: CardSold) -> None:
        """The line is on the ticket. A number the server issued is shown this once, for the
        cashier to write on the card or hand over; otherwise the screen closes."""
        self.set_busy(False)
        if sold.number is None:
            self.accept()
            return
        grouped = " ".join(sold.number[i : i + 4] for i in range(0, len(sold.number), 4))
        self.banner.show_message(
            f"New card number {grouped}. Write it on the card or hand it over: it is "
            "shown only now.",
            "info",
        )
        self.issued_number = grouped
        self.add_button.hide()
        self.issue_button.hide()
        self.cancel_button.setText("Done")
        self.cancel_button.setAccessibleName("Done")
        self.cancel_button.clicked.disconnect()
        self.cancel_button.clicked.connect(self.accept)

    def amount_entered(self) -> Money | None:
        return self.amount_input.amount()
