"""Counting the drawer: how many of each note and coin of the store's currency (a row each, two
columns), or only the total; a keypad types into the field tapped last. A count with a letter
or a minus sign never reaches a field: the panel's message line says why, as the amount field
does for amounts (``domain.shifts.parse_pieces`` is the rule)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.errors import InvalidAmount
from pos_desktop.domain.money import Money
from pos_desktop.domain.shifts import (
    DrawerCount,
    count_by_denomination,
    count_total,
    parse_pieces,
)
from ui.widgets.amount_field import AmountField
from ui.widgets.form_fields import message_label
from ui.widgets.keypad import Keypad
from ui.widgets.layouts import clear_layout
from ui.widgets.touch import make_touchable, name_widget, touch_button

BY_TOTAL = "Type the total instead"
BY_PIECES = "Count notes and coins"
KEYPAD_WIDTH_PX = 250
PIECES_WIDTH_PX = 84


class _PiecesValidator(QValidator):
    """Refuses text that is no count before it reaches the field; ``refused`` says why."""

    def __init__(self, field: PiecesField) -> None:
        super().__init__(field)
        self._field = field

    def validate(self, text: str, pos: int) -> QValidator.State:
        try:
            parse_pieces(text)
        except InvalidAmount as refused:
            self._field.refused.emit(refused.message)
            return QValidator.State.Invalid
        return QValidator.State.Acceptable


class PiecesField(QLineEdit):
    """How many of one note or coin (``value`` minor units)."""

    refused = Signal(str)

    def __init__(self, value: Money, locale: str, prefix: str, parent: QWidget) -> None:
        """Named ``prefix`` and the value in minor units: "closeCount2000" counts $20 bills."""
        super().__init__(parent)
        self.value = value
        shown = value.format(locale)
        name_widget(self, f"{prefix}{value.minor}", f"How many {shown}")
        self.setPlaceholderText("0")
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.setMaxLength(5)
        self.setFixedWidth(PIECES_WIDTH_PX)
        make_touchable(self)
        self.setValidator(_PiecesValidator(self))

    def pieces(self) -> int:
        return parse_pieces(self.text())

    def press_digit(self, digit: str) -> None:
        self._offer(self.text() + digit)

    def press_backspace(self) -> None:
        self._offer(self.text()[:-1])

    def press_clear(self) -> None:
        self._offer("")

    def _offer(self, text: str) -> None:
        """A key of the keypad: taken as the keyboard's would be, through the validator."""
        validator = self.validator()
        if len(text) <= self.maxLength() and (
            validator is None or validator.validate(text, len(text)) is QValidator.State.Acceptable
        ):
            self.setText(text)
            self.textEdited.emit(text)


class DrawerCountPanel(QWidget):
    """``changed``: the count shown changed (a key, a mode)."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget) -> None:
        """``name``: the panel's (and its parts') object name prefix, e.g. "floatCount"."""
        super().__init__(parent)
        self.setObjectName(name)
        self._name = name
        self._currency = "USD"
        self._locale = "en_US"
        self._fields: list[PiecesField] = []
        self._keyed: PiecesField | AmountField | None = None
        self.message = message_label(f"{name}Message", self)
        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(18)
        columns.addLayout(self._build_fields(), 1)
        columns.addWidget(self._build_keypad(), 0, Qt.AlignmentFlag.AlignTop)

    def _build_fields(self) -> QVBoxLayout:
        self.modes = QStackedWidget(self)
        self.modes.setObjectName(f"{self._name}Modes")
        pieces_page = QWidget(self.modes)
        self.grid = QGridLayout(pieces_page)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(6)
        total_page = QWidget(self.modes)
        self.total_field = AmountField(f"{self._name}Total", "Total in the drawer", total_page)
        self.total_field.edited.connect(self._typed)
        self.total_field.installEventFilter(self)
        total_box = QVBoxLayout(total_page)
        total_box.setContentsMargins(0, 0, 0, 0)
        total_box.addLayout(self.total_field.with_message())
        total_box.addStretch(1)
        self.modes.addWidget(pieces_page)
        self.modes.addWidget(total_page)
        self.mode_button = touch_button(
            BY_TOTAL, f"{self._name}Mode", BY_TOTAL, self, role="secondary"
        )
        self.mode_button.clicked.connect(self._switch_mode)
        self.total_label = QLabel(self)
        self.total_label.setObjectName(f"{self._name}Counted")
        self.total_label.setProperty("heading", True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.mode_button)
        bottom.addStretch(1)
        bottom.addWidget(self.total_label)
        box = QVBoxLayout()
        box.setSpacing(6)
        box.addWidget(self.modes, 1)
        box.addWidget(self.message)
        box.addLayout(bottom)
        return box

    def _build_keypad(self) -> Keypad:
        self.keypad = Keypad(self, key_scale=1.0, with_enter=False, spacing=6)
        self.keypad.setObjectName(f"{self._name}Keypad")
        self.keypad.setFixedWidth(KEYPAD_WIDTH_PX)
        self.keypad.digit_pressed.connect(self._digit)
        self.keypad.backspace_pressed.connect(self._backspace)
        self.keypad.clear_pressed.connect(self._clear)
        return self.keypad

    # -- the store's currency ----------------------------------------------------------------

    def set_currency(self, currency: str, locale: str, notes: tuple[Money, ...]) -> None:
        """One row per note and coin (largest first, down the first column then the second);
        a currency with none listed is counted as a total only."""
        self._currency, self._locale = currency, locale
        self.total_field.set_currency(currency)
        clear_layout(self.grid)
        self._fields = []
        rows = (len(notes) + 1) // 2
        for index, value in enumerate(notes):
            field = PiecesField(value, locale, self._name, self)
            field.textEdited.connect(self._typed)
            field.refused.connect(self._say)
            field.installEventFilter(self)
            label = QLabel(value.format(locale), self)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row, column = index % rows, (index // rows) * 3
            self.grid.addWidget(label, row, column)
            self.grid.addWidget(field, row, column + 1)
            if column == 0:
                self.grid.setColumnMinimumWidth(2, 24)
            self._fields.append(field)
        self.grid.setRowStretch(rows, 1)
        self._keyed = self._fields[0] if self._fields else self.total_field
        self.mode_button.setVisible(bool(notes))
        self.modes.setCurrentIndex(0 if notes else 1)
        self._show_total()

    # -- the count ---------------------------------------------------------------------------

    @property
    def by_pieces(self) -> bool:
        return self.modes.currentIndex() == 0

    def count(self) -> DrawerCount:
        """What the drawer holds as counted; InvalidAmount when a field holds no count."""
        if self.by_pieces:
            pieces = {field.value.minor: field.pieces() for field in self._fields}
            return count_by_denomination(self._currency, pieces)
        return count_total(self.total_field.amount() or Money.zero(self._currency))

    def counted(self) -> bool:
        """Whether anything was typed: a blank count is not a count of 0."""
        if self.by_pieces:
            return any(field.text() for field in self._fields)
        return self.total_field.amount() is not None

    def total(self) -> Money:
        try:
            return self.count().total
        except InvalidAmount:
            return Money.zero(self._currency)

    def reset(self) -> None:
        for field in self._fields:
            field.clear()
        self.total_field.set_amount(None)
        self.message.clear()
        if self._fields:
            self.modes.setCurrentIndex(0)
            self._keyed = self._fields[0]
        self._show_mode()
        self._show_total()

    def _switch_mode(self) -> None:
        self.modes.setCurrentIndex(1 if self.by_pieces else 0)
        self._keyed = self.total_field if not self.by_pieces else self._fields[0]
        self._show_mode()
        self._typed()

    def _show_mode(self) -> None:
        text = BY_TOTAL if self.by_pieces else BY_PIECES
        self.mode_button.setText(text)
        self.mode_button.setAccessibleName(text)

    def _show_total(self) -> None:
        self.total_label.setText(f"Counted {self.total().format(self._locale)}")

    def _typed(self, _text: str = "") -> None:
        self.message.clear()
        self._show_total()
        self.changed.emit()

    def _say(self, message: str) -> None:
        self.message.setText(message)

    # -- the keypad --------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, PiecesField | AmountField):
            self._keyed = watched
        return super().eventFilter(watched, event)

    def _digit(self, digit: str) -> None:
        if self._keyed is not None:
            self._keyed.press_digit(digit)

    def _backspace(self) -> None:
        if self._keyed is not None:
            self._keyed.press_backspace()

    def _clear(self) -> None:
        if self._keyed is not None:
            self._keyed.press_clear()
