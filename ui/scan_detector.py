"""Tells a keyboard-wedge barcode scanner from a person typing, anywhere on the screen.

A wedge scanner is a keyboard to the system: it types its code a few milliseconds a key and
ends it with Enter, into whatever widget has focus. An application-wide event filter holds
every printable key back for a moment. A burst of at least ``min_length`` keys with no gap
over ``max_gap_ms``, ended by Enter, becomes ``scanned(code)`` and reaches no widget. Anything
else is re-delivered to the widget it was meant for, in order, once a gap or another key says
a person is typing: a person's keys land ``max_gap_ms`` late, which nobody notices.

What the code means is not decided here; the window routes ``scanned``.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

_ENTER_KEYS = frozenset({Qt.Key.Key_Return.value, Qt.Key.Key_Enter.value})

# A scanner presses Shift around capitals: a bare modifier must not end a burst.
_MODIFIER_KEYS = frozenset(
    key.value
    for key in (
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
    )
)

# Keys with these held are shortcuts (Ctrl+A), never part of a code.
_SHORTCUT_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)

# Input after held keys: the keys are delivered first, so the widget sees everything in the
# order it happened (a tap on a button reads the field the keys were typed into).
_RELEASE_FIRST = frozenset(
    {
        QEvent.Type.FocusAboutToChange,
        QEvent.Type.FocusOut,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.TouchBegin,
    }
)


@dataclass(frozen=True)
class _HeldKey:
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


class WedgeScanDetector(QObject):
    """Emits ``scanned(code)`` for a scanner's burst; people's typing passes through."""

    scanned = Signal(str)

    def __init__(
        self, parent: QObject | None = None, *, max_gap_ms: int = 30, min_length: int = 6
    ) -> None:
        super().__init__(parent)
        self._max_gap_ns = max_gap_ms * 1_000_000
        self._min_length = min_length
        self._enabled = True
        self._app: QCoreApplication | None = None
        # Set while held keys are re-delivered, so the filter lets its own replays through.
        self._replaying = False
        self._held: list[_HeldKey] = []
        self._target: QWidget | None = None
        self._last_ns = 0
        self._steady = True  # no gap over max_gap_ms since the first held key
        # Presses swallowed or replayed whose real releases are still to come: the widget
        # already had its release (a replay sends both), or must not see one at all (a scan).
        # A person holds a key longer than the gap, so these often arrive after the replay.
        self._unreleased: Counter[int] = Counter()
        self._gap = QTimer(self)
        self._gap.setSingleShot(True)
        self._gap.setTimerType(Qt.TimerType.PreciseTimer)
        self._gap.setInterval(max_gap_ms)
        self._gap.timeout.connect(self._release_held)

    def install(self, app: QCoreApplication) -> None:
        if self._app is not None:
            return
        self._app = app
        app.installEventFilter(self)

    def uninstall(self) -> None:
        self._release_held()
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    def set_enabled(self, enabled: bool) -> None:
        if not enabled:
            self._release_held()
            self._unreleased.clear()
        self._enabled = enabled

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._enabled or self._replaying:
            return False
        if event.type() in _RELEASE_FIRST:
            self._release_held()
            return False
        # A key from the window system reaches the QWindow first, then the focus widget
        # (or keyboard grabber, or popup): the widget is what the held keys go back to. If it
        # ignores a key, Qt offers the same event to its parents, no longer spontaneous; keys
        # the app sends itself are not spontaneous either. So each keystroke counts once here.
        if not (
            isinstance(watched, QWidget) and isinstance(event, QKeyEvent) and event.spontaneous()
        ):
            return False
        if event.type() == QEvent.Type.KeyPress:
            return self._key_pressed(watched, event)
        if event.type() == QEvent.Type.KeyRelease:
            return self._key_released(event)
        return False

    def _key_pressed(self, widget: QWidget, event: QKeyEvent) -> bool:
        now = time.monotonic_ns()
        key = event.key()
        if key in _MODIFIER_KEYS:
            return False
        # A key held down repeats at a person's pace, and a scanner never repeats.
        if event.isAutoRepeat() or (self._held and widget is not self._target):
            self._release_held()
        if self._held and key in _ENTER_KEYS:
            # Measured at arrival, not by the timer: a timer only says a gap was seen, and it
            # may not have fired yet when the Enter arrives after one.
            steady = self._steady and now - self._last_ns <= self._max_gap_ns
            if steady and len(self._held) >= self._min_length:
                code = "".join(held.text for held in self._held)
                self._forget_held()
                self._unreleased[key] += 1
                event.accept()
                self.scanned.emit(code)
                return True
        text = event.text()
        if (
            event.isAutoRepeat()
            or event.modifiers() & _SHORTCUT_MODIFIERS
            or len(text) != 1
            or not text.isprintable()
        ):
            self._release_held()
            return False
        if self._held:
            self._steady = self._steady and now - self._last_ns <= self._max_gap_ns
        else:
            self._steady = True
        self._held.append(_HeldKey(key, event.modifiers(), text))
        self._target = widget
        self._last_ns = now
        self._unreleased[key] += 1
        self._gap.start()
        event.accept()
        return True

    def _key_released(self, event: QKeyEvent) -> bool:
        key = event.key()
        if event.isAutoRepeat() or self._unreleased[key] <= 0:
            return False
        self._unreleased[key] -= 1
        event.accept()
        return True

    def _forget_held(self) -> tuple[list[_HeldKey], QWidget | None]:
        self._gap.stop()
        held, target = self._held, self._target
        self._held, self._target = [], None
        return held, target

    def _release_held(self) -> None:
        """Deliver the held keys, press and release, to the widget they were typed into."""
        held, target = self._forget_held()
        if not held or target is None or not shiboken6.isValid(target):
            return
        self._replaying = True
        try:
            for key in held:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    replay = QKeyEvent(kind, key.key, key.modifiers, key.text)
                    QCoreApplication.sendEvent(target, replay)
        finally:
            self._replaying = False
