"""Gift Card tender, "No card? Find by e-mail": a customer who has only the e-mail pays the
ticket with the Gift Cards window's Deduct Funds flow (seed 000), the code going to the buyer.

1. The cashier types the e-mail and taps the customer's card among those found.
2. The Deduct Funds panel takes the amount (the due, capped at the balance), e-mails a code,
   and takes the code the customer reads out; the right code pays the ticket at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.deduction import ensure_deductible
from pos_desktop.domain.errors import CardNotRedeemable
from pos_desktop.domain.money import Money
from pos_desktop.services.results import CardSummary, Deducted, SearchFound, TicketDeducted
from ui.card_display import status_label
from ui.deduct_funds_panel import DeductFundsPanel
from ui.presenters.card_lookup import CardSearchPresenter, no_match_message
from ui.presenters.deduction import DeductionPresenter
from ui.widgets.banner import Banner, message_room
from ui.widgets.layouts import clear_layout
from ui.widgets.touch import enable_finger_scroll, make_touchable, name_widget, touch_button

SEARCH_HINT = "Type the e-mail the gift card was sent to (or bought with), then Search."
ONLY_EMAIL = "Type the customer's e-mail address here."


class FindByEmailDialog(QDialog):
    """Emits ``paid`` with the ticket's new gift-card tender once the code was verified."""

    paid = Signal(object)  # GiftCardPaid

    def __init__(
        self,
        search: CardSearchPresenter,
        deduction: DeductionPresenter,
        due: Money,
        rules: StoreRules,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        name_widget(self, "findByEmailDialog", "Find the gift card by e-mail")
        self.setWindowTitle("Find by e-mail")
        self.setModal(True)
        self._search = search
        self._deduction = deduction
        self._due = due
        self._rules = rules

        title = QLabel(f"Gift Card by e-mail · {due.format(rules.locale)}", self)
        title.setProperty("heading", True)
        title.setObjectName("findByEmailTitle")

        self.pages = QStackedWidget(self)
        self.search_page = self._build_search_page()
        self.panel = DeductFundsPanel(deduction, self)
        self.panel.set_store(rules)
        self.pages.addWidget(self.search_page)
        self.pages.addWidget(self.panel)

        self.back_button = touch_button(
            "Other card", "findByEmailBack", "Choose another card", self, role="secondary"
        )
        self.back_button.clicked.connect(self._back_to_search)
        self.close_button = touch_button(
            "Close", "findByEmailCancel", "Cancel paying by e-mail", self, role="secondary"
        )
        self.close_button.clicked.connect(self.reject)
        actions = QHBoxLayout()
        actions.addWidget(self.back_button)
        actions.addStretch(1)
        actions.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(self.pages, 1)
        layout.addLayout(actions)
        self.setMinimumSize(640, 720)  # the keypads need the height; a register has 800 px

        search.results_ready.connect(self._show_results)
        search.failed.connect(self._show_error)
        search.busy_changed.connect(self._refresh)
        deduction.busy_changed.connect(self._refresh)
        deduction.step_changed.connect(lambda _step: self._refresh())
        deduction.unanswered.connect(lambda _text: self._refresh())
        self.panel.deducted.connect(self._deducted)
        self._refresh()

    def _build_search_page(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("findByEmailSearchPage")
        hint = QLabel(SEARCH_HINT, page)
        hint.setProperty("hint", True)
        hint.setWordWrap(True)
        self.email_input = QLineEdit(page)
        name_widget(self.email_input, "payEmailInput", "Customer's e-mail")
        self.email_input.setPlaceholderText("name@example.com")
        make_touchable(self.email_input, 1.25)
        self.email_input.returnPressed.connect(self._run_search)
        self.search_button = touch_button(
            "Search", "payEmailSearch", "Search cards by e-mail", page, role="primary", scale=1.25
        )
        self.search_button.clicked.connect(self._run_search)
        row = QHBoxLayout()
        row.addWidget(self.email_input, 1)
        row.addWidget(self.search_button)
        # What the search said (a typing slip, no card found, a failure) in room kept for two
        # lines: the field, Search and the cards found stay under the finger, the dialog its
        # size. The Deduct Funds page has a message place of its own.
        self.banner = Banner("findByEmailBanner", "Find by e-mail message", page)
        room = message_room(page, "findByEmailMessageRoom", self.banner)
        # Many cards found scroll by finger under the search, which stays put.
        found = QWidget(page)
        self.results = QVBoxLayout(found)
        self.results.setContentsMargins(0, 0, 0, 0)
        self.results.setSpacing(8)
        self.results.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea(page)
        scroll.setObjectName("payEmailResults")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(found)
        # The page's own background shows through, as before the results scrolled.
        scroll.viewport().setAutoFillBackground(False)
        found.setAutoFillBackground(False)
        enable_finger_scroll(scroll)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(hint)
        layout.addLayout(row)
        layout.addWidget(room)
        layout.addWidget(scroll, 1)
        return page

    # -- step 1: find the card -----------------------------------------------------------------

    def _run_search(self) -> None:
        text = self.email_input.text().strip()
        self.banner.clear()
        if "@" not in text:
            self.banner.show_message(ONLY_EMAIL)
            return
        self._search.search(text)

    def _show_results(self, found: SearchFound) -> None:
        clear_layout(self.results)
        if not found.cards:
            self.banner.show_message(no_match_message(found.query), "info")
            return
        locale = self._rules.locale
        for card in found.cards:
            reason = _why_not(card)
            recipient = card.recipient_email or "no recipient e-mail"
            text = (
                f"{card.number_masked}  ·  {status_label(card.status)}  ·  "
                f"{card.balance.format(locale)}\n{reason or recipient}"
            )
            button = touch_button(
                text,
                "payEmailCard",
                f"Pay with card {card.number_masked}",
                self.search_page,
                scale=1.6,
            )
            button.setEnabled(not reason)
            button.clicked.connect(lambda _=False, chosen=card: self._choose(chosen))
            self.results.addWidget(button)

    def _show_error(self, message: str) -> None:
        self.banner.show_message(message)

    # -- step 2: Deduct Funds for this ticket ------------------------------------------------

    def _choose(self, card: CardSummary) -> None:
        self.banner.clear()
        self.panel.show_card(card)
        self.panel.suggest_amount(min(self._due, card.balance))
        self.pages.setCurrentWidget(self.panel)
        self._refresh()

    def _back_to_search(self) -> None:
        if self.panel.in_flow:
            return
        self.panel.reset()
        self.pages.setCurrentWidget(self.search_page)
        self._refresh()

    def _deducted(self, done: Deducted) -> None:
        if isinstance(done, TicketDeducted) and done.paid is not None:
            self.paid.emit(done.paid)
        self.accept()

    def _refresh(self, *_: object) -> None:
        # While a code is out (or a verify's answer is awaited) the cashier finishes or cancels
        # it on the panel: leaving here could lose sight of money that moved.
        on_panel = self.pages.currentWidget() is self.panel
        locked = on_panel and self.panel.in_flow
        self.back_button.setVisible(on_panel and not locked)
        self.close_button.setVisible(not locked)
        self.search_button.setEnabled(not self._search.busy)

    def reject(self) -> None:
        if self._deduction.outcome_unknown:
            return  # the money may have moved: only the server's answer may end this
        self._deduction.reset()
        super().reject()

    def abandon(self) -> None:
        """The register locks: close even while a verify's answer is unknown. Nothing is lost:
        the ticket's payment was stored with the verify's key and code before it was sent, and
        the ticket settles it (asks the server again) when it is opened next."""
        self._deduction.reset()
        self.done(QDialog.DialogCode.Rejected)


def _why_not(card: CardSummary) -> str:
    """Why this card cannot pay, in the cashier's words; empty when it can."""
    try:
        ensure_deductible(card.status)
    except CardNotRedeemable as exc:
        return exc.message
    if not card.balance.is_positive():
        return "no balance left"
    return ""
