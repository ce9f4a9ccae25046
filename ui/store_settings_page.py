"""The Back Office's store settings: one form in a page that scrolls up and down, each field
with its message line under it, and Save under the form. Only what changed is sent."""

from __future__ import annotations

from zoneinfo import available_timezones

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.store_setup import COMMON_CURRENCIES, COMMON_LOCALES, COMMON_TIMEZONES
from pos_desktop.services.results import StoreSettingsValues
from ui.presenters.store_settings import (
    CODE_MINUTES,
    CODE_RECIPIENTS,
    CURRENCY_LOCKED,
    IDLE_LOCK_MINUTES,
    TIP_BASES,
    StoreSettingsPresenter,
)
from ui.widgets.amount_field import AmountField
from ui.widgets.form_fields import message_label, typed_combo
from ui.widgets.keypad import Keypad
from ui.widgets.touch import (
    enable_finger_scroll,
    make_touchable,
    name_widget,
    touch_button,
    touch_target_px,
)

TEXT_LINES = 3  # a receipt header or footer shows this many lines before it scrolls
TENDER_SEPARATOR = ","
COMBO_CHARACTERS = 8
MIN_AMOUNT_WIDTH = 110  # "10,000.00" whole
KEYPAD_WIDTH = 300  # keys a finger's size with "Clear" whole, no wider
TAX_INCLUDED, TAX_EXCLUDED = "Prices include tax", "Prices exclude tax"


def _minutes_label(seconds: int) -> str:
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


class StoreSettingsPage(QWidget):
    """``presenter`` loads and saves; the page loads when first shown."""

    def __init__(self, presenter: StoreSettingsPresenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name_widget(self, "storeSettingsPage", "Store settings")
        self._presenter = presenter
        self._loaded_once = False
        self.messages: dict[str, QLabel] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("storeSettingsScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        enable_finger_scroll(self.scroll_area)
        form_page = QWidget(self.scroll_area)
        form = QGridLayout(form_page)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)
        self._row = 0
        self._build_store(form, form_page)
        self._build_money(form, form_page)
        self._build_rules(form, form_page)
        self.scroll_area.setWidget(form_page)
        outer.addWidget(self.scroll_area, 1)
        outer.addLayout(self._build_actions())
        presenter.loaded.connect(self._show)
        presenter.refused.connect(self._show_refusals)
        presenter.status.connect(self.status.setText)
        presenter.busy_changed.connect(self._busy)

    # -- building ----------------------------------------------------------------------------

    def _add(
        self, form: QGridLayout, field: str, caption: str, widget: QWidget | QLayout, column: int
    ) -> None:
        """A caption and its field, the field's message line under it; two per row, or one
        across the row for column -1."""
        parent = form.parentWidget() or self
        label = QLabel(caption, parent)
        label.setProperty("caption", True)
        form.addWidget(label, self._row, 2 * max(column, 0), Qt.AlignmentFlag.AlignTop)
        block = QVBoxLayout()
        block.setSpacing(2)
        if isinstance(widget, QLayout):
            block.addLayout(widget)
        else:
            block.addWidget(widget)
        message = message_label(f"{field}Message", parent)
        block.addWidget(message)
        self.messages[field] = message
        if column < 0:
            form.addLayout(block, self._row, 1, 1, 3)
        else:
            form.addLayout(block, self._row, 2 * column + 1)
        if column != 0:
            self._row += 1

    def _line(self, name: str, accessible: str, parent: QWidget) -> QLineEdit:
        line = QLineEdit(parent)
        name_widget(line, name, accessible)
        make_touchable(line)
        return line

    def _text(self, name: str, accessible: str, parent: QWidget) -> QPlainTextEdit:
        text = QPlainTextEdit(parent)
        name_widget(text, name, accessible)
        text.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        text.setFixedHeight(text.fontMetrics().lineSpacing() * TEXT_LINES + 16)
        text.setMinimumHeight(touch_target_px(text))
        return text

    def _choices(
        self, name: str, accessible: str, choices: tuple[tuple[str, str], ...], parent: QWidget
    ) -> tuple[QButtonGroup, QHBoxLayout]:
        """Exclusive toggle buttons, one a choice; each button's ``choice`` property its value."""
        group = QButtonGroup(parent)
        group.setExclusive(True)
        row = QHBoxLayout()
        for value, label in choices:
            button = touch_button(
                label, f"{name}{value.capitalize()}", f"{accessible}: {label}", parent
            )
            button.setCheckable(True)
            button.setProperty("tipPreset", True)  # the theme's look of a checked toggle
            button.setProperty("choice", value)
            group.addButton(button)
            # Equal shares of the row: a checked choice's bold text needs more than its hint.
            row.addWidget(button, 1)
        return group, row

    def _minutes(self, name: str, accessible: str, parent: QWidget) -> QComboBox:
        combo = QComboBox(parent)
        name_widget(combo, name, accessible)
        combo.setMinimumHeight(touch_target_px(combo))
        name_widget(combo.view(), f"{name}List", f"{accessible}: choices")
        enable_finger_scroll(combo.view())
        return combo

    def _build_store(self, form: QGridLayout, page: QWidget) -> None:
        self.name_input = self._line("storeNameInput", "Store name", page)
        self.phone = self._line("phoneInput", "Phone", page)
        self.address = self._line("addressInput", "Address", page)
        self.tenders = self._line("tendersInput", "Extra tenders, separated by commas", page)
        self.receipt_header = self._text("receiptHeaderInput", "Receipt header", page)
        self.receipt_footer = self._text("receiptFooterInput", "Receipt footer", page)
        self._add(form, "name", "Store name", self.name_input, 0)
        self._add(form, "phone", "Phone", self.phone, 1)
        # Long texts get the whole row: a half-row field would cut them.
        self._add(form, "address", "Address", self.address, -1)
        self._add(form, "tenders", "Extra tenders", self.tenders, -1)
        self._add(form, "receipt_header", "Receipt header", self.receipt_header, 0)
        self._add(form, "receipt_footer", "Receipt footer", self.receipt_footer, 1)

    def _build_money(self, form: QGridLayout, page: QWidget) -> None:
        self.currency = typed_combo("currencyInput", "Currency", list(COMMON_CURRENCIES), page)
        self.locale_input = typed_combo(
            "localeInput", "Language and region", list(COMMON_LOCALES), page
        )
        zones = list(COMMON_TIMEZONES) + sorted(available_timezones() - set(COMMON_TIMEZONES))
        self.timezone = typed_combo("timezoneInput", "Time zone", zones, page)
        for combo in (self.currency, self.locale_input, self.timezone):
            # As wide as the column gives, not as the longest zone name: no sideways scroll.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(COMBO_CHARACTERS)
        self.tax_included = touch_button(
            TAX_EXCLUDED, "taxIncludedButton", "Prices include tax", page
        )
        self.tax_included.setCheckable(True)
        self.tax_included.setProperty("tipPreset", True)
        self.tax_included.toggled.connect(
            lambda included: self.tax_included.setText(TAX_INCLUDED if included else TAX_EXCLUDED)
        )
        self.tip_base, tip_row = self._choices("tipBase", "Tips taken on", TIP_BASES, page)
        self._add(form, "currency", "Currency", self.currency, 0)
        self._add(form, "locale", "Language", self.locale_input, 1)
        self._add(form, "timezone", "Time zone", self.timezone, 0)
        self._add(form, "prices_include_tax", "Prices", self.tax_included, 1)
        self._add(form, "tip_base", "Tip % of", tip_row, 0)

    def _build_rules(self, form: QGridLayout, page: QWidget) -> None:
        self.idle_lock = self._minutes("idleLockInput", "Lock after idle", page)
        self._add(form, "idle_lock_seconds", "Lock after", self.idle_lock, 1)
        self.code_to, code_row = self._choices(
            "codeTo", "Deduct Funds code goes to", CODE_RECIPIENTS, page
        )
        self.code_minutes = self._minutes("codeMinutesInput", "Deduct Funds code works for", page)
        self._add(form, "deduction_code_to", "Code to", code_row, -1)
        self._add(form, "deduction_code_minutes", "Code works", self.code_minutes, 0)
        self.max_card = AmountField("maxCardInput", "Largest card amount", page, scale=1.0)
        keypad = Keypad(page, key_scale=1.0, with_enter=False, spacing=6)
        keypad.setObjectName("maxCardKeypad")
        self.max_card.setMinimumWidth(MIN_AMOUNT_WIDTH)
        keypad.digit_pressed.connect(self.max_card.press_digit)
        keypad.backspace_pressed.connect(self.max_card.press_backspace)
        keypad.clear_pressed.connect(self.max_card.press_clear)
        keypad.setMaximumWidth(KEYPAD_WIDTH)
        amount_row = QVBoxLayout()
        amount_row.addWidget(self.max_card)
        amount_row.addWidget(keypad)
        self.max_card.message.hide()  # the page's own message line serves it
        self._add(form, "max_card_amount", "Largest card", amount_row, 1)

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setContentsMargins(8, 4, 8, 4)
        self.status = QLabel(self)
        name_widget(self.status, "storeSettingsStatus", "Store settings status")
        self.status.setWordWrap(True)
        self.reload_button = touch_button(
            "Reload", "reloadStoreButton", "Reload the store's settings", self, role="secondary"
        )
        self.reload_button.clicked.connect(self._presenter.load)
        self.save_button = touch_button(
            "Save", "saveStoreButton", "Save the store's settings", self, role="primary"
        )
        self.save_button.clicked.connect(self._save)
        row.addWidget(self.status, 1)
        row.addWidget(self.reload_button)
        row.addWidget(self.save_button)
        return row

    # -- showing -----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded_once:
            self._loaded_once = True
            self._presenter.load()

    def _show(self, values: StoreSettingsValues) -> None:
        self.name_input.setText(values.name)
        self.address.setText(values.address)
        self.phone.setText(values.phone)
        self.receipt_header.setPlainText(values.receipt_header)
        self.receipt_footer.setPlainText(values.receipt_footer)
        self.tenders.setText(f"{TENDER_SEPARATOR} ".join(values.tenders))
        self.tenders.setCursorPosition(0)  # the first names, not the last
        self.currency.setCurrentText(values.currency)
        self.currency.setEnabled(not values.currency_locked)
        self.locale_input.setCurrentText(values.locale)
        self.timezone.setCurrentText(values.timezone)
        self.tax_included.setChecked(values.prices_include_tax)
        _check(self.tip_base, values.tip_base)
        _check(self.code_to, values.deduction_code_to)
        _fill_minutes(self.idle_lock, IDLE_LOCK_MINUTES, values.idle_lock_seconds)
        _fill_minutes(self.code_minutes, CODE_MINUTES, values.deduction_code_minutes * 60)
        self.max_card.set_currency(values.max_card_amount.currency)
        self.max_card.set_amount(values.max_card_amount)
        self._show_refusals({})

    def _show_refusals(self, errors: dict[str, str]) -> None:
        current = self._presenter.current
        locked = current is not None and current.currency_locked
        for field, label in self.messages.items():
            text = errors.get(field, "")
            if field == "currency" and not text and locked:
                text = CURRENCY_LOCKED
            label.setText(text)

    def edited(self) -> StoreSettingsValues | None:
        """What the form holds now, or None before the settings are loaded."""
        current = self._presenter.current
        if current is None:
            return None
        amount = self.max_card.amount() or current.max_card_amount
        return StoreSettingsValues(
            name=self.name_input.text().strip(),
            address=self.address.text().strip(),
            phone=self.phone.text().strip(),
            receipt_header=self.receipt_header.toPlainText().strip(),
            receipt_footer=self.receipt_footer.toPlainText().strip(),
            currency=self.currency.currentText().strip().upper(),
            locale=self.locale_input.currentText().strip(),
            timezone=self.timezone.currentText().strip(),
            prices_include_tax=self.tax_included.isChecked(),
            tip_base=_checked(self.tip_base, current.tip_base),
            idle_lock_seconds=int(self.idle_lock.currentData()),
            deduction_code_to=_checked(self.code_to, current.deduction_code_to),
            deduction_code_minutes=int(self.code_minutes.currentData()) // 60,
            max_card_amount=amount,
            tenders=tuple(
                name.strip() for name in self.tenders.text().split(TENDER_SEPARATOR) if name.strip()
            ),
            currency_locked=current.currency_locked,
        )

    def _save(self) -> None:
        edited = self.edited()
        if edited is not None:
            self._presenter.save(edited)

    def _busy(self, busy: bool) -> None:
        self.save_button.setEnabled(not busy)
        self.reload_button.setEnabled(not busy)


def _check(group: QButtonGroup, value: str) -> None:
    for button in group.buttons():
        button.setChecked(button.property("choice") == value)


def _checked(group: QButtonGroup, default: str) -> str:
    button: QAbstractButton | None = group.checkedButton()
    return str(button.property("choice")) if button is not None else default


def _fill_minutes(combo: QComboBox, minutes: tuple[int, ...], seconds: int) -> None:
    """The choices in minutes, with the store's own value among them even if it is not one."""
    combo.clear()
    choices = sorted({minute * 60 for minute in minutes} | {seconds})
    for choice in choices:
        combo.addItem(_minutes_label(choice), choice)
    combo.setCurrentIndex(choices.index(seconds))
