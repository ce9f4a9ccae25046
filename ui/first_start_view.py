"""The first start: what is this register? A new store, a register of a store server, or the
demo store; each answer's form, with its messages next to the fields they are about."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.store_setup import COMMON_CURRENCIES, COMMON_LOCALES, timezone_choices
from ui.presenters.first_start import FirstStartPresenter
from ui.widgets.form_fields import message_label, typed_combo
from ui.widgets.pin_twice import PinTwice
from ui.widgets.touch import (
    make_touchable,
    name_widget,
    touch_button,
)

SETTING_UP = "Setting up…"
TAX_PERCENT_WIDTH = 110  # "100.00" whole
DEFAULT_CURRENCY, DEFAULT_LOCALE, DEFAULT_TIMEZONE = "USD", "en_US", "America/New_York"


class FirstStartView(QWidget):
    def __init__(self, presenter: FirstStartPresenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstStartView")
        self.setAccessibleName("First start")
        self._presenter = presenter
        self.pages = QStackedWidget(self)
        self.pages.setObjectName("firstStartPages")
        self.choice_page = self._build_choice()
        self.store_page = self._build_store()
        self.join_page = self._build_join()
        for page in (self.choice_page, self.store_page, self.join_page):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 20, 32, 20)
        layout.addWidget(self.pages)
        presenter.invalid.connect(self._show_invalid)
        presenter.failed.connect(self._show_failed)
        presenter.busy_changed.connect(self._show_busy)

    # -- the question ---------------------------------------------------------------------------

    def _build_choice(self) -> QWidget:
        page = QWidget(self)
        title = QLabel("Welcome. What is this register?", page)
        title.setObjectName("loginStoreName")
        title.setWordWrap(True)
        column = QVBoxLayout(page)
        column.setSpacing(10)
        column.addStretch(1)
        column.addWidget(title)
        column.addSpacing(16)
        choices = (
            (
                "Set up a new store",
                "newStoreButton",
                "This register is the store: enter the store and its first manager.",
                lambda: self.pages.setCurrentWidget(self.store_page),
            ),
            (
                "Join a store server",
                "joinServerButton",
                "The store has a server: a manager gives this register an enrollment code.",
                lambda: self.pages.setCurrentWidget(self.join_page),
            ),
            (
                "Try the demo store",
                "demoStoreButton",
                "Sample products and gift cards, marked DEMO. Nothing in it is real.",
                self._presenter.try_demo,
            ),
        )
        self.choice_buttons: list[QPushButton] = []
        for text, name, about, action in choices:
            button = touch_button(text, name, text, page, role="primary", scale=1.4)
            button.setMaximumWidth(640)
            button.clicked.connect(action)
            note = QLabel(about, page)
            note.setProperty("hint", True)
            note.setWordWrap(True)
            note.setMaximumWidth(640)
            column.addWidget(button)
            column.addWidget(note)
            column.addSpacing(12)
            self.choice_buttons.append(button)
        self.choice_status = message_label("choiceMessage", page)
        column.addWidget(self.choice_status)
        column.addStretch(1)
        return page

    # -- a new store ----------------------------------------------------------------------------

    def _build_store(self) -> QWidget:
        page = QWidget(self)
        title = QLabel("Set up a new store", page)
        title.setObjectName("loginPrompt")
        form = QGridLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(2)
        self.store_name = QLineEdit(page)
        name_widget(self.store_name, "storeNameInput", "Store name")
        make_touchable(self.store_name)
        self.address = QLineEdit(page)
        name_widget(self.address, "storeAddressInput", "Store address")
        self.address.setPlaceholderText("Printed on receipts")
        make_touchable(self.address)
        self.phone = QLineEdit(page)
        name_widget(self.phone, "storePhoneInput", "Store phone")
        make_touchable(self.phone)
        self.currency = typed_combo("currencyInput", "Currency", list(COMMON_CURRENCIES), page)
        self.currency.setCurrentText(DEFAULT_CURRENCY)
        self.locale_input = typed_combo(
            "localeInput", "Language and region", list(COMMON_LOCALES), page
        )
        self.locale_input.setCurrentText(DEFAULT_LOCALE)
        self.timezone = typed_combo("timezoneInput", "Time zone", timezone_choices(), page)
        self.timezone.setCurrentText(DEFAULT_TIMEZONE)
        self.tax_included = touch_button(
            "Prices exclude tax", "taxIncludedButton", "Prices include tax", page
        )
        self.tax_included.setCheckable(True)
        self.tax_included.setProperty("tipPreset", True)  # the theme's look of a checked toggle
        self.tax_included.toggled.connect(self._show_tax_choice)
        # One rate to start with, optional; the Back Office's Store page takes more.
        self.tax_rate_name = QLineEdit(page)
        name_widget(self.tax_rate_name, "taxRateNameInput", "Tax rate name")
        self.tax_rate_name.setPlaceholderText("e.g. Sales tax")
        make_touchable(self.tax_rate_name)
        self.tax_rate_percent = QLineEdit(page)
        name_widget(self.tax_rate_percent, "taxRatePercentInput", "Tax rate in percent")
        self.tax_rate_percent.setPlaceholderText("8.25")
        self.tax_rate_percent.setMaximumWidth(TAX_PERCENT_WIDTH)
        make_touchable(self.tax_rate_percent)
        tax_rate = QWidget(page)
        tax_rate.setObjectName("taxRateRow")
        tax_rate_row = QHBoxLayout(tax_rate)
        tax_rate_row.setContentsMargins(0, 0, 0, 0)
        tax_rate_row.addWidget(self.tax_rate_name, 1)
        tax_rate_row.addWidget(self.tax_rate_percent)
        tax_rate_row.addWidget(QLabel("%", tax_rate))
        self.manager_name = QLineEdit(page)
        name_widget(self.manager_name, "managerNameInput", "First manager's name")
        make_touchable(self.manager_name)
        self.store_messages: dict[str, QLabel] = {}
        rows: tuple[tuple[str, str, QWidget], ...] = (
            ("name", "Store name", self.store_name),
            ("address", "Address", self.address),
            ("phone", "Phone", self.phone),
            ("currency", "Currency", self.currency),
            ("locale", "Language", self.locale_input),
            ("timezone", "Time zone", self.timezone),
            ("prices_include_tax", "Prices", self.tax_included),
            ("tax_rate", "Tax rate", tax_rate),
            ("manager_name", "Manager's name", self.manager_name),
        )
        for row, (field, caption, widget) in enumerate(rows):
            label = QLabel(caption, page)
            label.setProperty("caption", True)
            form.addWidget(label, 2 * row, 0)
            form.addWidget(widget, 2 * row, 1)
            message = message_label(f"{field}Message", page)
            form.addWidget(message, 2 * row + 1, 1)
            self.store_messages[field] = message
        form.setColumnStretch(1, 1)
        self.pin = PinTwice(page)
        self.pin.setMaximumWidth(380)
        self.store_messages["pin"] = self.pin.message
        self.store_messages["pin_again"] = self.pin.message
        self.create_button = touch_button(
            "Create the store", "createStoreButton", "Create the store", page, role="primary"
        )
        self.create_button.clicked.connect(self._create_store)
        self.store_status = message_label("storeStatus", page)
        body = QHBoxLayout()
        body.setSpacing(32)
        body.addLayout(form, 3)
        body.addWidget(self.pin, 2)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(title)
        column.addLayout(body, 1)
        column.addLayout(self._actions(page, self.store_status, self.create_button))
        return page

    def _show_tax_choice(self, included: bool) -> None:
        self.tax_included.setText("Prices include tax" if included else "Prices exclude tax")

    def _create_store(self) -> None:
        self._presenter.create_store(
            name=self.store_name.text(),
            address=self.address.text(),
            phone=self.phone.text(),
            currency=self.currency.currentText(),
            locale=self.locale_input.currentText(),
            timezone=self.timezone.currentText(),
            prices_include_tax=self.tax_included.isChecked(),
            tax_rate_name=self.tax_rate_name.text(),
            tax_rate_percent=self.tax_rate_percent.text(),
            manager_name=self.manager_name.text(),
            pin=self.pin.pin,
            pin_again=self.pin.pin_again,
        )

    # -- joining a store server -----------------------------------------------------------------

    def _build_join(self) -> QWidget:
        page = QWidget(self)
        title = QLabel("Join a store server", page)
        title.setObjectName("loginPrompt")
        hint = QLabel(
            "The store's server gives a manager a one-time enrollment code for this register.",
            page,
        )
        hint.setProperty("hint", True)
        hint.setWordWrap(True)
        self.server_url = QLineEdit("http://", page)
        name_widget(self.server_url, "serverUrlInput", "Server address")
        self.server_url.setPlaceholderText("http://192.168.1.20:8000")
        make_touchable(self.server_url)
        self.enroll_code = QLineEdit(page)
        name_widget(self.enroll_code, "enrollCodeInput", "Enrollment code")
        make_touchable(self.enroll_code)
        self.join_messages: dict[str, QLabel] = {}
        form = QGridLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(2)
        for row, (field, caption, widget) in enumerate(
            (("server_url", "Server address", self.server_url), ("code", "Code", self.enroll_code))
        ):
            label = QLabel(caption, page)
            label.setProperty("caption", True)
            form.addWidget(label, 2 * row, 0)
            form.addWidget(widget, 2 * row, 1)
            message = message_label(f"{field}Message", page)
            form.addWidget(message, 2 * row + 1, 1)
            self.join_messages[field] = message
        form.setColumnStretch(1, 1)
        self.join_button = touch_button(
            "Join", "joinButton", "Join the store server", page, role="primary"
        )
        self.join_button.setMinimumWidth(200)
        self.join_button.clicked.connect(self._join)
        # The on-screen keyboard's Done on the code is the Join the keys cover.
        self.enroll_code.returnPressed.connect(self._join)
        self.join_status = message_label("joinStatus", page)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(title)
        column.addWidget(hint)
        column.addSpacing(12)
        column.addLayout(form)
        column.addStretch(1)
        column.addLayout(self._actions(page, self.join_status, self.join_button))
        return page

    def _join(self) -> None:
        self._presenter.join(server_url=self.server_url.text(), code=self.enroll_code.text())

    # -- shared ---------------------------------------------------------------------------------

    def _actions(self, page: QWidget, status: QLabel, go: QPushButton) -> QHBoxLayout:
        back = touch_button("Back", f"{go.objectName()}Back", "Back to the question", page)
        back.setProperty("role", "secondary")
        back.setMinimumWidth(160)
        back.clicked.connect(self._back)
        go.setMinimumWidth(240)
        status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row = QHBoxLayout()
        row.addWidget(back)
        row.addWidget(status, 1)
        row.addWidget(go)
        return row

    def _back(self) -> None:
        self._show_invalid({})
        self.pages.setCurrentWidget(self.choice_page)

    def _status_label(self) -> QLabel:
        page = self.pages.currentWidget()
        if page is self.store_page:
            return self.store_status
        if page is self.join_page:
            return self.join_status
        return self.choice_status

    def _show_invalid(self, errors: dict[str, str]) -> None:
        for field, label in (self.store_messages | self.join_messages).items():
            if field not in ("pin", "pin_again"):
                label.setText(errors.get(field, ""))
        pin_error = errors.get("pin") or errors.get("pin_again") or ""
        self.pin.show_message(pin_error)
        self._status_label().setText("")

    def _show_failed(self, text: str) -> None:
        self._status_label().setText(text)

    def _show_busy(self, busy: bool) -> None:
        self.pages.setEnabled(not busy)
        label = self._status_label()
        if busy:
            label.setText(SETTING_UP)
        elif label.text() == SETTING_UP:
            label.clear()
        # Work under way in the theme's calm colour; what went wrong in its warning one.
        label.setProperty("fieldMessage", not busy)
        label.setProperty("busy", busy)
        label.style().unpolish(label)
        label.style().polish(label)
