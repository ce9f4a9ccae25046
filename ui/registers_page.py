"""The Back Office's Registers page: the store's registers on the left (name, last seen, app
version, tickets waiting); on the right, the one picked (rename, revoke) or a new enrollment
code as text and as a QR code.

A name typed stays until it is saved; a refusal is said next to the name or in the page's
message room. Revoking asks first, and the register in use cannot be revoked from itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.presenters.registers import RegisterRow, ShownCode, revoke_question
from ui.widgets.banner import Banner, message_room
from ui.widgets.confirm import ask
from ui.widgets.form_fields import caption, details_stack, message_label
from ui.widgets.qr_code import QrCode
from ui.widgets.touch import enable_finger_scroll, make_touchable, name_widget, touch_button

if TYPE_CHECKING:
    from ui.presenters.registers import RegistersPresenter

PICK_HINT = "Tap a register to rename or revoke it, or make a code to enroll a new one."
LIST_WIDTH_PX = 280
ROW_LINES = 4  # name, last seen, app version, tickets waiting
IN_USE_NOTE = "This is the register you are using: revoke it from another register."
REVOKED_NOTE = "Revoked: the server refuses it. To use it again, enroll it with a new code."
JOIN_STEPS = (
    "On the new register, choose “Join a store server”, then enter the server's address and "
    "this code (or scan it with a phone to read it out)."
)


def _line(name: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class RegistersPage(QWidget):
    def __init__(self, presenter: RegistersPresenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name_widget(self, "registersPage", "Registers")
        self._presenter = presenter
        self._rows: list[RegisterRow] = []
        self._selected: RegisterRow | None = None
        self.banner = Banner("registersBanner", "Registers message", self, dismissible=True)
        self.details, self.hint_page = details_stack(self, "registerDetails", PICK_HINT)
        self.details.addWidget(self._build_edit())
        self.details.addWidget(self._build_code())
        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addLayout(self._build_list())
        columns.addWidget(self.details, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(columns, 1)
        # Across the page: a message (no connection, say) reads whole in two lines.
        layout.addWidget(message_room(self, "registersMessageRoom", self.banner))
        presenter.listed.connect(self._show_list)
        presenter.code_made.connect(self._show_code)
        presenter.saved.connect(self._saved)
        presenter.refused.connect(self._refused)
        presenter.failed.connect(self.banner.show_message)
        presenter.busy_changed.connect(self._follow_busy)

    # -- building ------------------------------------------------------------------------------

    def _build_list(self) -> QVBoxLayout:
        self.register_list = QListWidget(self)
        name_widget(self.register_list, "registerList", "Registers")
        self.register_list.setFixedWidth(LIST_WIDTH_PX)
        # Picked by a tap only: focus arriving would pick the first row over a name being typed.
        self.register_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.register_list.setWordWrap(True)
        self.register_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        enable_finger_scroll(self.register_list)
        self.register_list.currentRowChanged.connect(self._picked)
        self.new_code_button = touch_button(
            "Add a register",
            "newEnrollCodeButton",
            "Make a code to enroll a new register",
            self,
            role="primary",
        )
        self.new_code_button.clicked.connect(self._new_code)
        self.refresh_button = touch_button(
            "Refresh list", "refreshRegistersButton", "List the registers again", self
        )
        self.refresh_button.setProperty("role", "secondary")
        self.refresh_button.clicked.connect(self.load)
        column = QVBoxLayout()
        column.setSpacing(8)
        column.addWidget(self.register_list, 1)
        column.addWidget(self.new_code_button)
        column.addWidget(self.refresh_button)
        return column

    def _build_edit(self) -> QWidget:
        page = QWidget(self)
        self.edit_page = page
        self.title = _line("registerTitle", page)
        self.title.setProperty("heading", True)
        self.seen_line = _line("registerSeen", page)
        self.version_line = _line("registerVersion", page)
        self.waiting_line = _line("registerWaiting", page)
        self.name_input = QLineEdit(page)
        name_widget(self.name_input, "registerNameInput", "Register name")
        self.name_input.setMaxLength(80)
        make_touchable(self.name_input)
        self.name_message = message_label("registerNameMessage", page)
        self.save_name_button = touch_button(
            "Save name", "saveRegisterNameButton", "Save the register's name", page
        )
        self.save_name_button.clicked.connect(self._rename)
        self.revoke_button = touch_button(
            "Revoke", "revokeRegisterButton", "Revoke this register", page, role="danger"
        )
        self.revoke_button.clicked.connect(self._revoke)
        self.revoke_note = caption("", page)
        self.revoke_note.setObjectName("revokeNote")
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(8)
        grid.addWidget(self.title, 0, 0, 1, 2)
        grid.addWidget(self.seen_line, 1, 0, 1, 2)
        grid.addWidget(self.version_line, 2, 0, 1, 2)
        grid.addWidget(self.waiting_line, 3, 0, 1, 2)
        grid.addWidget(caption("Name", page), 4, 0, 1, 2)
        grid.addWidget(self.name_input, 5, 0)
        grid.addWidget(self.save_name_button, 5, 1)
        grid.addWidget(self.name_message, 6, 0, 1, 2)
        grid.addWidget(self.revoke_button, 7, 0, 1, 2)
        grid.addWidget(self.revoke_note, 8, 0, 1, 2)
        grid.setRowStretch(9, 1)
        grid.setColumnStretch(0, 1)
        return page

    def _build_code(self) -> QWidget:
        page = QWidget(self)
        self.code_page = page
        heading = _line("enrollCodeHeading", page)
        heading.setText("Enrollment code")
        heading.setProperty("heading", True)
        self.qr = QrCode("enrollCodeQr", "Enrollment code as a QR code", page)
        self.code_text = QLabel(page)
        self.code_text.setObjectName("enrollCodeText")
        self.code_text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.code_expires = _line("enrollCodeExpires", page)
        self.done_button = touch_button(
            "Done", "enrollCodeDoneButton", "Put the code away", page, role="secondary"
        )
        self.done_button.clicked.connect(self._put_code_away)
        beside = QVBoxLayout()
        beside.setSpacing(12)
        beside.addWidget(caption("Code", page))
        beside.addWidget(self.code_text)
        beside.addWidget(self.code_expires)
        beside.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(20)
        row.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(beside, 1)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        column.addWidget(heading)
        column.addLayout(row)
        column.addWidget(caption(JOIN_STEPS, page))
        column.addStretch(1)
        column.addWidget(self.done_button)
        return page

    # -- what the page shows ------------------------------------------------------------------

    def load(self) -> None:
        self._presenter.load()

    def reset(self) -> None:
        """The manager left: the list, the code and any name typed go with them."""
        self._presenter.reset()
        self._rows = []
        self._selected = None
        self.register_list.clear()
        self.banner.clear()
        self.name_input.clear()
        self.name_message.clear()
        self._put_code_away()

    def _follow_busy(self, busy: bool) -> None:
        self.details.setEnabled(not busy)
        self.new_code_button.setEnabled(not busy)

    def _show_list(self, rows: tuple[RegisterRow, ...]) -> None:
        self._rows = list(rows)
        kept = self._selected.entry.id if self._selected is not None else None
        self.register_list.blockSignals(True)
        self.register_list.clear()
        row_height = ROW_LINES * self.register_list.fontMetrics().lineSpacing() + 16
        for row in rows:
            item = QListWidgetItem(row.list_text, self.register_list)
            item.setSizeHint(QSize(LIST_WIDTH_PX - 8, row_height))
            item.setData(Qt.ItemDataRole.UserRole, str(row.entry.id))
            if row.entry.revoked:
                item.setForeground(Qt.GlobalColor.darkGray)
        index = next((i for i, row in enumerate(rows) if row.entry.id == kept), -1)
        if index >= 0:
            self.register_list.setCurrentRow(index)
        self.register_list.blockSignals(False)
        if index >= 0:
            self._selected = rows[index]
            if self.details.currentWidget() is self.edit_page:
                self._fill_edit(rows[index], keep_name=True)
        elif self.details.currentWidget() is self.edit_page:
            self._selected = None
            self.details.setCurrentWidget(self.hint_page)

    def _picked(self, index: int) -> None:
        if not 0 <= index < len(self._rows):
            return
        self.banner.clear()
        self._fill_edit(self._rows[index])
        self.details.setCurrentWidget(self.edit_page)

    def _fill_edit(self, row: RegisterRow, *, keep_name: bool = False) -> None:
        """Show ``row``; ``keep_name``: a reload keeps what the manager typed in the name."""
        self._selected = row
        entry = row.entry
        self.title.setText(row.title)
        self.seen_line.setText(row.seen)
        self.version_line.setText(row.version)
        self.waiting_line.setText(row.waiting)
        if not keep_name:
            self.name_input.setText(entry.name)
            self.name_message.clear()
        self.name_input.setEnabled(not entry.revoked)
        self.save_name_button.setEnabled(not entry.revoked)
        self.revoke_button.setEnabled(not entry.revoked and not entry.this_register)
        if entry.revoked:
            self.revoke_note.setText(REVOKED_NOTE)
        elif entry.this_register:
            self.revoke_note.setText(IN_USE_NOTE)
        else:
            self.revoke_note.clear()

    def _show_code(self, code: ShownCode) -> None:
        self.register_list.clearSelection()
        self.qr.show_text(code.code)
        self.code_text.setText(code.text)
        self.code_text.setAccessibleName(f"Enrollment code {code.text}")
        self.code_expires.setText(code.expires)
        self.details.setCurrentWidget(self.code_page)

    def _put_code_away(self) -> None:
        """The code leaves the screen (it enrolls a register: not for the next one to see)."""
        self.qr.clear()
        self.code_text.clear()
        self.code_expires.clear()
        self._selected = None
        self.register_list.clearSelection()
        self.details.setCurrentWidget(self.hint_page)

    # -- the manager's actions ----------------------------------------------------------------

    def _new_code(self) -> None:
        self.banner.clear()
        self._presenter.new_code()

    def _rename(self) -> None:
        if self._selected is not None:
            self.name_message.clear()
            self._presenter.rename(self._selected.entry.id, self.name_input.text())

    def _revoke(self) -> None:
        row = self._selected
        if row is None:
            return
        entry = row.entry
        ask(self, revoke_question(entry), "Revoke", lambda: self._presenter.revoke(entry.id))

    # -- the server's answers -----------------------------------------------------------------

    def _saved(self, row: RegisterRow, word: str) -> None:
        self.banner.show_message(word, "info")
        self._fill_edit(row)
        self.details.setCurrentWidget(self.edit_page)

    def _refused(self, field: str, message: str) -> None:
        if field == "name" and self.details.currentWidget() is self.edit_page:
            self.name_message.setText(message)
        else:
            self.banner.show_message(message)
            # The register may have changed under the manager (revoked elsewhere): list again.
            self.load()
