"""The buttons of a manager's actions on the card on screen (Block or Unblock, Void, Adjust,
Replace, Cash out) and Print statement: one bar, in a row under the Back Office's list and
card details, and folded into one "Manage card…" button in the Gift Cards tab's card panel.
Each opens a ``CardActionDialog``; the host hears ``changed`` (refresh the card) and ``said``
(what to tell).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.services.card_action_results import CardAction, offered_actions
from pos_desktop.services.results import CardSummary
from ui.card_action_dialog import TITLES, CardActionDialog
from ui.presenters.card_actions import ActionResult, CardActionsPresenter, done_message
from ui.widgets.touch import name_widget, touch_button

LABELS = {
    CardAction.BLOCK: "Block",
    CardAction.UNBLOCK: "Unblock",
    CardAction.VOID: "Void",
    CardAction.ADJUST: "Adjust",
    CardAction.REPLACE: "Replace",
    CardAction.CASH_OUT: "Cash out",
}
BUTTON_NAMES = {
    CardAction.BLOCK: "blockCardButton",
    CardAction.UNBLOCK: "unblockCardButton",
    CardAction.VOID: "voidCardButton",
    CardAction.ADJUST: "adjustCardButton",
    CardAction.REPLACE: "replaceCardButton",
    CardAction.CASH_OUT: "cashOutCardButton",
}


class CardActionsBar(QWidget):
    changed = Signal(object)  # the ActionResult: the host shows the card afresh
    said = Signal(str, str)  # text, a banner's kind

    def __init__(
        self,
        presenter: CardActionsPresenter,
        parent: QWidget | None = None,
        *,
        columns: int = 3,
        statement_for_all: bool = False,
        statement_in_bar: bool = True,
        folded: bool = False,
    ) -> None:
        """``statement_for_all``: any employee may print the statement here (the Gift Cards
        tab); otherwise only a manager (the Back Office). ``statement_in_bar=False``: the host
        places ``statement_button`` in a row of its own; the bar still shows and hides it.
        ``folded``: the bar is one "Manage card…" button, the actions' buttons in a small
        dialog it opens (where the screen has no room for a row of them)."""
        super().__init__(parent)
        name_widget(self, "cardActionsBar", "Card actions")
        self._presenter = presenter
        self._columns = columns
        self._statement_for_all = statement_for_all
        self._statement_in_bar = statement_in_bar
        self._manager = False
        self._card: CardSummary | None = None
        self._counter_number: str | None = None
        self._statement_asked = False
        self.dialog: CardActionDialog | None = None
        self.menu: QDialog | None = None
        self.manage_button: QPushButton | None = None
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(8)
        if folded:
            self._build_folded()
        else:
            self.setLayout(self._grid)
        self.buttons = self._build_buttons()
        self.statement_button = self.buttons[None]
        presenter.done.connect(self._done)
        presenter.statement_said.connect(self._statement_said)
        self._arrange()

    def _build_folded(self) -> None:
        self.manage_button = touch_button(
            "Manage card…", "manageCardButton", "A manager's actions on the card", self
        )
        self.manage_button.setProperty("cardAction", True)
        self.manage_button.clicked.connect(self._open_menu)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.manage_button)
        menu = QDialog(self)
        name_widget(menu, "cardActionsMenu", "Manage card")
        menu.setWindowTitle("Manage card")
        menu.setModal(True)
        self.menu_title = QLabel(menu)
        self.menu_title.setProperty("heading", True)
        close = touch_button("Close", "cardActionsMenuClose", "Close", menu, role="secondary")
        close.clicked.connect(menu.reject)
        column = QVBoxLayout(menu)
        column.setContentsMargins(24, 20, 24, 20)
        column.setSpacing(16)
        column.addWidget(self.menu_title)
        column.addLayout(self._grid)
        column.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.menu = menu

    def _open_menu(self) -> None:
        if self.menu is not None and self._card is not None and self.dialog is None:
            self.menu_title.setText(f"Manage card {self._card.number_masked}")
            self.menu.open()

    def _build_buttons(self) -> dict[CardAction | None, QPushButton]:
        """One button an action; None's is Print statement."""
        buttons: dict[CardAction | None, QPushButton] = {}
        for action in CardAction:
            button = touch_button(
                LABELS[action], BUTTON_NAMES[action], TITLES[action], self, role="secondary"
            )
            button.setProperty("compact", True)
            button.setProperty("cardAction", True)
            button.clicked.connect(lambda _checked=False, a=action: self._open(a))
            buttons[action] = button
        statement = touch_button(
            "Print statement",
            "printStatementButton",
            "Print the card's last activities",
            self,
            role="secondary",
        )
        # Its own name for the theme: it may stand outside the bar (the Gift Cards tab).
        statement.setProperty("cardAction", True)
        statement.setProperty("compact", True)
        statement.clicked.connect(self._print_statement)
        buttons[None] = statement
        return buttons

    # -- what the bar offers -------------------------------------------------------------------

    @property
    def offers_actions(self) -> bool:
        """Whether the card on show offers the employee any action (not counting the
        statement)."""
        return bool(offered_actions(self._card, self._manager))

    def set_manager(self, manager: bool) -> None:
        self._manager = manager
        self._arrange()

    def show_card(self, card: CardSummary | None, counter_number: str | None = None) -> None:
        """The card on screen; ``counter_number``: its full number when it was found by it at
        the counter (kept only while the same card is shown)."""
        same = card is not None and self._card is not None and card.id == self._card.id
        if counter_number is not None or not same:
            self._counter_number = counter_number
        self._card = card
        self._arrange()

    def reset(self) -> None:
        self._presenter.reset()
        if self.menu is not None:
            self.menu.reject()
        if self.dialog is not None:
            self.dialog.reject()  # the register locks: nothing half-typed stays
        self._statement_asked = False
        self.show_card(None)

    def fill_scanned(self, code: str) -> bool:
        """A scan while one of this bar's dialogs is open goes to it."""
        dialog = self.dialog
        if dialog is None or not dialog.isVisible():
            return False
        dialog.fill_scanned(code)
        return True

    def _arrange(self) -> None:
        card = self._card
        shown: list[CardAction | None] = list(offered_actions(card, self._manager))
        statement = card is not None and (self._manager or self._statement_for_all)
        if statement and self._statement_in_bar:
            shown.append(None)
        for key, button in self.buttons.items():
            if key is not None or self._statement_in_bar:
                self._grid.removeWidget(button)
                button.hide()
        for index, key in enumerate(shown):
            button = self.buttons[key]
            self._grid.addWidget(button, index // self._columns, index % self._columns)
            button.show()
        if not self._statement_in_bar:
            self.statement_button.setVisible(statement)
        if self.manage_button is not None:
            self.manage_button.setVisible(bool(shown))
            if not shown and self.menu is not None:
                self.menu.reject()
        self.setVisible(bool(shown))

    # -- acting --------------------------------------------------------------------------------

    def _open(self, action: CardAction) -> None:
        card = self._card
        if card is None or self.dialog is not None:
            return
        if self.menu is not None:
            self.menu.accept()
        dialog = CardActionDialog(
            self._presenter, action, card, self.window(), counter_number=self._counter_number
        )
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()

    def _forget(self, dialog: CardActionDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _done(self, result: ActionResult) -> None:
        if self.dialog is None:
            return  # the other place's action
        self.said.emit(done_message(result, self._presenter.rules), "info")
        self.changed.emit(result)

    def _print_statement(self) -> None:
        if self._card is not None:
            self._statement_asked = True
            self._presenter.print_statement(self._card.id)

    def _statement_said(self, text: str, kind: str) -> None:
        if self._statement_asked:
            self._statement_asked = False
            self.said.emit(text, kind)
