"""Gift Cards tab: find a recipient's cards by e-mail (seed 000, "Searching for a Card")."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
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

from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.giftcard import CardStatus
from pos_desktop.services.card_lookup import CardSummary
from pos_desktop.services.store_profile import DEFAULT_STORE_RULES
from ui.card_display import status_label
from ui.presenters.card_lookup import RecipientSearchPresenter
from ui.widgets.banner import Banner
from ui.widgets.touch import make_touchable, name_widget, touch_target_px

COLUMNS = ("Status", "Card", "Recipient", "Balance")
STATUS_COLUMN, CARD_COLUMN, RECIPIENT_COLUMN, BALANCE_COLUMN = range(len(COLUMNS))

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
    def __init__(self, presenter: RecipientSearchPresenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("giftCardsView")
        self._presenter = presenter
        self._profile = DEFAULT_STORE_RULES
        self._cards: tuple[CardSummary, ...] = ()

        title = QLabel("Gift cards", self)
        title.setProperty("heading", True)
        hint = QLabel("Find a customer's cards by the recipient's e-mail address.", self)
        hint.setProperty("hint", True)

        self.email_input = QLineEdit(self)
        name_widget(self.email_input, "emailSearchInput", "Recipient e-mail")
        self.email_input.setPlaceholderText("name@example.com")
        self.email_input.setInputMethodHints(Qt.InputMethodHint.ImhEmailCharactersOnly)
        make_touchable(self.email_input, 1.25)
        self.email_input.returnPressed.connect(self._search)

        self.search_button = QPushButton("Search", self)
        name_widget(self.search_button, "emailSearchButton", "Search by e-mail")
        self.search_button.setProperty("role", "primary")
        make_touchable(self.search_button, 1.25)
        self.search_button.setMinimumWidth(160)
        self.search_button.clicked.connect(self._search)

        self.banner = Banner("searchBanner", "Search message", self)
        self.busy_label = QLabel("Searching…", self)
        self.busy_label.setObjectName("searchBusy")
        self.busy_label.hide()

        self.results = QTreeWidget(self)
        name_widget(self.results, "searchResults", "Cards found")
        self.results.setColumnCount(len(COLUMNS))
        self.results.setHeaderLabels(list(COLUMNS))
        self.results.setRootIsDecorated(False)
        self.results.setUniformRowHeights(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # As tall as its rows (a few cards per customer is the norm), scrolling when longer.
        self.results.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.results.setItemDelegate(_TouchRowDelegate(touch_target_px(self) + 8, self.results))
        header = self.results.header()
        name_widget(header, "searchResultsHeader", "Result columns")
        header.setStretchLastSection(False)
        header.setSectionResizeMode(STATUS_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CARD_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RECIPIENT_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(BALANCE_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.results.headerItem().setTextAlignment(
            BALANCE_COLUMN, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        self.results.hide()

        entry = QHBoxLayout()
        entry.setSpacing(12)
        entry.addWidget(self.email_input, 1)
        entry.addWidget(self.search_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(16)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(entry)
        layout.addWidget(self.banner)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.results)
        layout.addStretch(1)

        presenter.results_ready.connect(self._show_results)
        presenter.failed.connect(self._show_error)
        presenter.busy_changed.connect(self._set_busy)

    @property
    def cards(self) -> tuple[CardSummary, ...]:
        return self._cards

    def set_store(self, profile: StoreRules) -> None:
        self._profile = profile
        self._fill(self._cards)

    def reset(self) -> None:
        self._presenter.reset()
        self.email_input.clear()
        self.banner.clear()
        self._cards = ()
        self._fill(())
        self.results.hide()

    def _search(self) -> None:
        self.banner.clear()
        self._presenter.search(self.email_input.text())

    def _show_results(self, email: str, cards: tuple[CardSummary, ...]) -> None:
        self._cards = cards
        self._fill(cards)
        if cards:
            self.banner.clear()
            self.results.show()
        else:
            self.results.hide()
            self.banner.show_message(f"No gift cards for {email}.", "info")

    def _fill(self, cards: tuple[CardSummary, ...]) -> None:
        self.results.clear()
        locale = self._profile.locale
        for card in cards:
            recipient = card.recipient_name or ""
            if card.recipient_email:
                recipient = (
                    f"{recipient}  <{card.recipient_email}>" if recipient else card.recipient_email
                )
            item = QTreeWidgetItem(
                [
                    status_label(card.status),
                    card.number_masked,
                    recipient,
                    card.balance.format(locale),
                ]
            )
            item.setForeground(STATUS_COLUMN, QBrush(QColor(_STATUS_COLOURS[card.status])))
            item.setTextAlignment(
                BALANCE_COLUMN, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            )
            item.setData(CARD_COLUMN, Qt.ItemDataRole.UserRole, str(card.id))
            self.results.addTopLevelItem(item)

    def _show_error(self, message: str) -> None:
        self.results.hide()
        self.banner.show_message(message, "error")
        self.email_input.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.busy_label.setVisible(busy)
        self.search_button.setEnabled(not busy)
