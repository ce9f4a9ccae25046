"""Locks the register after a stretch without touches or keys on its window.

An application-wide event filter sees input meant for any child widget; only input that
reaches this window restarts the countdown, so another top-level window (a customer display,
another test's window) does not keep this one unlocked.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.KeyPress,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.Wheel,
    }
)


class IdleLock(QObject):
    timed_out = Signal()

    def __init__(self, window: QWidget, seconds: float) -> None:
        super().__init__(window)
        self._window = window
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, round(seconds * 1000)))
        self._timer.timeout.connect(self.timed_out)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    @property
    def remaining_ms(self) -> int:
        """Milliseconds left before the lock, or -1 when the countdown is not running."""
        return self._timer.remainingTime()

    def touch(self) -> None:
        """Input this filter does not see (a scan taken by the scan detector) restarts it too."""
        if self._timer.isActive():
            self._timer.start()

    @property
    def seconds(self) -> float:
        return self._timer.interval() / 1000

    def set_seconds(self, seconds: float) -> None:
        """The store's setting; a running countdown restarts with it."""
        self._timer.setInterval(max(1, round(seconds * 1000)))
        if self._timer.isActive():
            self._timer.start()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in _INPUT_EVENTS
            and self._timer.isActive()
            and isinstance(watched, QWidget)
            and self._belongs_to_window(watched)
        ):
            self.touch()
        return False

    def _belongs_to_window(self, widget: QWidget) -> bool:
        """The window itself or one of its dialogs (a dialog is a window of its own)."""
        window: QWidget | None = widget.window()
        while window is not None:
            if window is self._window:
                return True
            parent = window.parentWidget()
            window = parent.window() if parent is not None else None
        return False
