"""The cash-out offer: a gift-card payment left the card a balance under the store's cash-out
limit (e.g. California's $10), so the register offers it in cash. The customer may decline;
accepted, the server takes the balance off the card, the drawer opens, and the register
counts the cash paid out."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from pos_desktop.domain.money import Money
from pos_desktop.services.refund_results import CashedOut, CashOutOffer
from ui.presenters.refunds import RefundPresenter
from ui.widgets.banner import Banner, message_room
from ui.widgets.form_fields import caption
from ui.widgets.touch import name_widget, touch_button

TITLE = "Cash out the card"
DIALOG_WIDTH_PX = 620
NO_DRAWER = "No receipt printer opens the drawer here: open it with the key."


def offer_words(offer: CashOutOffer, below: Money | None, locale: str) -> str:
    limit = f" of {below.format(locale)}" if below is not None else ""
    return (
        f"Gift card {offer.masked} has {offer.balance.format(locale)} left, under the store's "
        f"cash-out limit{limit}. The customer may take it in cash, or keep it on the card."
    )


class CashOutDialog(QDialog):
    def __init__(
        self,
        offer: CashOutOffer,
        presenter: RefundPresenter,
        below: Money | None,
        locale: str,
        parent: QWidget,
    ) -> None:
        """``below``: the store's cash-out limit, said to the cashier."""
        super().__init__(parent)
        name_widget(self, "cashOutDialog", TITLE)
        self.setWindowTitle(TITLE)
        self.setModal(True)
        self.setFixedWidth(DIALOG_WIDTH_PX)
        self._offer = offer
        self._presenter = presenter
        self._locale = locale
        amount = offer.balance.format(locale)
        self.title = QLabel(f"Cash out {amount}?", self)
        self.title.setObjectName("cashOutTitle")
        self.title.setProperty("heading", True)
        self.words = caption(offer_words(offer, below, locale), self)
        self.words.setObjectName("cashOutWords")
        self.banner = Banner("cashOutBanner", "Cash-out message", self)
        self.busy = QLabel("Asking the server…", self)
        self.busy.setObjectName("cashOutBusy")
        self.busy.setProperty("busy", True)
        self.busy.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(14)
        layout.addWidget(self.title)
        layout.addWidget(self.words)
        layout.addWidget(message_room(self, "cashOutMessageRoom", self.banner, self.busy))
        layout.addLayout(self._build_buttons(amount))
        presenter.cashed_out.connect(self._cashed_out)
        presenter.cash_out_refused.connect(self._refused)
        presenter.cash_out_unsettled.connect(self._unsettled)
        presenter.busy_changed.connect(self._set_busy)
        self.finished.connect(self._let_go)

    def _build_buttons(self, amount: str) -> QHBoxLayout:
        """Keep it on the card, or take it in cash: the customer's choice."""
        self.decline_button = touch_button(
            "Keep it on the card",
            "cashOutDecline",
            "Keep the balance on the card",
            self,
            role="secondary",
            scale=1.5,
        )
        self.decline_button.clicked.connect(self.reject)
        self.accept_button = touch_button(
            f"Cash out {amount}", "cashOutAccept", f"Cash out {amount}", self,
            role="primary", scale=1.5,
        )  # fmt: skip
        self.accept_button.clicked.connect(self._cash_out)
        buttons = QHBoxLayout()
        buttons.addWidget(self.decline_button, 1)
        buttons.addWidget(self.accept_button, 1)
        return buttons

    def _cash_out(self) -> None:
        self.banner.clear()
        self._presenter.cash_out(self._offer)

    def _cashed_out(self, done: CashedOut) -> None:
        locale = self._locale
        self.title.setText(f"Pay out {done.amount.format(locale)}")
        words = (
            f"Give the customer {done.amount.format(locale)} from the drawer. "
            f"Gift card {done.masked} balance: {done.balance_after.format(locale)}."
        )
        self.words.setText(words if done.drawer else f"{words} {NO_DRAWER}")
        self.words.setAccessibleDescription(self.words.text())
        self.decline_button.hide()
        self.accept_button.setText("Done")
        self.accept_button.setAccessibleName("Done")
        self.accept_button.clicked.disconnect()
        self.accept_button.clicked.connect(self.accept)

    def _refused(self, message: str) -> None:
        self.banner.show_message(message)

    def _unsettled(self, message: str) -> None:
        self.banner.show_message(message)
        self.accept_button.setText("Try again")
        # No answer: the money may have left the card; the customer waits for Try again.
        self.decline_button.setEnabled(False)

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.accept_button.setEnabled(not busy)
        if self.accept_button.text() != "Try again":
            self.decline_button.setEnabled(not busy)

    def _let_go(self) -> None:
        presenter = self._presenter
        presenter.cashed_out.disconnect(self._cashed_out)
        presenter.cash_out_refused.disconnect(self._refused)
        presenter.cash_out_unsettled.disconnect(self._unsettled)
        presenter.busy_changed.disconnect(self._set_busy)
        presenter.forget()
