"""Pay: total, tip, amount due, the tenders taken (each removable), and the tenders to take.

The amount field starts at the amount due; the keypad types into whichever of the amount
and the custom tip shows focus (the amount, when neither does). A redraw refills the amount
with the due only while the cashier has not typed into it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.money import Money
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.tender import Payment, PaymentState, TenderKind
from pos_desktop.services.results import Catalog, GiftCardPaid, PartialRedeem
from ui.gift_card_dialogs import GiftCardDialog, PartialRedeemDialog
from ui.presenters.sale import SalePresenter
from ui.widgets.amount_field import AmountField
from ui.widgets.banner import Banner, message_room
from ui.widgets.confirm import ask
from ui.widgets.keypad import Keypad
from ui.widgets.layouts import clear_layout
from ui.widgets.touch import make_touchable, name_widget, touch_button

if TYPE_CHECKING:
    from ui.find_by_email_dialog import FindByEmailDialog

# Makes the Find-by-e-mail dialog for an amount, over a parent; None when no ticket is open.
FindByEmail = Callable[[Money, QWidget], "FindByEmailDialog | None"]

NO_TIP = 0  # the "No tip" button's percent, always first
DEFAULT_TIP_PRESETS = (10, 15, 20)  # until the store's own come with its settings
TIP_LOCKED = "The tip is fixed once a tender is taken. Remove the tenders to change it."
WAIT_FOR_TENDER = "Wait for the payment being recorded, then scan the gift card again."
QUICK_CASH = (500, 1000, 2000, 5000, 10000)  # minor units of the bills a drawer holds
NO_REFERENCE = "Enter the approval reference from the card terminal."
TENDER_BUTTON_MAX_PX = 80
DEFAULT_CURRENCY = "USD"


def _button(text: str, object_name: str, accessible: str, parent: QWidget) -> QPushButton:
    button = touch_button(text, object_name, accessible, parent)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the caret stays in the amount
    return button


class CardReferenceDialog(QDialog):
    """The external terminal approved the card: the cashier types its reference. Without one
    the dialog says so and stays; the message has room kept for it, so nothing moves."""

    def __init__(self, amount_text: str, parent: QWidget) -> None:
        super().__init__(parent)
        name_widget(self, "cardTenderDialog", "Card payment")
        self.setWindowTitle("Card payment")
        self.setModal(True)
        title = QLabel(f"Card · {amount_text}", self)
        title.setProperty("heading", True)
        hint = QLabel("Take the card on the terminal, then enter its approval reference.", self)
        hint.setWordWrap(True)
        self.reference = QLineEdit(self)
        name_widget(self.reference, "cardReferenceInput", "Approval reference")
        self.reference.setMaxLength(120)
        make_touchable(self.reference, 1.25)
        self.reference.returnPressed.connect(self._record)
        self.banner = Banner("cardReferenceBanner", "Card payment message", self)
        # A refusal goes once the cashier types: it no longer applies.
        self.reference.textEdited.connect(lambda _text: self.banner.clear())
        ok = QPushButton("Record card payment", self)
        name_widget(ok, "cardTenderOk", "Record card payment")
        ok.setProperty("role", "primary")
        cancel = QPushButton("Cancel", self)
        name_widget(cancel, "cardTenderCancel", "Cancel")
        for button in (ok, cancel):
            make_touchable(button, 1.25)
        ok.clicked.connect(self._record)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addStretch(1)
        buttons.addWidget(ok)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(14)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.reference)
        # The refusal in room kept for two lines: the buttons stay under the finger.
        layout.addWidget(message_room(self, "cardReferenceMessageSlot", self.banner))
        layout.addLayout(buttons)
        self.setMinimumWidth(480)

    def _record(self) -> None:
        if not self.reference.text().strip():
            self.banner.show_message(NO_REFERENCE)
            self.reference.setFocus()
            return
        self.accept()


class TenderRow(QFrame):
    def __init__(self, payment: Payment, locale: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("tenderRow")
        self.payment_id = payment.id
        text = f"{payment.label}  {payment.covered.format(locale)}"
        if payment.kind is TenderKind.GIFT_CARD and payment.reference:
            text = f"{payment.label} {payment.reference}  {payment.covered.format(locale)}"
        if payment.tip.is_positive():
            text += f"  (tip {payment.tip.format(locale)})"
        if payment.tendered is not None and payment.change.is_positive():
            text += f"  · change {payment.change.format(locale)}"
        if payment.state is PaymentState.PENDING:
            text += "  · checking with the server…"
        elif payment.state is PaymentState.REVERSING:
            text += "  · giving back…"
        self.label = QLabel(text, self)
        self.label.setObjectName("tenderRowText")
        self.label.setWordWrap(True)
        self.remove = _button("Remove", "removeTender", f"Remove {payment.label} payment", self)
        self.remove.setProperty("role", "secondary")
        self.remove.setEnabled(payment.state is PaymentState.APPROVED)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 2, 8, 2)
        row.addWidget(self.label, 1)
        row.addWidget(self.remove)


class TenderView(QWidget):
    back_requested = Signal()

    def __init__(
        self,
        presenter: SalePresenter,
        parent: QWidget | None = None,
        *,
        find_by_email: FindByEmail | None = None,
    ) -> None:
        """``find_by_email`` makes the "No card? Find by e-mail" dialog for the open ticket."""
        super().__init__(parent)
        self.setObjectName("tenderView")
        self.setAccessibleName("Pay")
        self._presenter = presenter
        self._find_by_email = find_by_email
        self.email_dialog: FindByEmailDialog | None = None
        self._locale = "en_US"
        self._other_tenders: tuple[str, ...] = ()
        self.sale: Sale | None = None
        self.gift_card_dialog: GiftCardDialog | None = None
        self.partial_dialog: PartialRedeemDialog | None = None
        self.card_dialog: CardReferenceDialog | None = None

        columns = QHBoxLayout(self)
        columns.setContentsMargins(20, 12, 20, 12)
        columns.setSpacing(24)
        columns.addLayout(self._build_money(), 1)
        columns.addLayout(self._build_taking(), 1)

        presenter.sale_changed.connect(self.show_sale)
        presenter.catalog_loaded.connect(self.show_catalog)
        presenter.failed.connect(self._show_error)
        presenter.gift_card_paid.connect(self._gift_card_paid)
        presenter.partial_redeem_needed.connect(self._open_partial)
        presenter.busy_changed.connect(self._set_busy)

    def _build_money(self) -> QVBoxLayout:
        """Left: the ticket's money, the tenders taken, the last message, back to the ticket."""
        self.total = QLabel(self)
        self.total.setObjectName("payTotal")
        self.total.setProperty("heading", True)
        self.total.setWordWrap(True)
        self.tip_label = QLabel(self)
        self.tip_label.setObjectName("tipAmount")
        self.amount_due = QLabel(self)
        name_widget(self.amount_due, "amountDue", "Amount due")
        self.change_due = QLabel(self)
        self.change_due.setObjectName("changeDue")
        self.change_due.hide()
        due_caption = QLabel("Amount due", self)
        due_caption.setProperty("totalCaption", True)
        tenders_caption = QLabel("Tenders taken", self)
        tenders_caption.setProperty("hint", True)
        # Below the tenders, above Back: appearing, it shortens the tenders' list, and nothing
        # a finger is on moves.
        self.banner = Banner("errorBanner", "Payment message", self)
        self.back_button = _button("← Ticket", "backToTicket", "Back to the ticket", self)
        self.back_button.clicked.connect(self.back_requested)

        left = QVBoxLayout()
        left.setSpacing(6)
        left.addWidget(self.total)
        left.addLayout(self._build_tip())
        left.addWidget(self.tip_label)
        left.addWidget(due_caption)
        left.addWidget(self.amount_due)
        left.addWidget(self.change_due)
        left.addWidget(tenders_caption)
        left.addWidget(self._build_tenders_list(), 1)
        left.addWidget(self.banner)
        left.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        return left

    def _build_tenders_list(self) -> QScrollArea:
        """The tenders taken, from the top; more than the room scroll."""
        box = QWidget(self)
        box.setObjectName("tendersTaken")
        self.tenders_box = QVBoxLayout()
        self.tenders_box.setSpacing(4)
        self.tender_rows: list[TenderRow] = []
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.tenders_box)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setObjectName("tendersScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The column's room left over, however little: on a short screen a message may take it.
        scroll.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        scroll.setWidget(box)
        return scroll

    def _build_tip(self) -> QVBoxLayout:
        """The tip presets, and under them the custom tip or, once a tender is taken, the line
        saying why the tip is fixed, in the same room: nothing moves when it comes."""
        tip_row = QHBoxLayout()
        tip_row.setSpacing(6)
        tip_row.addWidget(QLabel("Tip", self))
        self._tip_row = QHBoxLayout()
        self._tip_row.setSpacing(6)
        tip_row.addLayout(self._tip_row, 1)
        self.tip_buttons: dict[int, QPushButton] = {}
        self._show_tip_presets(DEFAULT_TIP_PRESETS)
        self.tip_input = AmountField("tipInput", "Custom tip amount", self, scale=1.0)
        self.tip_input.setPlaceholderText("Custom tip")
        self.tip_input.returnPressed.connect(self._apply_tip)
        self.tip_apply = _button("Set tip", "tipApply", "Set custom tip", self)
        self.tip_apply.clicked.connect(self._apply_tip)
        custom_tip = QHBoxLayout()
        custom_tip.addWidget(self.tip_input, 1)
        custom_tip.addWidget(self.tip_apply)
        custom = QWidget(self)
        custom.setObjectName("customTip")
        custom.setLayout(self.tip_input.with_message(custom_tip))
        self.tip_locked = QLabel(TIP_LOCKED, self)
        name_widget(self.tip_locked, "tipLocked", "Why the tip cannot change")
        self.tip_locked.setProperty("hint", True)
        self.tip_locked.setWordWrap(True)
        self.tip_locked.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._tip_slot = QStackedWidget(self)
        self._tip_slot.setObjectName("tipSlot")
        self._tip_slot.addWidget(custom)
        self._tip_slot.addWidget(self.tip_locked)
        block = QVBoxLayout()
        block.setContentsMargins(0, 0, 0, 0)
        block.setSpacing(6)  # as the rest of the column
        block.addLayout(tip_row)
        block.addWidget(self._tip_slot)
        return block

    def _build_taking(self) -> QVBoxLayout:
        """Right: the amount, quick cash, the keypad, the tenders."""
        self.amount_input = AmountField("tenderAmountInput", "Amount to take", self, scale=1.0)
        self.amount_input.edited.connect(self.banner.clear)  # about an amount no longer there
        self.quick_exact = _button("Exact", "quickExact", "Exact amount", self)
        self.quick_exact.setProperty("compact", True)
        self.quick_exact.clicked.connect(self._fill_due)
        amount_row = QHBoxLayout()
        amount_row.setSpacing(6)
        amount_row.addWidget(QLabel("Amount", self))
        amount_row.addWidget(self.amount_input, 1)
        amount_row.addWidget(self.quick_exact)
        # No Enter key: the tender buttons below are the actions.
        self.keypad = Keypad(self, key_scale=1.0, with_enter=False, spacing=6)
        self.keypad.digit_pressed.connect(lambda d: self._keypad_field().press_digit(d))
        self.keypad.backspace_pressed.connect(lambda: self._keypad_field().press_backspace())
        self.keypad.clear_pressed.connect(lambda: self._keypad_field().press_clear())
        right = QVBoxLayout()
        right.setSpacing(6)
        right.addLayout(self.amount_input.with_message(amount_row))
        right.addLayout(self._build_quick_cash())
        right.addWidget(self.keypad, 3)
        right.addLayout(self._build_tender_buttons(), 1)
        self.other_row = QHBoxLayout()
        self.other_row.setSpacing(6)
        right.addLayout(self.other_row)
        return right

    def _build_quick_cash(self) -> QHBoxLayout:
        """The drawer's bills, each read whole ("$10", never "$1")."""
        quick = QHBoxLayout()
        quick.setSpacing(6)
        self.quick_buttons: list[QPushButton] = []
        for minor in QUICK_CASH:
            button = _button("", f"quick{minor}", "", self)
            button.setProperty("compact", True)
            button.clicked.connect(lambda _=False, m=minor: self._quick_cash(m))
            quick.addWidget(button, 1)
            self.quick_buttons.append(button)
        self._label_quick_cash(DEFAULT_CURRENCY)  # each ticket's currency once it shows
        return quick

    def _build_tender_buttons(self) -> QHBoxLayout:
        """Cash, Card, Gift Card: a touch target at least, taller where the screen has room."""
        self.tender_row = QHBoxLayout()
        self.tender_row.setSpacing(6)
        self.cash_button = _button("Cash", "tenderCash", "Pay with cash", self)
        self.card_button = _button("Card", "tenderCard", "Pay with a card", self)
        self.gift_card_button = _button("Gift Card", "tenderGiftCard", "Pay with a gift card", self)
        for button in (self.cash_button, self.card_button, self.gift_card_button):
            button.setProperty("role", "primary")
            button.setProperty("compact", True)
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)
            button.setMaximumHeight(TENDER_BUTTON_MAX_PX)
            self.tender_row.addWidget(button)
        self.cash_button.clicked.connect(self._take_cash)
        self.card_button.clicked.connect(self._take_card)
        self.gift_card_button.clicked.connect(lambda: self._take_gift_card())
        return self.tender_row

    # -- showing -----------------------------------------------------------------------------

    def _show_tip_presets(self, presets: tuple[int, ...]) -> None:
        """ "No tip" and a button for each of the store's presets, in percent."""
        percents = (NO_TIP, *(p for p in presets if p != NO_TIP))
        if tuple(self.tip_buttons) == percents:
            return
        for old in self.tip_buttons.values():
            # Out at once: an old button keeps its name until deleted, and could take a tap.
            self._tip_row.removeWidget(old)
            old.hide()
            old.setParent(None)
            old.deleteLater()
        self.tip_buttons = {}
        for percent in percents:
            text = "No tip" if percent == NO_TIP else f"{percent}%"
            button = _button(text, f"tip{percent}", f"Tip {text}", self)
            button.setProperty("compact", True)
            button.setCheckable(True)  # checked: the sale's tip came from this preset
            button.setProperty("tipPreset", True)
            button.clicked.connect(lambda _=False, p=percent: self._set_tip_percent(p))
            self._tip_row.addWidget(button, 1)
            self.tip_buttons[percent] = button

    def show_catalog(self, catalog: Catalog) -> None:
        self._locale = catalog.rules.locale
        if tuple(self.tip_buttons)[1:] != catalog.rules.tip_presets:
            self._show_tip_presets(catalog.rules.tip_presets)
            self._show_tip(self.sale)
        if catalog.rules.tenders == self._other_tenders:
            return
        self._other_tenders = catalog.rules.tenders
        clear_layout(self.other_row)
        for index, name in enumerate(catalog.rules.tenders):
            button = _button(name, f"tenderOther{index}", f"Pay with {name}", self)
            button.clicked.connect(lambda _=False, n=name: self._take_other(n))
            self.other_row.addWidget(button)

    def show_sale(self, sale: Sale | None) -> None:
        same_sale = self.sale is not None and sale is not None and self.sale.id == sale.id
        self.sale = sale
        clear_layout(self.tenders_box)
        self.tender_rows = []
        if sale is None:
            for label in (self.total, self.amount_due, self.tip_label):
                label.clear()
            self.amount_input.set_amount(None)
            self._show_tip(None)
            return
        locale = self._locale
        self.amount_input.set_currency(sale.currency)
        self.tip_input.set_currency(sale.currency)
        totals = sale.totals
        self.total.setText(f"Ticket #{sale.number} · Total {totals.total.format(locale)}")
        self.tip_label.setText(f"Tip: {sale.tip_amount.format(locale)}")
        due = sale.amount_due
        self.amount_due.setText(due.format(locale))
        self.amount_due.setAccessibleDescription(f"Amount due {due.format(locale)}")
        if not (same_sale and self.amount_input.typed):
            # A redraw (a reload after a refusal, a settle) never refills what is being typed.
            self.amount_input.set_amount(due if due.is_positive() else None)
        change = sale.change
        self.change_due.setVisible(change.is_positive())
        self.change_due.setText(f"Change due: {change.format(locale)}")
        for payment in sale.visible_payments:
            row = TenderRow(payment, locale, self)
            row.remove.clicked.connect(lambda _=False, p=payment: self._confirm_remove(p))
            self.tenders_box.addWidget(row)
            self.tender_rows.append(row)
        self._show_tip(sale)
        self._label_quick_cash(sale.currency)

    def _label_quick_cash(self, currency: str) -> None:
        for minor, button in zip(QUICK_CASH, self.quick_buttons, strict=True):
            amount = Money(minor, currency)
            button.setText(amount.format(self._locale).replace(".00", ""))
            button.setAccessibleName(f"Cash {amount.format(self._locale)}")

    def _show_tip(self, sale: Sale | None) -> None:
        """The preset the sale's tip came from shows checked (none for a custom tip); after
        the first tender the tip is fixed, and the line under it says so."""
        preset = sale.tip_preset if sale is not None else None
        for percent, button in self.tip_buttons.items():
            button.setChecked(percent == preset)
        editable = sale is None or not sale.has_payments
        for button in (*self.tip_buttons.values(), self.tip_apply):
            button.setEnabled(editable)
        self.tip_input.setEnabled(editable)
        self._tip_slot.setCurrentIndex(0 if editable else 1)

    def _set_busy(self, busy: bool) -> None:
        for button in (self.cash_button, self.card_button, self.gift_card_button):
            button.setEnabled(not busy)

    def _show_error(self, message: str) -> None:
        if self.partial_dialog is not None and self.partial_dialog.isVisible():
            self.partial_dialog.show_error(message)
        elif self.gift_card_dialog is not None and self.gift_card_dialog.isVisible():
            self.gift_card_dialog.show_error(message)
        elif self.isVisible():
            self.banner.show_message(message)

    # -- input -------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Pay opens with the ring on Amount, where the keypad types."""
        super().showEvent(event)
        self.amount_input.setFocus(Qt.FocusReason.OtherFocusReason)

    def _keypad_field(self) -> AmountField:
        """The field showing focus; with none, the amount, which then shows it."""
        if self.tip_input.hasFocus() and self.tip_input.isEnabled():
            return self.tip_input
        if not self.amount_input.hasFocus():
            self.amount_input.setFocus(Qt.FocusReason.OtherFocusReason)
        return self.amount_input

    def _set_tip_percent(self, percent: int) -> None:
        # The tap toggled the button; the sale, when it comes back, says which is selected.
        self._show_tip(self.sale)
        self.amount_input.release()  # the amount follows the new due
        self._presenter.set_tip_percent(percent)

    def _apply_tip(self) -> None:
        self.banner.clear()
        self._presenter.set_tip_amount(self.tip_input.text())
        self.tip_input.set_amount(None)
        self.amount_input.release()  # the amount follows the new due
        # The ring goes where the keypad types next.
        self.amount_input.setFocus(Qt.FocusReason.OtherFocusReason)

    def _tender_text(self) -> str:
        """The amount to take; handed over, it is the app's again (see AmountField.release)."""
        text = self.amount_input.text()
        self.amount_input.release()
        return text

    def _fill_due(self) -> None:
        if self.sale is not None:
            self.amount_input.set_amount(self.sale.amount_due)

    def _quick_cash(self, minor: int) -> None:
        if self.sale is not None:
            self.amount_input.set_amount(Money(minor, self.sale.currency))
            self._take_cash()

    # -- tenders -----------------------------------------------------------------------------

    def _take_cash(self) -> None:
        self.banner.clear()
        self._presenter.take_cash(self._tender_text())

    def _take_other(self, name: str) -> None:
        self.banner.clear()
        self._presenter.take_other(name, self._tender_text())

    def _take_card(self) -> None:
        self.banner.clear()
        amount_text = self._tender_text()
        dialog = CardReferenceDialog(amount_text, self)
        dialog.accepted.connect(
            lambda: self._presenter.take_card(amount_text, dialog.reference.text())
        )
        self._track(dialog)
        self.card_dialog = dialog
        dialog.open()

    def _take_gift_card(self, number: str = "") -> None:
        """Open the Gift Card tender for the amount; ``number``: a card scanned on Pay before
        Gift Card was tapped, filled in for the cashier to confirm with OK."""
        self.banner.clear()
        refusal = self._presenter.gift_card_tender_refusal()
        if refusal:
            self.banner.show_message(refusal)
            return
        amount = self.amount_input.amount()
        if amount is None or not amount.is_positive():
            self.banner.show_message("Enter the amount to take from the gift card.")
            return
        dialog = GiftCardDialog(
            amount,
            self._tender_text(),
            self._locale,
            self,
            offer_email=self._find_by_email is not None,
        )
        dialog.submitted.connect(self._submit_gift_card)
        dialog.find_by_email_requested.connect(lambda: self._open_find_by_email(amount))
        self._track(dialog)
        self.gift_card_dialog = dialog
        dialog.open()
        dialog.number_input.setFocus()
        if number:
            dialog.prefill(number)

    def _open_find_by_email(self, amount: Money) -> None:
        make = self._find_by_email
        dialog = make(amount, self) if make is not None else None
        if dialog is None:
            return
        if self.gift_card_dialog is not None:
            self.gift_card_dialog.reject()
        dialog.paid.connect(self._presenter.paid_by_code)
        self._track(dialog)
        self.email_dialog = dialog
        dialog.open()
        dialog.email_input.setFocus()

    def _submit_gift_card(self, number: str, amount_text: str) -> None:
        if self.gift_card_dialog is not None:
            self.gift_card_dialog.set_busy(True)
        self._presenter.pay_with_gift_card(number, amount_text)

    def accept_scan(self, code: str) -> bool:
        """A scan while the Gift Card tender waits for a card fills it in. A gift card scanned
        on Pay before Gift Card was tapped opens the tender with the number in, for OK (or
        says why it cannot); anything else (an item) is not ours."""
        dialog = self.gift_card_dialog
        if dialog is not None and dialog.isVisible():
            dialog.fill_scanned(code)
            return True
        if not self.isVisible() or not self._presenter.is_card_number(code):
            return False
        if QApplication.activeModalWidget() is not None:
            return True  # another step (card, partial redeem, e-mail) is open: finish it first
        if not self.gift_card_button.isEnabled():
            self.banner.show_message(WAIT_FOR_TENDER)
            return True
        self._take_gift_card(code)
        return True

    def _gift_card_paid(self, paid: GiftCardPaid, confirmation: str) -> None:
        partial = self.partial_dialog
        if partial is not None and partial.isVisible():
            partial.show_paid(paid)
        if self.gift_card_dialog is not None and self.gift_card_dialog.isVisible():
            self.gift_card_dialog.accept()
        self.banner.show_message(confirmation, "info")

    def _open_partial(self, partial: PartialRedeem) -> None:
        if self.gift_card_dialog is not None:
            self.gift_card_dialog.accept()
        dialog = PartialRedeemDialog(partial, self._locale, self)
        dialog.confirmed.connect(self._presenter.confirm_partial)
        self._track(dialog)
        self.partial_dialog = dialog
        dialog.open()
        dialog.amount_input.setFocus()

    def _track(self, dialog: QDialog) -> None:
        """Forget a dialog once it closes, so nothing reaches a deleted one."""

        def closed() -> None:
            for name in ("gift_card_dialog", "partial_dialog", "card_dialog", "email_dialog"):
                if getattr(self, name) is dialog:
                    setattr(self, name, None)
            dialog.deleteLater()

        dialog.finished.connect(closed)

    def _confirm_remove(self, payment: Payment) -> None:
        question = f"Remove the {payment.label} payment of {payment.covered.format(self._locale)}?"
        if payment.kind is TenderKind.GIFT_CARD:
            question += " The gift card gets its money back."
        self.remove_dialog = ask(
            self, question, "Remove payment", lambda: self._presenter.remove_payment(payment.id)
        )

    def reset(self) -> None:
        for dialog in (self.gift_card_dialog, self.partial_dialog, self.card_dialog):
            if dialog is not None and dialog.isVisible():
                dialog.reject()
        if self.email_dialog is not None:
            self.email_dialog.abandon()  # refuses no lock, even with a verify unanswered
        self.banner.clear()
        self.show_sale(None)
