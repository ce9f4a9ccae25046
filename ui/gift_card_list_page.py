"""The Back Office's Gift Cards page: the store's cards by status, balance, the days they were
issued, an e-mail (recipient's or buyer's) and the number's last 4 digits, a page at a time,
newest first; the card tapped shows on the right with its newest activities.

Under the list and the details, ``action_row``: the manager's actions on the card picked
(block, void, adjust, replace, cash out, print a statement), the bar the Gift Cards tab shows.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.giftcard import CardStatus
from pos_desktop.services.card_list_results import CardListPage, CardQuery
from ui.card_actions_bar import CardActionsBar
from ui.card_display import status_label
from ui.presenters.card_actions import changed_card
from ui.presenters.card_list import CardDetails, CardLine, span_text
from ui.presenters.card_lookup import HistoryRow
from ui.widgets.banner import Banner, message_room
from ui.widgets.breakable import breakable
from ui.widgets.columns import WrappingDelegate, fit_columns
from ui.widgets.form_fields import TouchRows, caption, details_stack, keep_bold_room, pick_combo
from ui.widgets.touch import (
    enable_finger_scroll,
    make_touchable,
    name_widget,
    touch_button,
    touch_date_picker,
    touch_target_px,
)

if TYPE_CHECKING:
    from ui.presenters.card_actions import ActionResult, CardActionsPresenter
    from ui.presenters.card_list import CardListPresenter

ALL_STATUSES = "All statuses"
ANY_DAY = "Any day"
PICK_A_CARD = "Tap a card to see its details and activities."
TYPING_PAUSE_MS = 400  # an e-mail or last 4 is looked for once the typing pauses
# The pickers' "no day" value: the earliest day they take, shown as ANY_DAY.
NO_DAY = QDate(2000, 1, 1)
COLUMNS = ("Card", "Status", "Balance", "Activity")  # the day of its latest
CARD_COLUMN, STATUS_COLUMN, BALANCE_COLUMN, ACTIVITY_COLUMN = range(len(COLUMNS))
# Three columns fit the pane at 1024x768: the amount beside what was done, and who did it
# under them.
ACTIVITY_COLUMNS = ("Date", "Activity", "Balance")  # the balance after it
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


EMAIL_FIELDS = ("recipient", "buyer")


class GiftCardListPage(QWidget):
    def __init__(
        self,
        presenter: CardListPresenter,
        parent: QWidget | None = None,
        *,
        actions: CardActionsPresenter | None = None,
    ) -> None:
        super().__init__(parent)
        name_widget(self, "giftCardListPage", "Gift Cards")
        self._presenter = presenter
        self._actions = actions
        self._page: CardListPage | None = None
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self._find)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(self._build_filters())
        body = QHBoxLayout()
        body.setSpacing(12)
        # The list's four columns need a little more room than the details' three.
        body.addLayout(self._build_list(), 11)
        body.addWidget(self._build_details(), 9)
        layout.addLayout(body, 1)
        layout.addLayout(self._build_actions())
        self.banner = Banner("giftCardListBanner", "Gift cards message", self, dismissible=True)
        layout.addWidget(message_room(self, "giftCardListMessageRoom", self.banner))
        presenter.listed.connect(self._show_page)
        presenter.opened.connect(self._show_card)
        presenter.refused.connect(self._refused)
        presenter.failed.connect(lambda message: self.banner.show_message(message))
        presenter.listing_changed.connect(self._listing_busy)

    # -- building ------------------------------------------------------------------------------

    def _build_filters(self) -> QGridLayout:
        self.status_filter = pick_combo("giftCardStatusFilter", "Status shown", self)
        self.status_filter.addItem(ALL_STATUSES, None)
        for status in CardStatus:
            self.status_filter.addItem(status_label(status), status.value)
        self.status_filter.currentIndexChanged.connect(lambda _i: self._find())
        self.balance_toggle = touch_button(
            "Balance above zero", "giftCardBalanceFilter", "Only cards with money left", self
        )
        self.balance_toggle.setCheckable(True)
        self.balance_toggle.setProperty("tipPreset", True)
        keep_bold_room(self.balance_toggle)
        self.balance_toggle.toggled.connect(lambda _on: self._find())
        self.email_filter = self._text_filter(
            "giftCardEmailFilter", "Recipient's or buyer's e-mail", "Recipient or buyer e-mail"
        )
        self.last4_filter = self._text_filter("giftCardLast4Filter", "Last 4 digits", "Last 4")
        self.last4_filter.setValidator(QRegularExpressionValidator(r"\d{0,4}", self))
        self.last4_filter.setMaximumWidth(130)
        self.issued_from = self._day_picker("giftCardIssuedFrom", "Issued from")
        self.issued_until = self._day_picker("giftCardIssuedUntil", "Issued until")
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.addWidget(self.status_filter, 0, 0)
        grid.addWidget(self.balance_toggle, 0, 1)
        grid.addWidget(self.email_filter, 0, 2, 1, 3)
        grid.addWidget(caption("Issued between", self, wrap=False), 1, 0)
        grid.addWidget(self.issued_from, 1, 1)
        grid.addWidget(caption("and", self, wrap=False), 1, 2)
        grid.addWidget(self.issued_until, 1, 3)
        grid.addWidget(self.last4_filter, 1, 4)
        grid.setColumnStretch(2, 0)
        grid.setColumnStretch(3, 1)
        return grid

    def _text_filter(self, name: str, accessible: str, hint: str) -> QLineEdit:
        field = QLineEdit(self)
        name_widget(field, name, accessible)
        field.setPlaceholderText(hint)
        make_touchable(field)
        field.textChanged.connect(lambda _text: self._typing.start())
        field.returnPressed.connect(self._find)
        return field

    def _day_picker(self, name: str, accessible: str) -> QDateEdit:
        picker = touch_date_picker(NO_DAY, name, accessible, self)
        picker.setMinimumDate(NO_DAY)
        picker.setSpecialValueText(ANY_DAY)
        picker.setDate(NO_DAY)
        picker.setDisplayFormat("yyyy-MM-dd")
        picker.setMinimumWidth(150)
        picker.dateChanged.connect(lambda _day: self._find())
        return picker

    def _build_list(self) -> QVBoxLayout:
        table = QTreeWidget(self)
        name_widget(table, "giftCardList", "Gift cards")
        table.setColumnCount(len(COLUMNS))
        table.setHeaderLabels(list(COLUMNS))
        table.setRootIsDecorated(False)
        table.setUniformRowHeights(True)
        table.setItemDelegate(TouchRows(touch_target_px(self) + 4, table))
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = table.header()
        name_widget(header, "giftCardListHeader", "Card columns")
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # see _fit_columns
        table.headerItem().setTextAlignment(BALANCE_COLUMN, _RIGHT)
        table.itemClicked.connect(lambda item, _column: self._open(item))
        enable_finger_scroll(table)
        table.installEventFilter(self)
        self.cards = table
        self.previous_button = touch_button(
            "← Previous", "giftCardsPrevious", "Previous page of gift cards", self
        )
        self.previous_button.clicked.connect(self._presenter.previous_page)
        self.span = QLabel(self)
        name_widget(self.span, "giftCardsSpan", "Gift cards shown")
        self.span.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_button = touch_button("Next →", "giftCardsNext", "Next page of gift cards", self)
        self.next_button.clicked.connect(self._presenter.next_page)
        for button in (self.previous_button, self.next_button):
            button.setProperty("compact", True)
            button.setEnabled(False)
        paging = QHBoxLayout()
        paging.addWidget(self.previous_button)
        paging.addWidget(self.span, 1)
        paging.addWidget(self.next_button)
        column = QVBoxLayout()
        column.setSpacing(6)
        column.addWidget(table, 1)
        column.addLayout(paging)
        return column

    def _build_details(self) -> QWidget:
        self.details, self.details_hint = details_stack(self, "giftCardDetails", PICK_A_CARD)
        pane = QWidget(self.details)
        self.details_page = pane
        self.card_title = QLabel(pane)
        name_widget(self.card_title, "giftCardTitle", "Card picked")
        self.card_title.setProperty("heading", True)
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(2)
        for key, label in (
            ("status", "Status"),
            ("balance", "Balance"),
            ("initial_amount", "Initial amount"),
            ("recipient", "Recipient"),
            ("buyer", "Buyer"),
            ("issued", "Issued"),
        ):
            value = QLabel(pane)
            name_widget(value, f"giftCard_{key}", label)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            self.fields[key] = value
            form.addRow(caption(label, pane, wrap=False), value)
        self.activities = self._build_activities(pane)
        column = QVBoxLayout(pane)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self.card_title)
        column.addLayout(form)
        column.addWidget(caption("Recent activities", pane, wrap=False))
        column.addWidget(self.activities, 1)
        self.details.addWidget(pane)
        return self.details

    def _build_actions(self) -> QHBoxLayout:
        """The manager's actions on the card picked, in one row under the list and the
        details: under the details alone, six touch buttons would take the activities' room."""
        self.action_row = QHBoxLayout()
        self.action_row.setSpacing(8)
        self.card_actions: CardActionsBar | None = None
        if self._actions is not None:
            self.card_actions = CardActionsBar(self._actions, self, columns=6)
            self.card_actions.set_manager(True)  # only managers see the Back Office
            self.card_actions.changed.connect(self._acted)
            self.card_actions.said.connect(self.banner_message)
            self.action_row.addStretch(1)
            self.action_row.addWidget(self.card_actions)
        return self.action_row

    def _build_activities(self, pane: QWidget) -> QTreeWidget:
        table = QTreeWidget(pane)
        name_widget(table, "giftCardActivities", "Recent activities")
        table.setColumnCount(len(ACTIVITY_COLUMNS))
        table.setHeaderLabels(list(ACTIVITY_COLUMNS))
        table.setRootIsDecorated(False)
        # Narrow columns: a date and time, or an employee's name, takes two lines.
        table.setWordWrap(True)
        table.setUniformRowHeights(False)
        table.setItemDelegate(WrappingDelegate(table))
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        name_widget(table.header(), "giftCardActivitiesHeader", "Activity columns")
        table.header().setStretchLastSection(False)
        table.header().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        enable_finger_scroll(table)
        table.installEventFilter(self)
        return table

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched in (self.cards, self.activities):
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        fit_columns(self.cards, wrapping=(ACTIVITY_COLUMN,), stretch=CARD_COLUMN)
        fit_columns(self.activities, wrapping=(0, 1), stretch=1, scroll_bar_room=True)

    # -- what the page shows -------------------------------------------------------------------

    def load(self) -> None:
        """The page came into view: the list as the filters say, afresh."""
        self._presenter.find(self.query())

    def reset(self) -> None:
        """The manager left: nothing of theirs stays on the page."""
        self._presenter.reset()
        self._typing.stop()
        filters = (
            self.status_filter,
            self.balance_toggle,
            self.email_filter,
            self.last4_filter,
            self.issued_from,
            self.issued_until,
        )
        for widget in filters:
            widget.blockSignals(True)
        self.status_filter.setCurrentIndex(0)
        self.balance_toggle.setChecked(False)
        self.email_filter.clear()
        self.last4_filter.clear()
        self.issued_from.setDate(NO_DAY)
        self.issued_until.setDate(NO_DAY)
        for widget in filters:
            widget.blockSignals(False)
        self.cards.clear()
        self.span.clear()
        self._page = None
        self.details.setCurrentWidget(self.details_hint)
        if self.card_actions is not None:
            self.card_actions.reset()
        self.banner.clear()

    def accept_scan(self, code: str) -> bool:
        """A scan while a card action's dialog is open is the number it asks for."""
        return self.card_actions is not None and self.card_actions.fill_scanned(code)

    def banner_message(self, text: str, kind: str) -> None:
        self.banner.show_message(text, "error" if kind == "error" else "info")

    def _acted(self, result: ActionResult) -> None:
        """The card changed: its details and the list read it afresh."""
        self._presenter.open(changed_card(result).id)
        self._presenter.refresh()

    def query(self) -> CardQuery:
        """What the filters ask for now."""
        # Qt hands an item's data back as plain text: a status is its value.
        status = self.status_filter.currentData()
        return CardQuery(
            status=CardStatus(status) if status else None,
            with_balance=self.balance_toggle.isChecked(),
            issued_first_day=_day(self.issued_from),
            issued_last_day=_day(self.issued_until),
            email=self.email_filter.text().strip(),
            last4=self.last4_filter.text().strip(),
        )

    def _find(self) -> None:
        self._typing.stop()
        last4 = self.last4_filter.text().strip()
        if last4 and len(last4) < len("0000"):
            return  # a last 4 being typed: nothing to look for yet
        self.banner.clear()
        self._presenter.find(self.query())

    def _show_page(self, page: CardListPage, lines: tuple[CardLine, ...]) -> None:
        self._page = page
        self.cards.clear()
        for line in lines:
            item = QTreeWidgetItem(
                self.cards, [line.number, line.status, line.balance, line.last_activity]
            )
            item.setTextAlignment(BALANCE_COLUMN, _RIGHT)
            item.setData(CARD_COLUMN, Qt.ItemDataRole.UserRole, line.id)
            item.setToolTip(CARD_COLUMN, f"Issued {line.issued}")
            item.setToolTip(ACTIVITY_COLUMN, line.last_activity_at)
        self._fit_columns()
        self.cards.scrollToTop()
        self.span.setText(span_text(page))
        self._listing_busy(False)

    def _listing_busy(self, busy: bool) -> None:
        page = self._page
        self.previous_button.setEnabled(not busy and page is not None and page.has_previous)
        self.next_button.setEnabled(not busy and page is not None and page.has_next)

    def _open(self, item: QTreeWidgetItem) -> None:
        card_id = item.data(CARD_COLUMN, Qt.ItemDataRole.UserRole)
        if card_id is not None:
            self._presenter.open(card_id)

    def _show_card(self, card: CardDetails) -> None:
        if self.card_actions is not None:
            self.card_actions.show_card(card.card)
        self.card_title.setText(card.number)
        for key in self.fields:
            text = str(getattr(card, key))
            # An address breaks at its "@" and dots rather than widen the page past the screen.
            self.fields[key].setText(breakable(text, "@.") if key in EMAIL_FIELDS else text)
        self.activities.clear()
        for row in card.activities:
            item = QTreeWidgetItem(
                self.activities,
                [row.time, activity_text(row), row.balance_after],
            )
            item.setTextAlignment(2, _RIGHT)
        self.details.setCurrentWidget(self.details_page)
        self._fit_columns()

    def _refused(self, message: str) -> None:
        self.cards.clear()
        self._page = None
        self.span.clear()
        self._listing_busy(False)
        self.banner.show_message(message)


def activity_text(row: HistoryRow) -> str:
    """What was done and its amount ("Redeemed", minus $20.00), the employee under them."""
    done = f"{row.kind} {row.amount}" if row.amount else row.kind
    return f"{done}\n{row.employee}"


def _day(picker: QDateEdit) -> date | None:
    picked = picker.date()
    value = picked.toPython()
    return value if picked != NO_DAY and isinstance(value, date) else None
