"""The Back Office's Categories page: the checkout's category buttons in their order, each with
its colour; on the right, the one picked (rename, colour, move up or down) or a new one.

A colour is picked from a small palette of large swatches, dark enough for the white text
the checkout writes on them; a tap on one saves it at once, as a tap on a role does for an
employee.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
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

from pos_desktop.domain.product_rules import CATEGORY_COLOURS, default_colour
from pos_desktop.services.results import CategoryEntry
from ui.widgets.banner import Banner, message_room
from ui.widgets.form_fields import caption, details_stack, message_label
from ui.widgets.touch import (
    enable_finger_scroll,
    make_touchable,
    name_widget,
    touch_button,
    touch_target_px,
)

if TYPE_CHECKING:
    from ui.presenters.catalog import CategoriesPresenter

PICK_HINT = "Tap a category to rename it, colour it or move it, or add one."
LIST_WIDTH_PX = 280
SWATCH_PX = 60
ICON_PX = 32
COLOUR_NAMES = {
    "#1565C0": "Blue",
    "#2E7D32": "Green",
    "#AD1457": "Raspberry",
    "#EF6C00": "Orange",
    "#6A1B9A": "Purple",
    "#00838F": "Teal",
    "#5D4037": "Brown",
}


def colour_name(colour: str) -> str:
    return COLOUR_NAMES.get(colour.upper(), colour.upper())


def swatch_icon(colour: str) -> QIcon:
    """A square of ``colour``, the same on the picked row (not tinted by the selection)."""
    pixmap = QPixmap(ICON_PX, ICON_PX)
    pixmap.fill(QColor(colour))
    icon = QIcon(pixmap)
    icon.addPixmap(pixmap, QIcon.Mode.Selected)
    return icon


class ColourPalette(QWidget):
    """The palette's colours as large swatches, the picked one ringed and ticked."""

    picked = Signal(str)  # a swatch tapped: its colour

    def __init__(self, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.swatches: dict[str, QPushButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        size = max(SWATCH_PX, touch_target_px(self))
        for colour in CATEGORY_COLOURS:
            swatch = QPushButton(self)
            name_widget(swatch, f"{name}Swatch", f"Colour {colour_name(colour)}")
            swatch.setCheckable(True)
            swatch.setFixedSize(size, size)
            swatch.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            swatch.setStyleSheet(
                f"QPushButton {{ background: {colour}; border: 3px solid {colour};"
                " border-radius: 10px; color: #ffffff; font-size: 28px; font-weight: bold;"
                " padding: 0; }"
                " QPushButton:checked { border: 4px solid #0d1b2a; }"
            )
            swatch.setProperty("colour", colour)
            swatch.toggled.connect(lambda on, s=swatch: s.setText("✓" if on else ""))
            self.group.addButton(swatch)
            self.swatches[colour] = swatch
            row.addWidget(swatch)
        row.addStretch(1)
        self.group.buttonClicked.connect(self._clicked)

    def colour(self) -> str:
        checked = self.group.checkedButton()
        return str(checked.property("colour")) if checked is not None else CATEGORY_COLOURS[0]

    def check(self, colour: str) -> None:
        swatch = self.swatches.get(colour.upper())
        if swatch is not None:
            swatch.setChecked(True)
            return
        checked = self.group.checkedButton()
        if checked is not None:  # a colour typed elsewhere (#RRGGBB): none of these
            self.group.setExclusive(False)
            checked.setChecked(False)
            self.group.setExclusive(True)

    def _clicked(self, swatch: QAbstractButton) -> None:
        self.picked.emit(str(swatch.property("colour")))


class CategoriesPage(QWidget):
    def __init__(self, presenter: CategoriesPresenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name_widget(self, "categoriesPage", "Categories")
        self._presenter = presenter
        self._entries: list[CategoryEntry] = []
        self._selected: CategoryEntry | None = None
        self.banner = Banner("categoriesBanner", "Categories message", self, dismissible=True)
        self.details, self.hint_page = details_stack(self, "categoryDetails", PICK_HINT)
        self.details.addWidget(self._build_edit())
        self.details.addWidget(self._build_add())
        right = QVBoxLayout()
        right.setSpacing(8)
        right.addWidget(self.details, 1)
        right.addWidget(message_room(self, "categoriesMessageRoom", self.banner))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(16)
        layout.addLayout(self._build_list())
        layout.addLayout(right, 1)
        presenter.listed.connect(self._show_list)
        presenter.saved.connect(self._saved)
        presenter.refused.connect(self._refused)
        presenter.failed.connect(self.banner.show_message)
        presenter.busy_changed.connect(lambda busy: self.details.setEnabled(not busy))

    # -- building ------------------------------------------------------------------------------

    def _build_list(self) -> QVBoxLayout:
        self.category_list = QListWidget(self)
        name_widget(self.category_list, "categoryList", "Categories in the checkout's order")
        self.category_list.setFixedWidth(LIST_WIDTH_PX)
        self.category_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.category_list.setIconSize(QSize(ICON_PX, ICON_PX))
        self.category_list.setWordWrap(True)
        self.category_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        enable_finger_scroll(self.category_list)
        self.category_list.currentRowChanged.connect(self._picked)
        self.add_button = touch_button(
            "Add category", "addCategoryButton", "Add a category", self, role="primary"
        )
        self.add_button.clicked.connect(self._start_add)
        column = QVBoxLayout()
        column.setSpacing(8)
        column.addWidget(self.category_list, 1)
        column.addWidget(self.add_button)
        return column

    def _name_input(self, name: str, accessible: str, parent: QWidget) -> QLineEdit:
        field = QLineEdit(parent)
        name_widget(field, name, accessible)
        field.setMaxLength(80)
        make_touchable(field)
        return field

    def _build_edit(self) -> QWidget:
        page = QWidget(self)
        self.edit_page = page
        self.title = QLabel(page)
        self.title.setObjectName("categoryTitle")
        self.title.setProperty("heading", True)
        self.title.setWordWrap(True)
        self.name_input = self._name_input("categoryNameInput", "Name", page)
        self.name_message = message_label("categoryNameMessage", page)
        self.save_name_button = touch_button(
            "Save name", "saveCategoryNameButton", "Save the name", page
        )
        self.save_name_button.clicked.connect(self._rename)
        self.colours = ColourPalette("categoryColour", page)
        self.colours.picked.connect(self._colour_tapped)
        self.up_button = touch_button("↑ Move up", "moveUpButton", "Move up: sooner", page)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button = touch_button("↓ Move down", "moveDownButton", "Move down: later", page)
        self.down_button.clicked.connect(lambda: self._move(1))
        self.place = caption("", page)
        self.place.setObjectName("categoryPlace")
        moves = QHBoxLayout()
        moves.setSpacing(8)
        moves.addWidget(self.up_button)
        moves.addWidget(self.down_button)
        moves.addWidget(self.place, 1)
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(8)
        grid.setRowMinimumHeight(6, 2 * touch_target_px(page) // 3)  # room under the swatches
        grid.addWidget(self.title, 0, 0, 1, 2)
        grid.addWidget(caption("Name", page), 1, 0, 1, 2)
        grid.addWidget(self.name_input, 2, 0)
        grid.addWidget(self.save_name_button, 2, 1)
        grid.addWidget(self.name_message, 3, 0, 1, 2)
        grid.addWidget(caption("Colour of its button at the checkout", page), 4, 0, 1, 2)
        grid.addWidget(self.colours, 5, 0, 1, 2)
        grid.addWidget(caption("Place among the checkout's buttons", page), 6, 0, 1, 2)
        grid.addLayout(moves, 7, 0, 1, 2)
        grid.setRowStretch(8, 1)
        grid.setColumnStretch(0, 1)
        return page

    def _build_add(self) -> QWidget:
        page = QWidget(self)
        self.add_page = page
        self.new_name = self._name_input("newCategoryNameInput", "New category's name", page)
        self.new_name_message = message_label("newCategoryNameMessage", page)
        self.new_colours = ColourPalette("newCategoryColour", page)
        cancel = touch_button("Cancel", "addCategoryCancel", "Cancel adding", page)
        cancel.setProperty("role", "secondary")
        cancel.clicked.connect(self._cancel_add)
        self.add_save_button = touch_button(
            "Add", "addCategorySave", "Add this category", page, role="primary"
        )
        self.add_save_button.clicked.connect(self._add)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addWidget(self.add_save_button)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        heading = QLabel("New category", page)
        heading.setProperty("heading", True)
        column.addWidget(heading)
        column.addWidget(caption("Name", page))
        column.addWidget(self.new_name)
        column.addWidget(self.new_name_message)
        column.addWidget(caption("Colour of its button at the checkout", page))
        column.addWidget(self.new_colours)
        column.addStretch(1)
        column.addLayout(buttons)
        return page

    # -- what the page shows -------------------------------------------------------------------

    def load(self) -> None:
        self._presenter.load()

    def reset(self) -> None:
        self._presenter.reset()
        self._entries = []
        self._selected = None
        self.category_list.clear()
        self.banner.clear()
        self._clear_add()
        self.details.setCurrentWidget(self.hint_page)

    @property
    def entries(self) -> tuple[CategoryEntry, ...]:
        return tuple(self._entries)

    def _show_list(self, entries: tuple[CategoryEntry, ...]) -> None:
        self._entries = list(entries)
        kept = self._selected.id if self._selected is not None else None
        height = touch_target_px(self.category_list) + 8
        self.category_list.blockSignals(True)
        self.category_list.clear()
        for entry in entries:
            item = QListWidgetItem(swatch_icon(entry.colour), entry.name, self.category_list)
            item.setSizeHint(QSize(LIST_WIDTH_PX - 8, height))
            item.setData(Qt.ItemDataRole.UserRole, str(entry.id))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, entry.name)
        row = next((i for i, entry in enumerate(entries) if entry.id == kept), -1)
        if row >= 0:
            self.category_list.setCurrentRow(row)
        self.category_list.blockSignals(False)
        if row >= 0 and self.details.currentWidget() is self.edit_page:
            self._fill_edit(entries[row])
        elif row < 0 and self.details.currentWidget() is self.edit_page:
            self.details.setCurrentWidget(self.hint_page)

    def _picked(self, row: int) -> None:
        if not 0 <= row < len(self._entries):
            return
        self.banner.clear()
        self._fill_edit(self._entries[row])
        self.details.setCurrentWidget(self.edit_page)

    def _fill_edit(self, entry: CategoryEntry) -> None:
        self._selected = entry
        index = next((i for i, e in enumerate(self._entries) if e.id == entry.id), 0)
        self.title.setText(entry.name)
        self.name_input.setText(entry.name)
        self.name_message.clear()
        self.colours.check(entry.colour)
        self.up_button.setEnabled(index > 0)
        self.down_button.setEnabled(index < len(self._entries) - 1)
        self.place.setText(f"Button {index + 1} of {len(self._entries)}")

    # -- the manager's actions -----------------------------------------------------------------

    def _rename(self) -> None:
        if self._selected is not None:
            self.name_message.clear()
            self._presenter.rename(self._selected, self.name_input.text())

    def _colour_tapped(self, colour: str) -> None:
        entry = self._selected
        if entry is not None and colour != entry.colour.upper():
            self._presenter.set_colour(entry, colour)

    def _move(self, step: int) -> None:
        entry = self._selected
        if entry is None:
            return
        index = next((i for i, e in enumerate(self._entries) if e.id == entry.id), None)
        if index is not None and 0 <= index + step < len(self._entries):
            self._presenter.move(entry, index + step)

    def _start_add(self) -> None:
        self.banner.clear()
        self.category_list.clearSelection()
        self._clear_add()
        self.details.setCurrentWidget(self.add_page)
        self.new_name.setFocus()

    def _cancel_add(self) -> None:
        self._clear_add()
        self.details.setCurrentWidget(self.hint_page)

    def _clear_add(self) -> None:
        self.new_name.clear()
        self.new_name_message.clear()
        # The colour the server would give it next: the palette in turn.
        self.new_colours.check(default_colour(len(self._entries)))

    def _add(self) -> None:
        self.new_name_message.clear()
        self._presenter.add(self.new_name.text(), self.new_colours.colour())

    # -- the server's answers ------------------------------------------------------------------

    def _saved(self, entry: CategoryEntry, word: str) -> None:
        self.banner.show_message(word, "info")
        if self.details.currentWidget() is self.add_page:
            self._clear_add()
        self._selected = entry
        self.details.setCurrentWidget(self.edit_page)
        self._fill_edit(entry)

    def _refused(self, errors: dict[str, str]) -> None:
        page = self.details.currentWidget()
        for field, message in errors.items():
            if field == "name" and page is self.add_page:
                self.new_name_message.setText(message)
            elif field == "name" and page is self.edit_page:
                self.name_message.setText(message)
            else:
                self.banner.show_message(message)
        if page is self.edit_page and self._selected is not None:
            self.colours.check(self._selected.colour)
