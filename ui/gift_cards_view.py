"""Gift Cards tab (seed 000): find cards, see a card's status, balance and history, and
Deduct Funds by a code e-mailed to the buyer.

Search takes a recipient's or buyer's e-mail, a scanned or typed card number, or the last 4
digits. A card tapped in the results shows its details and history on the left; the Deduct
Funds panel on the right works on that card.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.card_search import SearchKind
from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.giftcard import CardStatus
from pos_desktop.services.results import (
    DEFAULT_STORE_RULES,
    CardHistory,
    CardSummary,
    Deducted,
    EgiftDelivered,
    SearchFound,
)
from ui.card_actions_bar import CardActionsBar
from ui.card_display import STATUS_HINTS, status_label
from ui.deduct_funds_panel import DeductFundsPanel
from ui.egift_action_dialog import EgiftActionDialog
from ui.presenters.card_actions import ActionResult, CardActionsPresenter, changed_card
from ui.presenters.card_lookup import CardSearchPresenter, history_rows, no_match_message
from ui.presenters.deduction import DeductionPresenter
from ui.presenters.egift_delivery import (
    NOT_SENT_YET,
    EgiftAction,
    EgiftDeliveryPresenter,
    can_resend,
    delivered_message,
    offers_actions,
)
from ui.widgets.banner import Banner, message_room
from ui.widgets.columns import WrappingDelegate, fit_columns
from ui.widgets.form_fields import caption
from ui.widgets.touch import (
    enable_finger_scroll,
    make_touchable,
    name_widget,
    touch_button,
    touch_target_px,
)

COLUMNS = ("Status", "Card", "Recipient", "Balance")
STATUS_COLUMN, CARD_COLUMN, RECIPIENT_COLUMN, BALANCE_COLUMN = range(len(COLUMNS))
# The tip (rare: a deduction paying a ticket's tip) shares the Amount column, so the history
# fits beside the Deduct Funds panel without scrolling sideways.
HISTORY_COLUMNS = ("Time", "Employee", "Activity", "Amount", "Balance", "Register", "Ticket")
(
    TIME_COLUMN,
    EMPLOYEE_COLUMN,
    KIND_COLUMN,
    AMOUNT_COLUMN,
    BALANCE_AFTER_COLUMN,
    REGISTER_COLUMN,
    TICKET_COLUMN,
) = range(len(HISTORY_COLUMNS))
_MONEY_COLUMNS = (AMOUNT_COLUMN, BALANCE_AFTER_COLUMN)
_WRAPPING_HISTORY_COLUMNS = (
    TIME_COLUMN,
    EMPLOYEE_COLUMN,
    KIND_COLUMN,
    AMOUNT_COLUMN,
    REGISTER_COLUMN,
)
RESULT_ROWS_SHOWN = 3
# The history's header and one activity of two lines.
HISTORY_MIN_PX = 88
# The keypad, and Cancel beside "Resend in 30 s", no wider: beside it on a 1024-px screen, the
# card's history needs the rest. On a wide screen the panel takes a quarter, up to its maximum.
DEDUCT_PANEL_WIDTH = 330
DEDUCT_PANEL_MAX_WIDTH = 440
FINISH_DEDUCTION_FIRST = "Finish or cancel the deduction on the right first."
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

# Text colours with at least 4.5:1 contrast on white (WCAG AA).
_STATUS_COLOURS = {
    CardStatus.PENDING: "#8a5300",
    CardStatus.ACTIVE: "#146c2e",
    CardStatus.USED: "#1f4f99",
    CardStatus.BLOCKED: "#b3261e",
    CardStatus.VOIDED: "#5f6368",
}


class _TouchRowDelegate(QStyledItemDelegate):
    """Rows as tall as a touch target, so a finger selects the row it means."""

    def __init__(self, row_height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._row_height = row_height

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), max(hint.height(), self._row_height))


class GiftCardsView(QWidget):
    def __init__(
        self,
        presenter: CardSearchPresenter,
        deduction: DeductionPresenter,
        parent: QWidget | None = None,
        *,
        egift: EgiftDeliveryPresenter | None = None,
        actions: CardActionsPresenter | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("giftCardsView")
        self._presenter = presenter
        self._egift = egift
        self._actions = actions
        # The full number the search was by: the card is at the counter (a cash-out's proof).
        self._counter_number: str | None = None
        self._manager = False
        self._egift_dialog: QDialog | None = None
        self._shown_card: CardSummary | None = None
        self._profile = DEFAULT_STORE_RULES
        self._cards: tuple[CardSummary, ...] = ()
        self._history: CardHistory | None = None

        self.deduct_panel = DeductFundsPanel(deduction, self)
        self.deduct_panel.setMinimumWidth(DEDUCT_PANEL_WIDTH)
        self.deduct_panel.setMaximumWidth(DEDUCT_PANEL_MAX_WIDTH)
        self.deduct_panel.deducted.connect(self._deducted)
        self.deduct_panel.busy_changed.connect(lambda _busy: self._lock_search())
        deduction.step_changed.connect(lambda _step: self._lock_search())
        deduction.card_changed.connect(self._reload_card)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(16)
        layout.addLayout(self._build_card_column(), 3)
        layout.addWidget(self.deduct_panel, 1)  # wider keys where the screen has room

        presenter.results_ready.connect(self._show_results)
        presenter.card_loaded.connect(self._show_history)
        presenter.failed.connect(self._show_error)
        presenter.busy_changed.connect(self._set_busy)
        presenter.history_busy_changed.connect(self._set_history_busy)
        if egift is not None:
            egift.done.connect(self._egift_done)

    # -- building ------------------------------------------------------------------------------

    def _build_card_column(self) -> QVBoxLayout:
        """Left: the search, the cards found, the card open and its history."""
        # The tab says "Gift Cards"; the room a heading would take goes to the history.
        self.banner = Banner("searchBanner", "Search message", self)
        self.busy_label = QLabel("Searching…", self)
        self.busy_label.setObjectName("searchBusy")
        self.busy_label.hide()
        # A refusal, "no card found", "Searching…" or "Loading the card's history…" in room
        # kept for two lines, where the hint is: the search, the cards found, the card open and
        # its history stay under the finger when one comes or goes. A banner hides the hint.
        room = message_room(self, "searchMessageRoom", self.banner, self.busy_label)
        self.hint = QLabel(
            "Search by recipient or buyer e-mail, card number or last 4 digits.", room
        )
        self.hint.setObjectName("searchHint")
        self.hint.setProperty("hint", True)
        self.hint.setWordWrap(True)
        under = QVBoxLayout(room)
        under.setContentsMargins(0, 0, 0, 0)
        under.addWidget(self.hint, 0, Qt.AlignmentFlag.AlignBottom)
        self.banner.installEventFilter(self)
        self.results = self._build_results()
        self.results.hide()
        self.card_info = self._build_card_info()
        self.card_info.hide()
        self.history_label = caption("Transaction history", self, wrap=False)
        self.history_label.setWordWrap(True)
        self.history_label.hide()
        self.history = self._build_history()
        self.history.hide()

        left = QVBoxLayout()
        left.setSpacing(6)
        left.addWidget(room)
        left.addLayout(self._build_search())
        left.addWidget(self.results)
        left.addWidget(self.card_info)
        left.addWidget(self.history_label)
        left.addWidget(self.history, 1)
        left.addStretch(0)
        self._left = left
        return left

    def _build_search(self) -> QHBoxLayout:
        self.email_input = QLineEdit(self)
        name_widget(self.email_input, "emailSearchInput", "E-mail, card number or last 4 digits")
        self.email_input.setPlaceholderText("E-mail or card number")
        self.email_input.setMaxLength(254)
        make_touchable(self.email_input, 1.15)
        self.email_input.returnPressed.connect(self._search)
        self.search_button = QPushButton("Search", self)
        name_widget(self.search_button, "emailSearchButton", "Search gift cards")
        self.search_button.setProperty("role", "primary")
        make_touchable(self.search_button, 1.15)
        self.search_button.setMinimumWidth(150)
        self.search_button.clicked.connect(self._search)
        entry = QHBoxLayout()
        entry.setSpacing(12)
        entry.addWidget(self.email_input, 1)
        entry.addWidget(self.search_button)
        return entry

    def _build_results(self) -> QTreeWidget:
        results = QTreeWidget(self)
        name_widget(results, "searchResults", "Cards found")
        results.setColumnCount(len(COLUMNS))
        results.setHeaderLabels(list(COLUMNS))
        results.setRootIsDecorated(False)
        results.setUniformRowHeights(True)
        results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._row_height = touch_target_px(self) + 4
        results.setItemDelegate(_TouchRowDelegate(self._row_height, results))
        results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = results.header()
        name_widget(header, "searchResultsHeader", "Result columns")
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # see _fit_columns
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        results.headerItem().setTextAlignment(BALANCE_COLUMN, _RIGHT)
        results.itemClicked.connect(lambda item, _column: self._open(item))
        results.itemActivated.connect(lambda item, _column: self._open(item))
        enable_finger_scroll(results)
        results.installEventFilter(self)
        return results

    def _build_card_info(self) -> QFrame:
        panel = QFrame(self)
        panel.setObjectName("cardInfo")
        panel.setProperty("card", True)
        self.card_number = QLabel(panel)
        self.card_number.setObjectName("cardInfoNumber")
        self.card_status = QLabel(panel)
        name_widget(self.card_status, "cardStatus", "Card status")
        self.card_status.setProperty("chip", True)
        self.card_status_hint = QLabel(panel)
        self.card_status_hint.setObjectName("cardStatusHint")
        self.card_status_hint.setProperty("hint", True)
        self.card_status_hint.setWordWrap(True)
        self.card_balance = QLabel(panel)
        name_widget(self.card_balance, "cardBalance", "Balance")
        self.card_people = QLabel(panel)
        self.card_people.setObjectName("cardRecipient")
        self.card_people.setProperty("caption", True)
        self.card_buyer = QLabel(panel)
        self.card_buyer.setObjectName("cardBuyer")
        self.card_buyer.setProperty("caption", True)
        grid = QGridLayout(panel)
        grid.setContentsMargins(18, 10, 18, 10)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.card_number, 0, 0)
        grid.addWidget(self.card_status, 0, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(caption("Balance", panel, wrap=False), 0, 2, _RIGHT)
        grid.addWidget(self.card_balance, 0, 3, _RIGHT)
        grid.addWidget(self.card_status_hint, 1, 0, 1, 4)
        # One line each, wrapped: two long e-mail addresses side by side would need a screen
        # wider than a register's.
        for row, label in enumerate((self.card_people, self.card_buyer), start=2):
            label.setWordWrap(True)
            grid.addWidget(label, row, 0, 1, 3 if self._actions is not None else 4)
        self.card_actions: CardActionsBar | None = None
        if self._actions is not None:
            # Folded into "Manage card…" in the e-gift actions' row, and Print statement
            # beside the recipient and buyer: a row more would not fit a 768-px screen.
            self.card_actions = CardActionsBar(
                self._actions,
                panel,
                columns=3,
                statement_for_all=True,
                statement_in_bar=False,
                folded=True,
            )
            self.card_actions.changed.connect(self._acted)
            self.card_actions.said.connect(
                lambda text, kind: self.banner.show_message(
                    text, "error" if kind == "error" else "info"
                )
            )
            grid.addWidget(self.card_actions.statement_button, 2, 3, 2, 1, _RIGHT)
        grid.addWidget(self._build_egift_actions(panel), 4, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        return panel

    def _build_egift_actions(self, panel: QFrame) -> QWidget:
        """A manager's Resend e-gift and Change e-mail, on a card with a recipient e-mail."""
        self.egift_actions = QWidget(panel)
        self.egift_actions.setObjectName("egiftActions")
        self.resend_button = touch_button(
            "Resend e-gift",
            "resendEgiftButton",
            "Resend the e-gift e-mail",
            panel,
            role="secondary",
        )
        self.resend_button.clicked.connect(lambda: self._open_egift_action(EgiftAction.RESEND))
        self.change_email_button = touch_button(
            "Change e-mail",
            "changeEmailButton",
            "Change the recipient's e-mail",
            panel,
            role="secondary",
        )
        self.change_email_button.clicked.connect(
            lambda: self._open_egift_action(EgiftAction.CHANGE_EMAIL)
        )
        row = QHBoxLayout(self.egift_actions)
        row.setContentsMargins(0, 6, 0, 0)
        if self.card_actions is not None:
            row.addWidget(self.card_actions)
        row.addStretch(1)
        row.addWidget(self.resend_button)
        row.addWidget(self.change_email_button)
        self.egift_actions.hide()
        return self.egift_actions

    def _build_history(self) -> QTreeWidget:
        history = QTreeWidget(self)
        name_widget(history, "historyTable", "Transaction history")
        history.setColumnCount(len(HISTORY_COLUMNS))
        history.setHeaderLabels(list(HISTORY_COLUMNS))
        history.setRootIsDecorated(False)
        # Beside the Deduct Funds panel on a 1024-px screen the columns cannot all have their
        # longest line: the wordy ones wrap (see _fit_columns), and the rows grow to fit.
        history.setWordWrap(True)
        history.setUniformRowHeights(False)
        history.setItemDelegate(WrappingDelegate(history))
        history.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        history.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Its header and one activity at least: at 768 px the history gives up the rest of its
        # room (to the search's messages) and scrolls.
        history.setMinimumHeight(HISTORY_MIN_PX)
        header = history.header()
        name_widget(header, "historyHeader", "History columns")
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # see _fit_columns
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column in _MONEY_COLUMNS:
            history.headerItem().setTextAlignment(column, _RIGHT)
        enable_finger_scroll(history)
        history.installEventFilter(self)
        return history

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Resize and watched in (self.results, self.history):
            self._fit_columns()
        elif watched is self.banner and kind in (QEvent.Type.Show, QEvent.Type.Hide):
            self.hint.setVisible(self.banner.isHidden())  # not when the tab hides
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """The lists' columns fit their width, nothing cut: a card's recipient reads whole,
        and the history's wordy columns wrap rather than the register's name being cut."""
        fit_columns(self.results, wrapping=(), stretch=RECIPIENT_COLUMN)
        fit_columns(
            self.history,
            wrapping=_WRAPPING_HISTORY_COLUMNS,
            stretch=REGISTER_COLUMN,
            scroll_bar_room=True,
        )

    # -- state ---------------------------------------------------------------------------------

    @property
    def cards(self) -> tuple[CardSummary, ...]:
        return self._cards

    @property
    def current_history(self) -> CardHistory | None:
        return self._history

    def set_store(self, profile: StoreRules) -> None:
        self._profile = profile
        self.deduct_panel.set_store(profile)
        self._fill(self._cards)
        if self._history is not None:
            self._show_history(self._history)

    def set_manager(self, manager: bool) -> None:
        """Who is logged in: a manager is offered the e-gift actions."""
        self._manager = manager and self._egift is not None
        if self.card_actions is not None:
            self.card_actions.set_manager(manager)
        self._show_egift_actions()

    def reset(self) -> None:
        self._presenter.reset()
        if self._egift is not None:
            self._egift.reset()
        if self._egift_dialog is not None:
            self._egift_dialog.reject()  # the register locks: nothing half-typed stays
        if self.card_actions is not None:
            self.card_actions.reset()
        self._counter_number = None
        self.email_input.clear()
        self.banner.clear()
        self._cards = ()
        self._fill(())
        self.results.hide()
        self._clear_card()

    def accept_scan(self, code: str) -> bool:
        """A keyboard-wedge scan: a gift card number goes into the search and is searched;
        anything else (a product barcode) is not this tab's, and False says so."""
        if self.card_actions is not None and self.card_actions.fill_scanned(code):
            return True
        if not self._presenter.is_card_number(code):
            return False
        if self.deduct_panel.in_flow:
            self.banner.show_message(FINISH_DEDUCTION_FIRST, "info")
            return True
        self.email_input.setText(code)
        self._search()
        return True

    # -- search --------------------------------------------------------------------------------

    def _search(self) -> None:
        if self.deduct_panel.in_flow:
            return
        self.banner.clear()
        self._presenter.search(self.email_input.text())

    def _show_results(self, found: SearchFound) -> None:
        by_number = found.query.kind is SearchKind.NUMBER
        self._counter_number = found.query.value if by_number else None
        self._cards = found.cards
        self._fill(found.cards)
        self._clear_card()
        if not found.cards:
            self.results.hide()
            self.banner.show_message(no_match_message(found.query), "info")
            return
        self.banner.clear()
        self.results.show()
        if len(found.cards) == 1:
            first = self.results.topLevelItem(0)
            if first is not None:
                self._open(first)

    def _fill(self, cards: tuple[CardSummary, ...]) -> None:
        selected = self._history.card.id if self._history is not None else None
        self.results.clear()
        locale = self._profile.locale
        for card in cards:
            item = QTreeWidgetItem(
                [
                    status_label(card.status),
                    card.number_masked,
                    # The name over the e-mail: the column is narrow beside the panel.
                    "\n".join(t for t in (card.recipient_name, card.recipient_email) if t),
                    card.balance.format(locale),
                ]
            )
            item.setForeground(STATUS_COLUMN, QBrush(QColor(_STATUS_COLOURS[card.status])))
            item.setTextAlignment(BALANCE_COLUMN, _RIGHT)
            item.setData(CARD_COLUMN, Qt.ItemDataRole.UserRole, str(card.id))
            self.results.addTopLevelItem(item)
            if card.id == selected:
                item.setSelected(True)
        # As tall as a few rows; more scroll.
        header = self.results.header().sizeHint().height()
        rows = min(max(len(cards), 1), RESULT_ROWS_SHOWN)
        self.results.setFixedHeight(header + rows * self._row_height + 6)
        self._fit_columns()

    @staticmethod
    def _people_text(name: str | None, email: str | None) -> str:
        text = name or ""
        if email:
            text = f"{text}  <{email}>" if text else email
        return text

    # -- one card ------------------------------------------------------------------------------

    def _open(self, item: QTreeWidgetItem) -> None:
        if self.deduct_panel.in_flow:
            self.banner.show_message(FINISH_DEDUCTION_FIRST, "info")
            return
        card_id = uuid.UUID(str(item.data(CARD_COLUMN, Qt.ItemDataRole.UserRole)))
        card = next((c for c in self._cards if c.id == card_id), None)
        if card is None:
            return
        item.setSelected(True)
        self.results.setCurrentItem(item)
        self._show_card(card)
        self.deduct_panel.show_card(card)
        self.history.clear()
        self._presenter.open_card(card_id)

    def _show_card(self, card: CardSummary) -> None:
        self.card_number.setText(card.number_masked)
        self.card_status.setText(status_label(card.status))
        self.card_status.setProperty("status", card.status.value)
        self.card_status.style().unpolish(self.card_status)
        self.card_status.style().polish(self.card_status)
        self.card_status.setAccessibleDescription(STATUS_HINTS[card.status])
        self.card_status_hint.setText(STATUS_HINTS[card.status])
        self.card_balance.setText(card.balance.format(self._profile.locale))
        buyer = card.buyer_email or "—"
        recipient = self._people_text(card.recipient_name, card.recipient_email) or "—"
        self.card_people.setText(f"Recipient: {recipient}")
        self.card_buyer.setText(f"Buyer: {buyer}")
        self._shown_card = card
        if self.card_actions is not None:
            number = self._counter_number
            at_counter = number is not None and number[-4:] == card.last4
            self.card_actions.show_card(card, number if at_counter else None)
        self._show_egift_actions()
        self.card_info.show()

    def _show_egift_actions(self) -> None:
        """The row of a manager's actions: Manage card…, and Resend e-gift and Change e-mail
        on an e-gift."""
        card = self._shown_card
        shown = card is not None and offers_actions(card, self._manager)
        self.resend_button.setVisible(shown)
        self.change_email_button.setVisible(shown)
        bar = self.card_actions
        managed = bar is not None and bar.manage_button is not None and bar.offers_actions
        self.egift_actions.setVisible(shown or managed)
        if card is not None and shown:
            resend = can_resend(card)
            self.resend_button.setEnabled(resend)
            self.resend_button.setToolTip("" if resend else NOT_SENT_YET)

    def _open_egift_action(self, action: EgiftAction) -> None:
        card = self._shown_card
        if self._egift is None or card is None or self.deduct_panel.in_flow:
            return
        self.banner.clear()
        dialog = EgiftActionDialog(self._egift, action, card, self)
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self._egift_dialog = dialog
        dialog.open()

    def _forget_dialog(self, dialog: QDialog) -> None:
        if self._egift_dialog is dialog:
            self._egift_dialog = None

    def _egift_done(self, action: EgiftAction, done: EgiftDelivered) -> None:
        self.banner.show_message(delivered_message(action, done, self._profile), "info")
        self._cards = tuple(done.card if c.id == done.card.id else c for c in self._cards)
        self._fill(self._cards)
        self._show_card(done.card)
        self._presenter.open_card(done.card.id)

    def _acted(self, result: ActionResult) -> None:
        """A manager's action changed the card: it reads afresh, its history too."""
        card = changed_card(result)
        self._cards = tuple(card if c.id == card.id else c for c in self._cards)
        self._fill(self._cards)
        self._show_card(card)
        self.deduct_panel.refresh_card(card)
        self._presenter.open_card(card.id)

    def _show_history(self, history: CardHistory) -> None:
        shown = self.deduct_panel.card
        if shown is not None and shown.id != history.card.id:
            return  # an answer for a card no longer on screen
        self._history = history
        card = history.card
        self._show_card(card)
        # The list shows the fresh balance and status too.
        self._cards = tuple(card if c.id == card.id else c for c in self._cards)
        self._fill(self._cards)
        self.deduct_panel.refresh_card(card)
        self.history.clear()
        for row in history_rows(history, self._profile):
            item = QTreeWidgetItem(
                [
                    row.time,
                    row.employee,
                    row.kind,
                    f"{row.amount} + tip {row.tip}" if row.tip else row.amount,
                    row.balance_after,
                    row.register,
                    row.ticket,
                ]
            )
            for column in _MONEY_COLUMNS:
                item.setTextAlignment(column, _RIGHT)
            self.history.addTopLevelItem(item)
        self._fit_columns()
        count = len(history.activities)
        self.history_label.setText(
            f"Transaction history: {count} activit{'ies' if count != 1 else 'y'}, "
            f"newest first, times in {self._profile.timezone}"
        )
        self.history_label.show()
        self.history.show()

    def _clear_card(self) -> None:
        self._history = None
        self._shown_card = None
        self.egift_actions.hide()
        if self.card_actions is not None:
            self.card_actions.show_card(None)
        self.card_info.hide()
        self.history.clear()
        self.history.hide()
        self.history_label.hide()
        self.deduct_panel.show_card(None)

    def _reload_card(self) -> None:
        card = self.deduct_panel.card
        if card is not None:
            self._presenter.open_card(card.id)

    def _deducted(self, done: Deducted) -> None:
        # The balance at once, from the answer; the history (with the new activity) follows.
        self.card_balance.setText(done.balance_after.format(self._profile.locale))
        self._presenter.open_card(done.card.id)

    # -- feedback ------------------------------------------------------------------------------

    def _lock_search(self) -> None:
        """While a code is out the card may not change: search and results wait."""
        locked = self.deduct_panel.in_flow
        self.email_input.setEnabled(not locked)
        self.search_button.setEnabled(not locked and not self.busy_label.isVisible())
        self.results.setEnabled(not locked)

    def _show_error(self, message: str) -> None:
        self.banner.show_message(message, "error")
        self.email_input.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.busy_label.setText("Searching…")
        self.busy_label.setVisible(busy)
        self._lock_search()

    def _set_history_busy(self, busy: bool) -> None:
        # A message (an action's answer) keeps the room; the history arrives without words.
        if busy and not self.busy_label.isVisible() and self.banner.isHidden():
            self.busy_label.setText("Loading the card's history…")
            self.busy_label.show()
        elif not busy and self.busy_label.text() != "Searching…":
            self.busy_label.hide()
