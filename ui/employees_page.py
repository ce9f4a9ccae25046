"""The Back Office's Employees page: the staff on the left; on the right, the one picked
(name, role, PIN, active) or a new one being added.

What a manager typed stays until it is saved: a refusal is said next to its field (or in the
page's message room), and only the PIN, never shown, is typed again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.services.results import StaffEntry
from ui.presenters.staff import deactivate_question, row_text
from ui.widgets.banner import Banner, lay_over_top
from ui.widgets.confirm import ask
from ui.widgets.form_fields import caption, details_stack, message_label
from ui.widgets.pin_twice import PinTwice
from ui.widgets.touch import enable_finger_scroll, make_touchable, name_widget, touch_button

if TYPE_CHECKING:
    from pos_desktop.contracts import StaffRole
    from ui.presenters.staff import StaffPresenter

PICK_HINT = "Tap an employee to change them, or add one."
LIST_WIDTH_PX = 260
ROW_HEIGHT_PX = 64
NEW_PIN_FIRST = "The new PIN: 4 to 8 digits, then Next."


class NewPin(PinTwice):
    """The PIN pad taken twice, asking for this employee's PIN (not the first manager's)."""

    def start_over(self) -> None:
        super().start_over()
        self.prompt.setText(NEW_PIN_FIRST)


class RoleButtons(QWidget):
    """Cashier or Manager: one of two touch buttons, checked."""

    def __init__(
        self, name: str, choices: tuple[tuple[str, StaffRole], ...], parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self._roles: dict[QPushButton, StaffRole] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for label, role in choices:
            button = touch_button(label, f"{name}{label}", f"Role: {label}", self)
            button.setCheckable(True)
            button.setProperty("tipPreset", True)  # the theme's look of a checked toggle
            self.group.addButton(button)
            self._roles[button] = role
            row.addWidget(button)

    def button(self, role: StaffRole) -> QPushButton:
        return next(button for button, its in self._roles.items() if its == role)

    def role(self) -> StaffRole:
        checked = self.group.checkedButton()
        return self._roles[checked] if isinstance(checked, QPushButton) else "cashier"

    def check(self, role: StaffRole) -> None:
        self.button(role).setChecked(True)


def _name_input(name: str, accessible: str, parent: QWidget) -> QLineEdit:
    field = QLineEdit(parent)
    name_widget(field, name, accessible)
    field.setMaxLength(80)
    make_touchable(field)
    return field


class EmployeesPage(QWidget):
    def __init__(self, presenter: StaffPresenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name_widget(self, "employeesPage", "Employees")
        self._presenter = presenter
        self._entries: list[StaffEntry] = []
        self._selected: StaffEntry | None = None
        self.banner = Banner("staffBanner", "Employees message", self, dismissible=True)
        self.details, self.hint_page = details_stack(self, "staffDetails", PICK_HINT)
        self.details.addWidget(self._build_edit())
        self.details.addWidget(self._build_pin())
        self.details.addWidget(self._build_add())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(16)
        layout.addLayout(self._build_list())
        layout.addWidget(self.details, 1)
        # Over the top of the form, not beside the list: there a refusal such as "… is the
        # store's last active manager: …" took five lines of a third of the width and was cut
        # off, and the form has no height to spare for a room of its own at 1024x768.
        self.banner.setParent(self.details)
        lay_over_top(self.banner, self.details)
        # The stack raises each page it turns to, which would cover a message already shown.
        self.details.currentChanged.connect(lambda _index: self.banner.raise_())
        presenter.listed.connect(self._show_list)
        presenter.saved.connect(self._saved)
        presenter.refused.connect(self._refused)
        presenter.failed.connect(self.banner.show_message)
        presenter.busy_changed.connect(lambda busy: self.details.setEnabled(not busy))

    # -- building ------------------------------------------------------------------------------

    def _build_list(self) -> QVBoxLayout:
        self.staff_list = QListWidget(self)
        name_widget(self.staff_list, "staffList", "Employees")
        self.staff_list.setFixedWidth(LIST_WIDTH_PX)
        # Focus coming to the list (a busy form disabled under the finger) would pick its first
        # row and show another employee over what was being typed: it is picked by a tap only.
        self.staff_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.staff_list.setWordWrap(True)
        self.staff_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        enable_finger_scroll(self.staff_list)
        self.staff_list.currentRowChanged.connect(self._picked)
        self.add_button = touch_button(
            "Add employee", "addEmployeeButton", "Add an employee", self, role="primary"
        )
        self.add_button.clicked.connect(self._start_add)
        column = QVBoxLayout()
        column.setSpacing(8)
        column.addWidget(self.staff_list, 1)
        column.addWidget(self.add_button)
        return column

    def _build_edit(self) -> QWidget:
        page = QWidget(self)
        self.edit_page = page
        self.title = QLabel(page)
        self.title.setObjectName("staffTitle")
        self.name_input = _name_input("staffNameInput", "Name", page)
        self.name_message = message_label("staffNameMessage", page)
        self.save_name_button = touch_button("Save name", "saveNameButton", "Save name", page)
        self.save_name_button.clicked.connect(self._rename)
        self.roles = RoleButtons("staffRole", self._presenter.role_choices, page)
        self.roles.group.buttonClicked.connect(self._role_tapped)
        self.pin_button = touch_button("Change PIN", "changePinButton", "Change PIN", page)
        self.pin_button.clicked.connect(self._start_pin)
        self.active_button = touch_button("Deactivate", "activeButton", "Deactivate", page)
        self.active_button.clicked.connect(self._toggle_active)
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(8)
        grid.addWidget(self.title, 0, 0, 1, 2)
        grid.addWidget(caption("Name", page), 1, 0, 1, 2)
        grid.addWidget(self.name_input, 2, 0)
        grid.addWidget(self.save_name_button, 2, 1)
        grid.addWidget(self.name_message, 3, 0, 1, 2)
        grid.addWidget(caption("Role", page), 4, 0, 1, 2)
        grid.addWidget(self.roles, 5, 0, 1, 2)
        grid.addWidget(self.pin_button, 6, 0, 1, 2)
        grid.addWidget(self.active_button, 7, 0, 1, 2)
        grid.setRowStretch(8, 1)
        grid.setColumnStretch(0, 1)
        return page

    def _build_pin(self) -> QWidget:
        page = QWidget(self)
        self.pin_page = page
        self.pin_title = caption("", page)
        self.new_pin = NewPin(page)
        cancel = touch_button("Cancel", "pinCancelButton", "Cancel the PIN change", page)
        cancel.setProperty("role", "secondary")
        cancel.clicked.connect(self._back_to_edit)
        self.save_pin_button = touch_button(
            "Save PIN", "savePinButton", "Save the new PIN", page, role="primary"
        )
        self.save_pin_button.clicked.connect(self._save_pin)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_pin_button)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.pin_title)
        column.addWidget(self.new_pin, 1)
        column.addLayout(buttons)
        return page

    def _build_add(self) -> QWidget:
        page = QWidget(self)
        self.add_page = page
        self.new_name = _name_input("newNameInput", "New employee's name", page)
        self.new_name_message = message_label("newNameMessage", page)
        self.new_role = RoleButtons("newRole", self._presenter.role_choices, page)
        cancel = touch_button("Cancel", "addCancelButton", "Cancel adding", page)
        cancel.setProperty("role", "secondary")
        cancel.clicked.connect(self._cancel_add)
        self.add_save_button = touch_button(
            "Add", "addSaveButton", "Add this employee", page, role="primary"
        )
        self.add_save_button.clicked.connect(self._add)
        self.add_pin = NewPin(page)
        form = QVBoxLayout()
        form.setSpacing(8)
        form.addWidget(caption("Name", page))
        form.addWidget(self.new_name)
        form.addWidget(self.new_name_message)
        form.addWidget(caption("Role", page))
        form.addWidget(self.new_role)
        form.addStretch(1)
        form.addWidget(cancel)
        form.addWidget(self.add_save_button)
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        row.addLayout(form, 1)
        row.addWidget(self.add_pin, 1)
        return page

    # -- what the page shows ------------------------------------------------------------------

    def load(self) -> None:
        self._presenter.load()

    def reset(self) -> None:
        self._presenter.reset()
        self._entries = []
        self._selected = None
        self.staff_list.clear()
        self.banner.clear()
        self._clear_add()
        self.details.setCurrentWidget(self.hint_page)

    def _show_list(self, entries: tuple[StaffEntry, ...]) -> None:
        self._entries = list(entries)
        kept = self._selected.id if self._selected is not None else None
        self.staff_list.blockSignals(True)
        self.staff_list.clear()
        for entry in entries:
            item = QListWidgetItem(row_text(entry), self.staff_list)
            item.setSizeHint(QSize(LIST_WIDTH_PX - 8, ROW_HEIGHT_PX))
            item.setData(Qt.ItemDataRole.UserRole, str(entry.id))
        self.staff_list.blockSignals(False)
        row = next((i for i, entry in enumerate(entries) if entry.id == kept), -1)
        if row >= 0:
            self.staff_list.blockSignals(True)
            self.staff_list.setCurrentRow(row)
            self.staff_list.blockSignals(False)
            self._selected = entries[row]
            if self.details.currentWidget() is self.edit_page:
                self._fill_edit(entries[row])

    def _picked(self, row: int) -> None:
        if not 0 <= row < len(self._entries):
            return
        self.banner.clear()
        self._fill_edit(self._entries[row])
        self.details.setCurrentWidget(self.edit_page)

    def _fill_edit(self, entry: StaffEntry) -> None:
        self._selected = entry
        self.title.setText(row_text(entry))
        self.name_input.setText(entry.name)
        self.name_message.clear()
        self.roles.check(entry.role)
        self.active_button.setText("Deactivate" if entry.active else "Reactivate")
        self.active_button.setAccessibleName(self.active_button.text())
        self.active_button.setProperty("role", "danger" if entry.active else "secondary")
        self.active_button.style().polish(self.active_button)

    def _back_to_edit(self) -> None:
        self.details.setCurrentWidget(self.edit_page)

    # -- the manager's actions ----------------------------------------------------------------

    def _rename(self) -> None:
        if self._selected is not None:
            self.name_message.clear()
            self._presenter.rename(self._selected.id, self.name_input.text())

    def _role_tapped(self, _button: QAbstractButton) -> None:
        entry = self._selected
        if entry is not None and self.roles.role() != entry.role:
            self._presenter.set_role(entry.id, self.roles.role())

    def _start_pin(self) -> None:
        if self._selected is None:
            return
        self.pin_title.setText(f"New PIN for {self._selected.name}")
        self.new_pin.show_message("")
        self.new_pin.start_over()
        self.details.setCurrentWidget(self.pin_page)

    def _save_pin(self) -> None:
        if self._selected is not None:
            self._presenter.set_pin(self._selected.id, self.new_pin.pin, self.new_pin.pin_again)

    def _toggle_active(self) -> None:
        entry = self._selected
        if entry is None:
            return
        if entry.active:
            ask(
                self,
                deactivate_question(entry),
                "Deactivate",
                lambda: self._presenter.set_active(entry.id, False),
            )
        else:
            self._presenter.set_active(entry.id, True)

    def _start_add(self) -> None:
        self.banner.clear()
        self.staff_list.clearSelection()
        self.details.setCurrentWidget(self.add_page)
        self.new_name.setFocus()

    def _cancel_add(self) -> None:
        self._clear_add()
        self.details.setCurrentWidget(self.hint_page)

    def _clear_add(self) -> None:
        self.new_name.clear()
        self.new_name_message.clear()
        self.new_role.check("cashier")
        self.add_pin.show_message("")
        self.add_pin.start_over()

    def _add(self) -> None:
        self.new_name_message.clear()
        self._presenter.add(
            self.new_name.text(), self.new_role.role(), self.add_pin.pin, self.add_pin.pin_again
        )

    # -- the server's answers -----------------------------------------------------------------

    def _saved(self, entry: StaffEntry, word: str) -> None:
        self.banner.show_message(word, "info")
        if self.details.currentWidget() is self.add_page:
            self._clear_add()
        self._selected = entry
        self._fill_edit(entry)
        self.details.setCurrentWidget(self.edit_page)

    def _refused(self, field: str, message: str) -> None:
        page = self.details.currentWidget()
        if field == "pin" and page is self.pin_page:
            self.new_pin.show_message(message)
        elif field == "pin" and page is self.add_page:
            self.add_pin.show_message(message)
        elif field == "name" and page is self.add_page:
            self.new_name_message.setText(message)
        elif field == "name" and page is self.edit_page:
            self.name_message.setText(message)
        else:
            self.banner.show_message(message)
        if page is self.edit_page and self._selected is not None:
            self.roles.check(self._selected.role)
