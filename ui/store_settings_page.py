"""The Back Office's store settings: one form in a page that scrolls up and down, each field
with its message line under it, and Save under the form. Only what changed is sent.

The Back Office loads the page each time it comes into view (unless the manager has edits not
saved yet) and empties it when the register locks; while a save runs the form takes no taps."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
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
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.approvals import APPROVAL_LABELS, ApprovalAction
from pos_desktop.domain.money import Money
from pos_desktop.domain.product_rules import tax_rate_text
from pos_desktop.domain.store_setup import (
    COMMON_CURRENCIES,
    COMMON_LOCALES,
    TAX_RATES_MAX,
    TIP_PRESETS_MAX,
    tax_rate_field,
    timezone_choices,
)
from pos_desktop.services.results import StoreSettingsValues
from ui.presenters.store_settings import (
    CODE_MINUTES,
    CODE_RECIPIENTS,
    CURRENCY_LOCKED,
    IDLE_LOCK_MINUTES,
    TIP_BASES,
    StoreSettingsForm,
    StoreSettingsPresenter,
)
from ui.widgets.amount_field import AmountField
from ui.widgets.form_fields import keep_bold_room, message_label, typed_combo
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
PERCENT_WIDTH = 110  # "100.00" whole
TIP_WIDTH = 90  # "100" whole
APPROVAL_COLUMNS = 2
CHECKED_MARK = "✓ "
FIELD_ABOVE_PX = 120  # a refused field shown with its message: room for the field above it
MESSAGE_LINES = 2  # a field whose message lies between it and its keys keeps room for two


class TaxRateRow(QWidget):
    """One of the store's tax rates: its name, its percentage, a ✕ that removes the row, and
    its message line under them, its room kept when empty."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.name = QLineEdit(self)
        make_touchable(self.name)
        self.name.setPlaceholderText("Name, e.g. Sales tax")
        self.percent = QLineEdit(self)
        make_touchable(self.percent)
        self.percent.setPlaceholderText("8.25")
        self.percent.setMaximumWidth(PERCENT_WIDTH)
        self.remove = touch_button("✕", "", "", self, role="secondary")
        self.message = message_label("", self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.name, 1)
        row.addWidget(self.percent)
        row.addWidget(QLabel("%", self))
        row.addWidget(self.remove)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.message)

    def number(self, index: int) -> None:
        """Names for the row at ``index`` (0 first): they follow a row removed above."""
        place = index + 1
        name_widget(self, f"taxRateRow{index}", f"Tax rate {place}")
        name_widget(self.name, f"taxRateName{index}", f"Tax rate {place}: name")
        name_widget(self.percent, f"taxRatePercent{index}", f"Tax rate {place}: percent")
        name_widget(self.remove, f"removeTaxRate{index}", f"Remove tax rate {place}")
        self.message.setObjectName(f"taxRateMessage{index}")

    def typed(self) -> tuple[str, str]:
        return self.name.text(), self.percent.text()


def _minutes_label(seconds: int) -> str:
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


class StoreSettingsPage(QWidget):
    """``presenter`` loads and saves; the page loads when first shown."""

    def __init__(self, presenter: StoreSettingsPresenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name_widget(self, "storeSettingsPage", "Store settings")
        self._presenter = presenter
        self.messages: dict[str, QLabel] = {}
        self.tax_rate_rows: list[TaxRateRow] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("storeSettingsScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        enable_finger_scroll(self.scroll_area)
        form_page = QWidget(self.scroll_area)
        form_page.setObjectName("storeSettingsForm")
        self.form_page = form_page
        form = QGridLayout(form_page)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)
        self._row = 0
        self._build_store(form, form_page)
        self._build_money(form, form_page)
        self._build_rules(form, form_page)
        self._build_approvals(form, form_page)
        self.scroll_area.setWidget(form_page)
        outer.addWidget(self.scroll_area, 1)
        outer.addLayout(self._build_actions())
        presenter.loaded.connect(self._show)
        presenter.refused.connect(self._show_refusals)
        presenter.status.connect(self.status.setText)
        presenter.busy_changed.connect(self._busy)

    # -- building ----------------------------------------------------------------------------

    def _add(
        self,
        form: QGridLayout,
        field: str,
        caption: str,
        widget: QWidget | QLayout,
        column: int,
        message: QLabel | None = None,
    ) -> QLabel:
        """A caption and its field, the field's message line under it (``message``: one the
        field already places); two per row, or one across the row for column -1."""
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
        if message is None:
            message = message_label(f"{field}Message", parent)
            block.addWidget(message)
        self.messages[field] = message
        if column < 0:
            form.addLayout(block, self._row, 1, 1, 3)
        else:
            form.addLayout(block, self._row, 2 * column + 1)
        if column != 0:
            self._row += 1
        return label

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
            keep_bold_room(button)  # a checked choice's bold text needs more than its hint
            group.addButton(button)
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
        self.timezone = typed_combo("timezoneInput", "Time zone", timezone_choices(), page)
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
        self._add(form, "tax_rates", "Tax rates", self._build_tax_rates(page), -1)
        self._add(form, "tip_base", "Tip % of", tip_row, 0)

    def _build_tax_rates(self, page: QWidget) -> QVBoxLayout:
        """Add above the rows: a new row comes under it, and Add stays under the finger."""
        self.add_tax_rate = touch_button(
            "+ Add a tax rate", "addTaxRateButton", "Add a tax rate", page, role="secondary"
        )
        self.add_tax_rate.clicked.connect(self._add_tax_rate)
        self._tax_rows_box = QVBoxLayout()
        self._tax_rows_box.setContentsMargins(0, 0, 0, 0)
        self._tax_rows_box.setSpacing(2)
        block = QVBoxLayout()
        block.setSpacing(4)
        block.addWidget(self.add_tax_rate, 0, Qt.AlignmentFlag.AlignLeft)
        block.addLayout(self._tax_rows_box)
        return block

    def _build_tip_presets(self, page: QWidget) -> QHBoxLayout:
        self.tip_presets: list[QLineEdit] = []
        row = QHBoxLayout()
        for index in range(TIP_PRESETS_MAX):
            field = self._line(f"tipPreset{index}", f"Tip button {index + 1}, percent", page)
            field.setMaxLength(3)
            field.setMaximumWidth(TIP_WIDTH)
            row.addWidget(field)
            row.addWidget(QLabel("%", page))
            row.addSpacing(8)
            self.tip_presets.append(field)
        hint = QLabel("besides No tip", page)
        hint.setProperty("hint", True)
        row.addWidget(hint)
        row.addStretch(1)
        return row

    def _build_rules(self, form: QGridLayout, page: QWidget) -> None:
        self.idle_lock = self._minutes("idleLockInput", "Lock after idle", page)
        self._add(form, "idle_lock_seconds", "Lock after", self.idle_lock, 1)
        self._add(form, "tip_presets", "Tip buttons", self._build_tip_presets(page), -1)
        self.code_to, code_row = self._choices(
            "codeTo", "Deduct Funds code goes to", CODE_RECIPIENTS, page
        )
        self.code_minutes = self._minutes("codeMinutesInput", "Deduct Funds code works for", page)
        self._add(form, "deduction_code_to", "Code to", code_row, -1)
        self._add(form, "deduction_code_minutes", "Code works", self.code_minutes, 0)
        self._add(form, "max_card_amount", "Largest card", self._build_card_amounts(page), 1,
                  self._max_card_message)  # fmt: skip
        self._build_card_rules(form, page)

    def _build_card_amounts(self, page: QWidget) -> QVBoxLayout:
        """The largest card's field over the keypad; the keypad types into whichever of the
        page's amounts was tapped last (this one at first)."""
        self.max_card = AmountField("maxCardInput", "Largest card amount", page, scale=1.0)
        self.min_card = AmountField("minCardInput", "Smallest card amount", page, scale=1.0)
        self.cash_out_below = AmountField(
            "cashOutBelowInput", "Cash-out by law under", page, scale=1.0
        )
        self._keyed = self.max_card
        keypad = Keypad(page, key_scale=1.0, with_enter=False, spacing=6)
        keypad.setObjectName("maxCardKeypad")
        keypad.digit_pressed.connect(lambda digit: self._keyed.press_digit(digit))
        keypad.backspace_pressed.connect(lambda: self._keyed.press_backspace())
        keypad.clear_pressed.connect(lambda: self._keyed.press_clear())
        keypad.setMaximumWidth(KEYPAD_WIDTH)
        for field in (self.max_card, self.min_card, self.cash_out_below):
            field.setMinimumWidth(MIN_AMOUNT_WIDTH)
            field.installEventFilter(self)
        # The field's refusals (a key it takes not, a cleared amount at Save) on one line right
        # under it, with room for two kept: the keys under it never move.
        self.max_card.message.hide()
        self._max_card_message = message_label("max_card_amountMessage", page)
        self.max_card.edited.connect(
            lambda: self._max_card_message.setText(self.max_card.message_text())
        )
        amount_row = QVBoxLayout()
        amount_row.setSpacing(2)
        amount_row.addWidget(self.max_card)
        amount_row.addWidget(self._max_card_message)
        amount_row.addWidget(keypad)
        return amount_row

    def _build_card_rules(self, form: QGridLayout, page: QWidget) -> None:
        """The smallest card, the cash-out law and whether a gift card pays for one."""
        law = QLabel(
            "A card holding less is cashed out on request, where the law says so "
            "(California: $10.00). Empty: no such law.",
            page,
        )
        law.setProperty("hint", True)
        law.setWordWrap(True)
        cash_out = QVBoxLayout()
        cash_out.setSpacing(2)
        cash_out.addWidget(self.cash_out_below)
        cash_out.addWidget(law)
        for field, name, caption, widget, column in (
            (self.min_card, "min_card_amount", "Smallest card", self.min_card, 0),
            (self.cash_out_below, "cash_out_below", "Cash out under", cash_out, 1),
        ):
            # The form's message line says the field's refusals too: one line, not two.
            field.message.hide()
            self._add(form, name, caption, widget, column)
            line = self.messages[name]
            field.edited.connect(lambda f=field, m=line: m.setText(f.message_text()))
        text = "A gift card may pay for a gift card"
        self.card_for_card = self._add_toggle(
            form,
            "giftcard_pays_giftcard",
            "Gift cards",
            _toggle(text, "giftcardPaysGiftcard", text, page),
        )
        text = "Cards sold here are redeemed there too"
        self.chain_wide = self._add_toggle(
            form, "cards_chain_wide", "Other stores", _toggle(text, "cardsChainWide", text, page)
        )

    def _add_toggle(
        self, form: QGridLayout, field: str, caption: str, toggle: QPushButton
    ) -> QPushButton:
        """A yes-or-no setting across a row of its own: the whole row wide, so that its text,
        bold and behind a check once on, is never cut."""
        row = QHBoxLayout()
        row.addWidget(toggle, 1)
        self._add(form, field, caption, row, -1)
        return toggle

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, AmountField):
            self._keyed = watched
        return super().eventFilter(watched, event)

    def _build_approvals(self, form: QGridLayout, page: QWidget) -> None:
        """One toggle an action: checked, a cashier needs a manager's PIN to do it."""
        about = QLabel("A cashier needs a manager's PIN on the spot to:", page)
        about.setProperty("hint", True)
        about.setWordWrap(True)
        grid = QGridLayout()
        grid.setSpacing(6)
        self.approvals: dict[ApprovalAction, QPushButton] = {}
        for index, (action, label) in enumerate(APPROVAL_LABELS.items()):
            words = "".join(part.capitalize() for part in action.value.split("_"))
            button = _toggle(label, f"approval{words}", f"Needs a manager's PIN: {label}", page)
            grid.addWidget(button, index // APPROVAL_COLUMNS, index % APPROVAL_COLUMNS)
            self.approvals[action] = button
        for column in range(APPROVAL_COLUMNS):
            grid.setColumnStretch(column, 1)
        block = QVBoxLayout()
        block.setSpacing(4)
        block.addWidget(about)
        block.addLayout(grid)
        self._add(form, "approvals", "Manager's PIN", block, -1)

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setContentsMargins(8, 4, 8, 4)
        self.status = QLabel(self)
        name_widget(self.status, "storeSettingsStatus", "Store settings status")
        self.status.setWordWrap(True)
        self.reload_button = touch_button(
            "Reload", "reloadStoreButton", "Reload the store's settings", self, role="secondary"
        )
        self.reload_button.clicked.connect(self._reload)
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
        # Room for two lines once the theme has set the message's font.
        self._max_card_message.ensurePolished()
        metrics = self._max_card_message.fontMetrics()
        self._max_card_message.setFixedHeight(metrics.lineSpacing() * MESSAGE_LINES + 2)

    def load(self) -> None:
        """The page came into view: the store's settings as the server has them now, unless
        the manager has edits not saved yet (a look at another page loses nothing)."""
        if self._presenter.busy:
            return
        if self._presenter.current is None or not self._presenter.has_edits(self.form()):
            self._presenter.load()

    def reset(self) -> None:
        """The manager left: nothing of theirs stays, and the next manager's view loads anew."""
        self._presenter.reset()
        for line in (self.name_input, self.address, self.phone, self.tenders, *self.tip_presets):
            line.clear()
        self.receipt_header.clear()
        self.receipt_footer.clear()
        self._set_tax_rates(())
        for button in self.approvals.values():
            button.setChecked(False)
        for amount in (self.max_card, self.min_card, self.cash_out_below):
            amount.set_amount(None)
        self.card_for_card.setChecked(False)
        self.status.clear()
        self._show_refusals({})
        self.form_page.setEnabled(True)
        self.scroll_area.verticalScrollBar().setValue(0)

    def _reload(self) -> None:
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
        self._set_tax_rates(values.tax_rates)
        for index, field in enumerate(self.tip_presets):
            presets = values.tip_presets
            field.setText(str(presets[index]) if index < len(presets) else "")
        for action, button in self.approvals.items():
            button.setChecked(action in values.approvals)
        _check(self.tip_base, values.tip_base)
        _check(self.code_to, values.deduction_code_to)
        _fill_minutes(self.idle_lock, IDLE_LOCK_MINUTES, values.idle_lock_seconds)
        _fill_minutes(self.code_minutes, CODE_MINUTES, values.deduction_code_minutes * 60)
        for amount, value in (
            (self.max_card, values.max_card_amount),
            (self.min_card, values.min_card_amount),
            (self.cash_out_below, values.cash_out_below),
        ):
            amount.set_currency(values.max_card_amount.currency)
            amount.set_amount(value)
        self.card_for_card.setChecked(values.giftcard_pays_giftcard)
        self.chain_wide.setChecked(values.cards_chain_wide)
        self._show_refusals({})

    # -- tax rates ---------------------------------------------------------------------------

    def _set_tax_rates(self, rates: tuple[tuple[str, int], ...]) -> None:
        for row in self.tax_rate_rows:
            row.hide()
            row.setParent(None)
            row.deleteLater()
        self.tax_rate_rows = []
        for name, rate_bp in rates:
            row = self._new_tax_rate_row()
            row.name.setText(name)
            row.percent.setText(tax_rate_text(rate_bp))
        self._follow_tax_rates()

    def _new_tax_rate_row(self) -> TaxRateRow:
        row = TaxRateRow(self.form_page)
        row.remove.clicked.connect(lambda _=False, r=row: self._remove_tax_rate(r))
        self._tax_rows_box.addWidget(row)
        row.show()  # now, not at the next turn of the event loop: a tap may come first
        self.tax_rate_rows.append(row)
        return row

    def _add_tax_rate(self) -> None:
        row = self._new_tax_rate_row()
        self._follow_tax_rates()
        row.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _remove_tax_rate(self, row: TaxRateRow) -> None:
        self.tax_rate_rows.remove(row)
        row.hide()
        row.setParent(None)  # out of the page at once: its names now belong to the next row
        row.deleteLater()
        # The rows' messages were about their places before: gone with them.
        for other in self.tax_rate_rows:
            other.message.clear()
        self.messages["tax_rates"].clear()
        self._follow_tax_rates()

    def _follow_tax_rates(self) -> None:
        """Each row named by its place now; Add only while the store may have another."""
        for index, row in enumerate(self.tax_rate_rows):
            row.number(index)
        self.add_tax_rate.setEnabled(len(self.tax_rate_rows) < TAX_RATES_MAX)

    def _show_refusals(self, errors: dict[str, str]) -> None:
        current = self._presenter.current
        locked = current is not None and current.currency_locked
        for field, label in self.messages.items():
            text = errors.get(field, "")
            if field == "currency" and not text and locked:
                text = CURRENCY_LOCKED
            label.setText(text)
        for index, row in enumerate(self.tax_rate_rows):
            row.message.setText(errors.get(tax_rate_field(index), ""))
        refused = [label for label in self._message_lines() if label.text() and errors]
        if refused:
            # The first field to fix comes into view, with the field over its message.
            self.scroll_area.ensureWidgetVisible(refused[0], 0, FIELD_ABOVE_PX)

    def _message_lines(self) -> list[QLabel]:
        """Every message line from the top of the form down."""
        lines: list[QLabel] = []
        for field, label in self.messages.items():
            if field == "tax_rates":
                lines += [row.message for row in self.tax_rate_rows]
            if field != "currency" or label.text() != CURRENCY_LOCKED:
                lines.append(label)
        return lines

    def form(self) -> StoreSettingsForm:
        """What the form holds now; the settings the rules read first as typed."""
        current = self._presenter.current
        return StoreSettingsForm(
            others=self._others(current),
            tax_rate_rows=tuple(row.typed() for row in self.tax_rate_rows),
            tip_preset_texts=tuple(field.text() for field in self.tip_presets),
            max_card_amount=self.max_card.amount(),
            min_card_amount=self.min_card.amount(),
            cash_out_below=self.cash_out_below.amount(),
        )

    def _others(self, current: StoreSettingsValues | None) -> StoreSettingsValues:
        tip_base = _checked(self.tip_base, current.tip_base if current else "subtotal")
        code_to = _checked(self.code_to, current.deduction_code_to if current else "buyer")
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
            tip_base=tip_base,
            idle_lock_seconds=int(self.idle_lock.currentData() or 0),
            deduction_code_to=code_to,
            deduction_code_minutes=int(self.code_minutes.currentData() or 0) // 60,
            max_card_amount=current.max_card_amount if current else Money(0, "USD"),
            tenders=tuple(
                name.strip() for name in self.tenders.text().split(TENDER_SEPARATOR) if name.strip()
            ),
            currency_locked=current.currency_locked if current else False,
            approvals=frozenset(
                action for action, button in self.approvals.items() if button.isChecked()
            ),
            giftcard_pays_giftcard=self.card_for_card.isChecked(),
            cards_chain_wide=self.chain_wide.isChecked(),
        )

    def _save(self) -> None:
        if self._presenter.current is not None:
            self._presenter.save(self.form())

    def _busy(self, busy: bool) -> None:
        """While a load or a save runs, the form takes no taps: a value typed meanwhile would
        be replaced by the answer, or left out of what was sent."""
        self.form_page.setEnabled(not busy)
        self.save_button.setEnabled(not busy)
        self.reload_button.setEnabled(not busy)


def _toggle(text: str, object_name: str, accessible_name: str, parent: QWidget) -> QPushButton:
    """A yes-or-no touch button that shows a check while it is on."""
    button = touch_button(text, object_name, accessible_name, parent)
    button.setCheckable(True)
    button.setProperty("tipPreset", True)  # the theme's look of a checked toggle
    button.toggled.connect(
        lambda checked: button.setText(f"{CHECKED_MARK}{text}" if checked else text)
    )
    return button


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
