"""Deduct Funds (seed 000) beside the card it deducts from: the amount on a keypad, then the
code the customer reads out, tapped on a keypad too. Pages follow the presenter's steps."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.deduction import CODE_LENGTH, ensure_deductible
from pos_desktop.domain.errors import CardNotRedeemable
from pos_desktop.domain.money import Money
from pos_desktop.services.results import DEFAULT_STORE_RULES, CardSummary, CodeSent, Deducted
from ui.presenters.deduction import DeductionPresenter, Step, attempts_text
from ui.widgets.amount_field import AmountField
from ui.widgets.banner import Banner, lay_over_top
from ui.widgets.keypad import Keypad
from ui.widgets.touch import make_touchable, name_widget, touch_button

NO_CARD_TEXT = "Find a card and tap it to deduct funds from it."


def _label(parent: QWidget, object_name: str, *, hint: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(object_name)
    label.setWordWrap(True)
    if hint:
        label.setProperty("hint", True)
    return label


class DeductFundsPanel(QFrame):
    """Emits ``deducted`` once the money has left the card, so the window refreshes the card."""

    deducted = Signal(object)  # Deducted
    busy_changed = Signal(bool)

    def __init__(self, presenter: DeductionPresenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name_widget(self, "deductFundsPanel", "Deduct Funds")
        self.setProperty("card", True)
        self._presenter = presenter
        self._profile: StoreRules = DEFAULT_STORE_RULES
        self._card: CardSummary | None = None
        self._deductible = False
        self._resend_wait = 0

        self.title = QLabel("Deduct Funds", self)
        self.title.setProperty("heading", True)
        self.title.setObjectName("deductTitle")
        # Over the title and the step's first lines, not in the layout: a refusal or a wrong
        # code moves no key of the keypad under the cashier's finger.
        self.banner = Banner("deductBanner", "Deduct Funds message", self, dismissible=True)
        lay_over_top(self.banner, self)
        self.busy_label = QLabel(self)
        self.busy_label.setObjectName("deductBusy")
        self.busy_label.setProperty("busy", True)
        # "Sending the code…" in the heading's place while the server is asked, in room as tall
        # as the heading: no key below moves when it comes or goes.
        heading = QWidget(self)
        heading.setObjectName("deductHeading")
        self._heading = QStackedLayout(heading)
        self._heading.setContentsMargins(0, 0, 0, 0)
        self._heading.addWidget(self.title)
        self._heading.addWidget(self.busy_label)

        self.pages = QStackedWidget(self)
        self.pages.setObjectName("deductPages")
        self.amount_page = self._build_amount_page()
        self.code_page = self._build_code_page()
        self.done_page = self._build_done_page()
        for page in (self.amount_page, self.code_page, self.done_page):
            self.pages.addWidget(page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(6)
        layout.addWidget(heading)
        layout.addWidget(self.pages, 1)

        presenter.step_changed.connect(self._show_step)
        presenter.code_sent.connect(self._show_code_sent)
        presenter.deducted.connect(self._show_deducted)
        presenter.refused.connect(self._show_refused)
        presenter.wrong_code.connect(self._show_wrong_code)
        presenter.ended.connect(self._show_ended)
        presenter.unanswered.connect(self._show_unanswered)
        presenter.countdown_changed.connect(self._show_countdown)
        presenter.busy_changed.connect(self._set_busy)
        self.show_card(None)

    # -- pages ---------------------------------------------------------------------------------

    def _build_amount_page(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("deductAmountPage")
        self.amount_hint = _label(page, "deductAmountHint", hint=True)
        self.amount_input = AmountField("deductAmountInput", "Amount to deduct", page)
        self.amount_input.setPlaceholderText("0.00")
        self.amount_input.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount_input.returnPressed.connect(self._request_code)
        self.amount_input.edited.connect(self.banner.clear)  # what it said is about an old amount
        self.amount_keypad = Keypad(page, key_scale=1.1, with_enter=False)
        self.amount_keypad.setObjectName("deductAmountKeypad")
        self.amount_keypad.digit_pressed.connect(self._amount_digit)
        self.amount_keypad.backspace_pressed.connect(self.amount_input.press_backspace)
        self.amount_keypad.clear_pressed.connect(self.amount_input.press_clear)
        self.deduct_button = touch_button(
            "Deduct Funds",
            "deductFundsButton",
            "Deduct Funds: e-mail a code",
            page,
            role="primary",
            scale=1.15,
        )
        self.deduct_button.clicked.connect(self._request_code)
        self.cancel_request_button = touch_button(
            "Cancel",
            "cancelRequestButton",
            "Cancel the request for a code",
            page,
            role="secondary",
            scale=1.15,
        )
        self.cancel_request_button.clicked.connect(self._start_over)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.amount_hint)
        layout.addLayout(self.amount_input.with_message())  # a capped digit says so here
        layout.addWidget(self.amount_keypad, 1)
        layout.addWidget(self.deduct_button)
        layout.addWidget(self.cancel_request_button)
        return page

    def _build_code_page(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("deductCodePage")
        self.sent_to_label = _label(page, "codeSentTo", hint=True)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.sent_to_label)
        layout.addLayout(self._build_code_status(page))
        layout.addWidget(self._build_code_entry(page))
        layout.addWidget(self.code_keypad, 1)
        for button in self._build_code_steps(page):
            layout.addWidget(button)
        layout.addLayout(self._build_code_actions(page))
        return page

    def _build_code_status(self, page: QWidget) -> QHBoxLayout:
        """How long the code holds, and how many attempts are left."""
        self.countdown_label = QLabel(page)
        name_widget(self.countdown_label, "codeCountdown", "Time left for the code")
        self.countdown_label.setProperty("caption", True)
        self.attempts_label = QLabel(page)
        name_widget(self.attempts_label, "attemptsLeft", "Attempts left")
        self.attempts_label.setProperty("caption", True)
        self.attempts_label.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        # Both wrap rather than be cut in the narrow panel; the countdown keeps the more room.
        status = QHBoxLayout()
        for label, stretch in ((self.countdown_label, 3), (self.attempts_label, 2)):
            label.setWordWrap(True)
            status.addWidget(label, stretch)
        return status

    def _build_code_entry(self, page: QWidget) -> QLineEdit:
        """The code the customer reads out, tapped on its keypad."""
        self.code_input = QLineEdit(page)
        name_widget(self.code_input, "codeInput", "6-digit code")
        self.code_input.setPlaceholderText("6-digit code")
        self.code_input.setMaxLength(CODE_LENGTH)
        self.code_input.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_input.setValidator(QRegularExpressionValidator(r"[0-9]{0,6}", self.code_input))
        self.code_input.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        make_touchable(self.code_input, 1.15)
        self.code_input.returnPressed.connect(self._verify)
        self.code_keypad = Keypad(page, key_scale=1.0, with_enter=False)
        self.code_keypad.setObjectName("codeKeypad")
        self.code_keypad.digit_pressed.connect(self.code_input.insert)
        self.code_keypad.backspace_pressed.connect(self.code_input.backspace)
        self.code_keypad.clear_pressed.connect(self.code_input.clear)
        return self.code_input

    def _build_code_steps(self, page: QWidget) -> tuple[QPushButton, ...]:
        """Verify; or, when the server did not answer, Try again; or, once ended, Start over."""
        self.verify_button = touch_button(
            "Verify code",
            "verifyCodeButton",
            "Verify the code and deduct",
            page,
            role="primary",
        )
        self.verify_button.clicked.connect(self._verify)
        self.try_again_button = touch_button(
            "Try again",
            "tryAgainButton",
            "Send the same request again",
            page,
            role="primary",
            scale=1.15,
        )
        self.try_again_button.clicked.connect(self._try_again)
        self.start_over_button = touch_button(
            "Start over",
            "startOverButton",
            "Start the deduction over",
            page,
            role="primary",
            scale=1.15,
        )
        self.start_over_button.clicked.connect(self._start_over)
        return (self.verify_button, self.try_again_button, self.start_over_button)

    def _build_code_actions(self, page: QWidget) -> QHBoxLayout:
        self.resend_button = touch_button(
            "Resend code", "resendCodeButton", "Resend code", page, role="secondary"
        )
        self.resend_button.clicked.connect(self._resend)
        self.cancel_button = touch_button(
            "Cancel",
            "cancelDeductionButton",
            "Cancel the deduction",
            page,
            role="secondary",
        )
        self.cancel_button.clicked.connect(self._presenter.cancel)
        actions = QHBoxLayout()
        actions.setSpacing(10)
        for button in (self.cancel_button, self.resend_button):
            button.setProperty("compact", True)  # "Resend in 30 s" whole in a narrow panel
            actions.addWidget(button)
        return actions

    def _build_done_page(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("deductDonePage")
        self.done_label = _label(page, "deductedSummary")
        self.new_balance_label = QLabel(page)
        name_widget(self.new_balance_label, "deductNewBalance", "New balance")
        self.new_balance_label.setWordWrap(True)  # large type in a narrow panel
        self.done_note = _label(page, "deductDoneNote", hint=True)
        self.done_note.setText(
            "The buyer gets an e-mail with the amount deducted and the remaining balance."
        )
        self.done_button = touch_button(
            "Done", "deductDoneButton", "Done", page, role="primary", scale=1.15
        )
        self.done_button.clicked.connect(self._start_over)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.done_label)
        layout.addWidget(self.new_balance_label)
        layout.addWidget(self.done_note)
        layout.addStretch(1)
        layout.addWidget(self.done_button)
        return page

    # -- the card ------------------------------------------------------------------------------

    def set_store(self, profile: StoreRules) -> None:
        self._profile = profile
        if not self.in_flow:
            self.show_card(self._card)

    @property
    def card(self) -> CardSummary | None:
        return self._card

    @property
    def in_flow(self) -> bool:
        """A code is out, or an answer is awaited: the card may not change under it."""
        presenter = self._presenter
        return presenter.step is Step.CODE or presenter.can_retry or presenter.busy

    def show_card(self, card: CardSummary | None) -> None:
        """The card to deduct from (None: nothing chosen); starts again at the amount."""
        self._card = card
        self._presenter.reset()
        self.banner.clear()
        self.title.setText("Deduct Funds")
        self.amount_input.set_amount(None)
        self._describe(card)

    def suggest_amount(self, amount: Money) -> None:
        """Start with ``amount`` typed (at checkout: what is due, up to the balance)."""
        if self._deductible and amount.is_positive():
            self.amount_input.set_amount(amount)

    def refresh_card(self, card: CardSummary) -> None:
        """The same card, fresher (its history arrived, or a deduction changed it): what the
        cashier is doing stays; the amount's cap follows the new balance (an amount typed above
        a balance that fell comes down to it, and the field says so)."""
        if self._card is None or self._card.id != card.id:
            return
        self._card = card
        if self._presenter.step is not Step.AMOUNT or self.in_flow:
            return
        self.banner.clear()
        self._describe(card)

    def _describe(self, card: CardSummary | None) -> None:
        self._deductible = False
        if card is None:
            self.amount_hint.setText(NO_CARD_TEXT)
        else:
            locale = self._profile.locale
            balance = card.balance
            self.amount_input.set_currency(balance.currency)
            self.amount_input.set_cap(balance, f"Capped at the balance, {balance.format(locale)}.")
            self.amount_hint.setText(
                f"Card {card.number_masked}, balance {balance.format(locale)}. "
                "Tap the amount to deduct."
            )
            try:
                ensure_deductible(card.status)
            except CardNotRedeemable as exc:
                self.amount_hint.setText(f"Card {card.number_masked}.")
                self.banner.show_message(exc.message, "error")
            else:
                if balance.is_positive():
                    self._deductible = True
                else:
                    self.banner.show_message("This card has no balance left.", "info")
        self._refresh()

    def reset(self) -> None:
        self.show_card(None)

    # -- actions -------------------------------------------------------------------------------

    def _amount_digit(self, digit: str) -> None:
        self.banner.clear()
        self.amount_input.press_digit(digit)

    def _request_code(self) -> None:
        if self._card is None or not self.deduct_button.isEnabled():
            return
        self.banner.clear()
        if self._presenter.can_retry:
            self._presenter.try_again()
            return
        self._presenter.request_code(self._card, self.amount_input.amount(), self._profile.locale)

    def _verify(self) -> None:
        if not (self.verify_button.isVisible() and self.verify_button.isEnabled()):
            return
        self.banner.clear()
        self._presenter.verify(self.code_input.text())

    def _try_again(self) -> None:
        self.banner.clear()
        self._presenter.try_again()

    def _resend(self) -> None:
        self.banner.clear()
        self._presenter.resend()

    def _start_over(self) -> None:
        self.show_card(self._card)

    # -- answers -------------------------------------------------------------------------------

    def _show_step(self, step: str) -> None:
        if step == Step.AMOUNT:
            self.pages.setCurrentWidget(self.amount_page)
        elif step == Step.DONE:
            self.pages.setCurrentWidget(self.done_page)
        else:
            self.pages.setCurrentWidget(self.code_page)
        if step == Step.ENDED:
            self.attempts_label.clear()
            self.countdown_label.setText("Transaction cancelled")
        self._refresh()

    def _show_code_sent(self, sent: CodeSent) -> None:
        locale = self._profile.locale
        self.title.setText(f"Deduct {sent.amount.format(locale)}")
        self.sent_to_label.setText(f"Code e-mailed to {sent.sent_to}.")
        self.attempts_label.setText(attempts_text(sent.attempts_left))
        self.code_input.clear()
        self._refresh()
        self.code_input.setFocus()

    def _show_countdown(self, text: str, expired: bool, resend_wait: int) -> None:
        self._resend_wait = resend_wait
        self.countdown_label.setText("Code expired" if expired else f"Code valid for {text}")
        self.countdown_label.setAccessibleDescription(self.countdown_label.text())
        self.resend_button.setText(
            f"Resend in {resend_wait} s" if resend_wait > 0 else "Resend code"
        )
        self._refresh()

    def _show_wrong_code(self, message: str, attempts_left: int) -> None:
        self.attempts_label.setText(attempts_text(attempts_left))
        self.code_input.clear()
        self.banner.show_message(message, "error")

    def _show_ended(self, message: str) -> None:
        self.banner.show_message(message, "error")
        self._refresh()

    def _show_unanswered(self, message: str) -> None:
        self.banner.show_message(message, "error")
        self._refresh()

    def _show_refused(self, message: str) -> None:
        self.banner.show_message(message, "error")

    def _show_deducted(self, done: Deducted) -> None:
        locale = self._profile.locale
        self.title.setText("Funds deducted")
        self.done_label.setText(
            f"{done.amount.format(locale)} was deducted from card {done.card.number_masked}."
        )
        self.new_balance_label.setText(f"New balance: {done.balance_after.format(locale)}")
        self.banner.clear()
        self.deducted.emit(done)

    def _set_busy(self, busy: bool) -> None:
        self.busy_label.setText(
            "Sending the code…"
            if self._presenter.step is Step.AMOUNT
            else "Checking with the server…"
        )
        self._heading.setCurrentWidget(self.busy_label if busy else self.title)
        self._refresh()
        self.busy_changed.emit(busy)

    def _refresh(self) -> None:
        """Which controls show and work follows from the step, the worker and the card."""
        presenter = self._presenter
        busy = presenter.busy
        retry = presenter.can_retry
        step = presenter.step
        # Step 1: once a request is out, its amount is fixed until the server answers.
        amount_open = self._deductible and not busy and not retry
        self.amount_input.setEnabled(amount_open)
        self.amount_keypad.setEnabled(amount_open)
        self.deduct_button.setEnabled(self._deductible and not busy)
        self.deduct_button.setText("Try again" if retry and step is Step.AMOUNT else "Deduct Funds")
        self.cancel_request_button.setVisible(retry and step is Step.AMOUNT)
        self.cancel_request_button.setEnabled(not busy)
        # Steps 2-3.
        live = step is Step.CODE and not retry
        self.code_input.setEnabled(live and not busy)
        self.code_keypad.setEnabled(live and not busy)
        for button in (self.verify_button, self.resend_button, self.cancel_button):
            button.setVisible(live)
        self.verify_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        self.resend_button.setEnabled(not busy and self._resend_wait == 0)
        self.try_again_button.setVisible(step is Step.CODE and retry)
        self.try_again_button.setEnabled(not busy)
        self.start_over_button.setVisible(step is Step.ENDED)
