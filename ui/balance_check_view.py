"""Checkout tab, first part: "Gift card balance" — scan or type a number, see the card.

The full number is on screen only while it is typed; once the card is found the input is
cleared and the card is shown masked.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.catalog import StoreRules
from pos_desktop.services.results import DEFAULT_STORE_RULES, CardSummary
from ui.card_display import STATUS_HINTS, status_label
from ui.presenters.card_lookup import BalanceCheckPresenter
from ui.widgets.banner import Banner, message_room
from ui.widgets.card_number_input import card_number_input
from ui.widgets.keypad import Keypad
from ui.widgets.touch import make_touchable, name_widget


class BalanceCheckView(QWidget):
    def __init__(self, presenter: BalanceCheckPresenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("balanceCheckView")
        self._presenter = presenter
        self._profile = DEFAULT_STORE_RULES
        self._card: CardSummary | None = None

        row = QHBoxLayout(self)
        row.setContentsMargins(32, 28, 32, 28)
        row.setSpacing(40)
        row.addLayout(self._build_lookup(), 3)
        row.addWidget(self._build_keypad(), 2, Qt.AlignmentFlag.AlignTop)

        presenter.card_found.connect(self._show_card)
        presenter.failed.connect(self._show_error)
        presenter.busy_changed.connect(self._set_busy)

    def _build_lookup(self) -> QVBoxLayout:
        """Left: the number, Check, and the card found."""
        title = QLabel("Gift card balance", self)
        title.setProperty("heading", True)
        hint = QLabel("Scan the card or type its 16-digit number.", self)
        hint.setProperty("hint", True)
        hint.setWordWrap(True)

        self.number_input = card_number_input(self, "balanceCardNumberInput")
        self.number_input.returnPressed.connect(self._check)

        self.check_button = QPushButton("Check", self)
        name_widget(self.check_button, "checkBalanceButton", "Check balance")
        self.check_button.setProperty("role", "primary")
        make_touchable(self.check_button, 1.25)
        self.check_button.setMinimumWidth(160)
        self.check_button.clicked.connect(self._check)

        self.banner = Banner("cardErrorBanner", "Card message", self)
        self.busy_label = QLabel("Looking up the card…", self)
        self.busy_label.setObjectName("cardBusy")
        self.busy_label.hide()

        self.result = self._build_result_panel()
        self.result.hide()

        entry = QHBoxLayout()
        entry.setSpacing(12)
        entry.addWidget(self.number_input, 1)
        entry.addWidget(self.check_button)

        left = QVBoxLayout()
        left.setSpacing(16)
        left.addWidget(title)
        left.addWidget(hint)
        left.addLayout(entry)
        # A refusal or "Looking up the card…" in room kept for two lines: the card shown
        # stays where it is while the next one is looked up.
        left.addWidget(message_room(self, "cardMessageRoom", self.banner, self.busy_label))
        left.addWidget(self.result)
        left.addStretch(1)
        return left

    def _build_keypad(self) -> Keypad:
        keypad = Keypad(
            self, enter_label="Check", enter_accessible_name="Check balance", key_scale=1.3
        )
        keypad.setObjectName("cardKeypad")
        keypad.setMaximumWidth(360)
        keypad.digit_pressed.connect(self.number_input.insert)
        keypad.backspace_pressed.connect(self.number_input.backspace)
        keypad.clear_pressed.connect(self.number_input.clear)
        keypad.enter_pressed.connect(self._check)
        self.keypad = keypad
        return keypad

    def _build_result_panel(self) -> QFrame:
        panel = QFrame(self)
        panel.setObjectName("cardResult")
        panel.setProperty("card", True)
        self.result_number = QLabel(panel)
        self.result_number.setObjectName("cardResultNumber")
        self.result_status = QLabel(panel)
        self.result_status.setObjectName("cardResultStatus")
        self.result_status.setProperty("chip", True)
        self.result_status_hint = QLabel(panel)
        self.result_status_hint.setObjectName("cardResultStatusHint")
        self.result_status_hint.setProperty("hint", True)
        self.result_status_hint.setWordWrap(True)
        balance_caption = QLabel("Balance", panel)
        balance_caption.setProperty("caption", True)
        balance_caption.setContentsMargins(0, 10, 0, 0)
        self.result_balance = QLabel(panel)
        self.result_balance.setObjectName("cardResultBalance")
        self.result_details = QLabel(panel)
        self.result_details.setObjectName("cardResultDetails")
        self.result_details.setProperty("hint", True)
        self.result_details.setWordWrap(True)

        grid = QGridLayout(panel)
        grid.setContentsMargins(24, 20, 24, 20)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(8)
        grid.addWidget(self.result_number, 0, 0)
        grid.addWidget(self.result_status, 0, 1, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.result_status_hint, 1, 0, 1, 2)
        grid.addWidget(balance_caption, 2, 0, 1, 2)
        grid.addWidget(self.result_balance, 3, 0, 1, 2)
        grid.addWidget(self.result_details, 4, 0, 1, 2)
        return panel

    def set_store(self, profile: StoreRules) -> None:
        self._profile = profile
        if self._card is not None:
            self._show_card(self._card)

    def reset(self) -> None:
        self._presenter.reset()
        self._card = None
        self.number_input.clear()
        self.banner.clear()
        self.result.hide()

    def fill_scanned(self, code: str) -> None:
        """A scanned card number: shown while it is checked, as if typed."""
        self.number_input.setText(code)
        self._check()

    def _check(self) -> None:
        self.banner.clear()
        self._presenter.check(self.number_input.text())

    def _show_card(self, card: CardSummary) -> None:
        self._card = card
        self.number_input.clear()
        self.banner.clear()
        locale = self._profile.locale
        self.result_number.setText(card.number_masked)
        self.result_status.setText(status_label(card.status))
        self.result_status.setProperty("status", card.status.value)
        self.result_status.style().unpolish(self.result_status)
        self.result_status.style().polish(self.result_status)
        self.result_status_hint.setText(STATUS_HINTS[card.status])
        self.result_balance.setText(card.balance.format(locale))
        recipient = card.recipient_name or card.recipient_email or "no recipient"
        self.result_details.setText(
            f"For {recipient} · first loaded with {card.initial_amount.format(locale)}"
        )
        self.result.show()

    def _show_error(self, message: str) -> None:
        self._card = None
        self.result.hide()
        self.banner.show_message(message, "error")
        self.number_input.setFocus()
        self.number_input.selectAll()

    def _set_busy(self, busy: bool) -> None:
        self.busy_label.setVisible(busy)
        self.check_button.setEnabled(not busy)
        self.keypad.enter_key.setEnabled(not busy)
