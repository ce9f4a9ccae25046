"""An on-screen keyboard for a register run by finger alone.

``KeyboardController`` is installed once on the application. A text field tapped (the setting
``KeyboardMode`` says when) gets the keyboard; Done, Hide, a tap elsewhere, or the field going
away (its tab or dialog closed) put it away. A field typed by its own keypad (amounts, card
numbers, codes, PINs) says so the way Qt tells any input method, with digits-only input-method
hints, and keeps its keypad instead.

The keys type into the field as a keypad does: ``QLineEdit.insert`` and ``backspace`` at the
cursor, so the field's validator and maximum length apply, and no key takes the focus. A
multi-line field (``QPlainTextEdit``: a receipt's header or footer) takes the same keys, and its
Done key starts a new line instead; Hide or a tap elsewhere puts the keys away.

Where it shows: a panel inside the field's own window, laid over that window's bottom edge
(its top edge when the field is down there), never over the field. Not a window of its own:
a second top-level window is placed, stacked and activated by the window manager, if any (on
Wayland a client cannot place it at all); the offscreen platform activates every window it
shows, taking the focus from the field; and while a dialog is modal, Qt blocks taps on every
window but the dialog's own. A panel in the field's window needs none of that, so it behaves
alike offscreen, under Xvfb with no window manager, and on a register's desktop. A dialog too
short for the field and the keys grows at the bottom by the keys' height (too narrow, at its
sides); its layout's margins take the room, so nothing in it moves, and it gets its size back
when the keys go.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TypeGuard

import shiboken6
from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QInputDevice, QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from pos_desktop.config import KeyboardMode
from ui.widgets.touch import make_touchable, name_widget, touch_target_px

# Input-method hints of a field a keypad types into: a number, not text.
_NUMBER_HINTS = (
    Qt.InputMethodHint.ImhDigitsOnly
    | Qt.InputMethodHint.ImhFormattedNumbersOnly
    | Qt.InputMethodHint.ImhDialableCharactersOnly
)
# What the keys type into: a line, or several lines.
TextField = QLineEdit | QPlainTextEdit
COLUMNS = 11
MAX_WIDTH_PX = 980  # 11 keys of ~85 px: wider keys only make the finger travel further
GAP_PX = 8  # between the field and the keys
BACKSPACE_GLYPH = "⌫"
DONE_LABEL, DONE_ACCESSIBLE = "Done", "Done: enter what was typed"
NEW_LINE_LABEL, NEW_LINE_ACCESSIBLE = "New line", "Start a new line"

# (text typed, objectName, accessible name) of the keys that are not letters or digits.
_SYMBOLS = {
    "@": ("keyboardAt", "At sign"),
    ".": ("keyboardDot", "Dot"),
    "-": ("keyboardDash", "Dash"),
    "_": ("keyboardUnderscore", "Underscore"),
    ".com": ("keyboardDotCom", "Dot com"),
    # A store server's address (http://192.168.1.20:8000) and a time zone (Europe/Paris).
    ":": ("keyboardColon", "Colon"),
    "/": ("keyboardSlash", "Slash"),
}


def takes_keyboard(widget: QWidget) -> bool:
    """A text field the cashier types words into: not read-only, not a masked PIN, and not a
    number field served by a keypad."""
    if isinstance(widget, QPlainTextEdit):
        return widget.isEnabled() and not widget.isReadOnly()
    return (
        isinstance(widget, QLineEdit)
        and widget.isEnabled()
        and not widget.isReadOnly()
        and widget.echoMode() == QLineEdit.EchoMode.Normal
        and not widget.inputMethodHints() & _NUMBER_HINTS
    )


class _Shift(Enum):
    OFF = "off"
    ONCE = "once"  # the next letter only, as on a phone
    LOCKED = "locked"  # caps lock: a second tap on Shift


class OnscreenKeyboard(QFrame):
    """Letters (with Shift and caps lock), digits, ``@ . - _``, ".com", backspace, space,
    Hide, and Done (which also fires the field's Enter)."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name_widget(self, "onscreenKeyboard", "On-screen keyboard")
        self.setProperty("onscreenKeyboard", True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._target: TextField | None = None
        self._shift = _Shift.OFF
        self._letters: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 8, 8, 8)
        grid.setSpacing(6)
        for column, digit in enumerate("1234567890"):
            grid.addWidget(self._typing_key(digit, f"keyboardKey{digit}", digit), 0, column)
        backspace = self._key(BACKSPACE_GLYPH, "keyboardBackspace", "Delete the last character")
        backspace.setProperty("role", "secondary")
        backspace.setAutoRepeat(True)
        backspace.clicked.connect(self._backspace)
        grid.addWidget(backspace, 0, 10)
        for row, (letters, symbols) in enumerate((("qwertyuiop", "@"), ("asdfghjkl", "-_")), 1):
            for column, letter in enumerate(letters):
                grid.addWidget(self._letter_key(letter), row, column)
            for column, symbol in enumerate(symbols, len(letters)):
                grid.addWidget(self._typing_key(symbol, *_SYMBOLS[symbol]), row, column)
        self.shift_key = self._key("⇧", "keyboardShift", "Shift")
        self.shift_key.setProperty("role", "secondary")
        self.shift_key.setCheckable(True)
        self.shift_key.clicked.connect(self._next_shift)
        grid.addWidget(self.shift_key, 3, 0)
        for column, letter in enumerate("zxcvbnm", 1):
            grid.addWidget(self._letter_key(letter), 3, column)
        grid.addWidget(self._typing_key(".", *_SYMBOLS["."]), 3, 8)
        grid.addWidget(self._typing_key(".com", *_SYMBOLS[".com"]), 3, 9, 1, 2)
        hide = self._key("Hide", "keyboardHide", "Hide the keyboard")
        hide.setProperty("role", "secondary")
        hide.clicked.connect(self.dismissed)
        grid.addWidget(hide, 4, 0, 1, 2)
        grid.addWidget(self._typing_key(" ", "keyboardSpace", "Space", label="space"), 4, 2, 1, 4)
        grid.addWidget(self._typing_key(":", *_SYMBOLS[":"]), 4, 6)
        grid.addWidget(self._typing_key("/", *_SYMBOLS["/"]), 4, 7)
        done = self._key(DONE_LABEL, "keyboardDone", DONE_ACCESSIBLE)
        done.setProperty("role", "primary")
        done.clicked.connect(self._done)
        grid.addWidget(done, 4, 8, 1, 3)
        self.done_key = done
        for column in range(COLUMNS):
            grid.setColumnStretch(column, 1)

    @property
    def target(self) -> TextField | None:
        return self._target

    def set_target(self, field: TextField | None) -> None:
        self._target = field
        self._set_shift(_Shift.OFF)
        lines = isinstance(field, QPlainTextEdit)
        self.done_key.setText(NEW_LINE_LABEL if lines else DONE_LABEL)
        self.done_key.setAccessibleName(NEW_LINE_ACCESSIBLE if lines else DONE_ACCESSIBLE)

    # -- the frame keeps its taps: one between two keys is still a tap on the keyboard ---------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        event.accept()

    # -- keys ----------------------------------------------------------------------------------

    def _key(self, text: str, object_name: str, accessible_name: str) -> QPushButton:
        key = QPushButton(text, self)
        name_widget(key, object_name, accessible_name)
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the caret stays in the field
        key.setProperty("keyboardKey", True)
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        make_touchable(key)
        # A key's glyph is narrower than a fingertip (keys have no padding).
        key.setMinimumWidth(touch_target_px(key))
        return key

    def _typing_key(
        self, text: str, object_name: str, accessible_name: str, *, label: str | None = None
    ) -> QPushButton:
        key = self._key(label or text, object_name, accessible_name)
        key.clicked.connect(lambda: self._type(text))
        return key

    def _letter_key(self, letter: str) -> QPushButton:
        key = self._key(letter, f"keyboardKey{letter.upper()}", letter)
        key.clicked.connect(lambda: self._type_letter(letter))
        self._letters[letter] = key
        return key

    def _type(self, text: str) -> None:
        field = self._live_target()
        if isinstance(field, QPlainTextEdit):
            field.insertPlainText(text)
        elif field is not None:
            field.insert(text)

    def _type_letter(self, letter: str) -> None:
        self._type(letter if self._shift is _Shift.OFF else letter.upper())
        if self._shift is _Shift.ONCE:
            self._set_shift(_Shift.OFF)

    def _backspace(self) -> None:
        field = self._live_target()
        if isinstance(field, QPlainTextEdit):
            cursor = field.textCursor()
            cursor.deletePreviousChar()
            field.setTextCursor(cursor)
        elif field is not None:
            field.backspace()

    def _next_shift(self) -> None:
        following = {_Shift.OFF: _Shift.ONCE, _Shift.ONCE: _Shift.LOCKED, _Shift.LOCKED: _Shift.OFF}
        self._set_shift(following[self._shift])

    def _set_shift(self, shift: _Shift) -> None:
        self._shift = shift
        self.shift_key.setChecked(shift is not _Shift.OFF)
        self.shift_key.setText("⇪" if shift is _Shift.LOCKED else "⇧")
        self.shift_key.setAccessibleName(
            {_Shift.OFF: "Shift", _Shift.ONCE: "Shift on", _Shift.LOCKED: "Caps lock on"}[shift]
        )
        for letter, key in self._letters.items():
            key.setText(letter if shift is _Shift.OFF else letter.upper())

    def _done(self) -> None:
        """Put the keys away, then Enter, as the field's own Enter key would: the field's
        window may close on it, or a search run and show what the keys covered. In a
        multi-line field, a new line (Hide puts those keys away)."""
        field = self._live_target()
        if isinstance(field, QPlainTextEdit):
            field.insertPlainText("\n")
            return
        self.dismissed.emit()
        if field is not None and field.hasAcceptableInput():
            field.returnPressed.emit()

    def _live_target(self) -> TextField | None:
        field = self._target
        return field if field is not None and shiboken6.isValid(field) else None


@dataclass(frozen=True, slots=True)
class _Grown:
    """A window grown to hold the keys beside its contents, and how it was before."""

    window: QWidget
    margins: QMargins
    geometry: QRect


class KeyboardController(QObject):
    """Shows the keyboard for a tapped text field of ``window`` or of a dialog over it, in the
    field's own window. (Every register window has its own; each serves only its fields.)"""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._scope = window
        self._mode = KeyboardMode.ALWAYS
        self._app: QApplication | None = None
        self._keyboard: OnscreenKeyboard | None = None
        self._target: TextField | None = None
        self._grown: _Grown | None = None

    @property
    def mode(self) -> KeyboardMode:
        return self._mode

    @property
    def keyboard(self) -> OnscreenKeyboard | None:
        """The keyboard while it is shown, else None."""
        keyboard = self._keyboard
        if keyboard is None or not shiboken6.isValid(keyboard) or keyboard.isHidden():
            return None
        return keyboard

    def install(self, app: QApplication) -> None:
        if self._app is None:
            self._app = app
            app.installEventFilter(self)

    def uninstall(self) -> None:
        self.hide()
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    def set_mode(self, mode: KeyboardMode | str) -> None:
        self._mode = KeyboardMode(mode)
        if self._mode is KeyboardMode.NEVER:
            self.hide()

    # -- showing and hiding --------------------------------------------------------------------

    def show_for(self, field: TextField) -> None:
        window = field.window()
        keyboard = self._keyboard
        if keyboard is None or not shiboken6.isValid(keyboard):
            keyboard = OnscreenKeyboard()
            keyboard.dismissed.connect(self.hide)
            self._keyboard = keyboard
        if keyboard.parentWidget() is not window:
            self._restore()
            keyboard.hide()
            keyboard.setParent(window)
        self._target = field
        keyboard.set_target(field)
        keyboard.ensurePolished()  # the theme's sizes, before they are measured
        self._place()
        keyboard.show()
        keyboard.raise_()

    def hide(self) -> None:
        keyboard = self.keyboard
        if keyboard is not None:
            keyboard.hide()
            keyboard.set_target(None)
        self._target = None
        self._restore()

    def _place(self) -> None:
        keyboard, field = self._keyboard, self._target
        if keyboard is None or field is None or not shiboken6.isValid(field):
            return
        window = field.window()
        height = keyboard.sizeHint().height()
        top = field.mapTo(window, QPoint(0, 0)).y()
        bottom = top + field.height()
        below = bottom + GAP_PX <= window.height() - height
        above = not below and top - GAP_PX >= height
        wider = max(0, keyboard.minimumSizeHint().width() - window.width())
        taller = 0 if below or above else height + GAP_PX
        if wider or taller:
            self._grow(window, wider, taller)
        width = min(window.width(), MAX_WIDTH_PX)
        y = 0 if above else window.height() - height
        keyboard.setGeometry((window.width() - width) // 2, y, width, height)

    def _grow(self, window: QWidget, wider: int, taller: int) -> None:
        """Make ``window`` ``wider`` (half on each side) and ``taller`` (at the bottom), its
        layout's margins taking the room so that its contents stay where they were on the
        screen; then keep it on its screen."""
        layout = window.layout()
        if self._grown is not None or layout is None:
            return
        margins, geometry = layout.contentsMargins(), window.geometry()
        self._grown = _Grown(window, margins, geometry)
        left = wider // 2
        layout.setContentsMargins(margins + QMargins(left, 0, wider - left, taller))
        window.setGeometry(geometry.adjusted(-left, 0, wider - left, taller))
        screen = window.screen()
        if screen is None:
            return
        room, frame = screen.availableGeometry(), window.frameGeometry()
        shift = QPoint(
            max(room.left() - frame.left(), min(0, room.right() - frame.right())),
            max(room.top() - frame.top(), min(0, room.bottom() - frame.bottom())),
        )
        if not shift.isNull():
            window.move(window.pos() + shift)

    def _restore(self) -> None:
        grown, self._grown = self._grown, None
        if grown is None or not shiboken6.isValid(grown.window):
            return
        layout = grown.window.layout()
        if layout is not None:
            layout.setContentsMargins(grown.margins)
            layout.activate()  # its smaller minimum size now, not at the next layout pass
        grown.window.setGeometry(grown.geometry)

    # -- taps, from anywhere in the app --------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonRelease:
            if isinstance(event, QMouseEvent) and self._serves(watched):
                self._released(watched, event)
        elif kind == QEvent.Type.Hide and watched is self._target:
            self.hide()  # its tab changed, its dialog closed, the register locked
        elif (
            kind == QEvent.Type.Resize
            and self._grown is None
            and self._target is not None
            and shiboken6.isValid(self._target)
            and watched is self._target.window()
        ):
            self._place()  # the window changed size under the keys
        return False

    def _serves(self, watched: QObject) -> TypeGuard[QWidget]:
        widget = watched if isinstance(watched, QWidget) else None
        while widget is not None and widget is not self._scope:
            widget = widget.parentWidget()
        return widget is not None

    def _released(self, widget: QWidget, event: QMouseEvent) -> None:
        keyboard = self.keyboard
        if keyboard is not None and (widget is keyboard or keyboard.isAncestorOf(widget)):
            return
        tapped = widget.rect().contains(event.position().toPoint())
        parent = widget.parentWidget()
        if isinstance(parent, QPlainTextEdit) and widget is parent.viewport():
            widget = parent  # a multi-line field gets its taps on its viewport
        if isinstance(widget, TextField) and tapped and self._wanted(widget, event):
            self.show_for(widget)
        elif widget is not self._target:
            self.hide()

    def _wanted(self, field: TextField, event: QMouseEvent) -> bool:
        if self._mode is KeyboardMode.NEVER or not takes_keyboard(field):
            return False
        if self._mode is KeyboardMode.AUTO:
            device = event.device()
            return device is not None and device.type() == QInputDevice.DeviceType.TouchScreen
        return True
