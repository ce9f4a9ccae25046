"""A serial barcode scanner on the window: ``hardware.scanner`` behind queued Qt signals.

The reader runs on its own threads and calls back there; this object re-emits each callback as
a signal, which Qt queues to the GUI thread where this object lives. The GUI thread never
touches the port: ``dispose()`` (settings changed) closes it on a thread of its own, and
``stop()`` (the window closing) asks the reader to close it and joins its thread.

``scanned(code)`` goes to the same routing as a keyboard-wedge scan (``MainWindow._scanned``);
``unreadable()`` asks the window to say "Unreadable scan. Scan again." where the cashier looks;
the scanner's state is a label in the window's status bar, shown while the port is away.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from hardware.scan_lines import Unreadable
from ui.widgets.status_area import StatusArea

if TYPE_CHECKING:
    from hardware.scanner import SerialScanner
    from hardware.scanner_settings import ScannerSettings, ScannerStatus

log = logging.getLogger(__name__)

UNREADABLE_SCAN = "Unreadable scan. Scan again."


def not_connected_message(port: str) -> str:
    return f"Scanner on {port} is not connected; retrying…"


class SerialScans(QObject):
    """Owns a ``SerialScanner``; its callbacks arrive here as signals on the GUI thread.

    ``open_reader`` makes the reader (``DeviceService.scanner_reader``): pyserial stays on the
    services' side of the window."""

    scanned = Signal(str)
    unreadable = Signal(str)  # the reason, for the log; the cashier sees UNREADABLE_SCAN
    raw = Signal(bytes)  # every chunk as read, before framing (the Settings tab's Test scan)
    # Connected, and why not; emitted from the reader's thread, delivered queued.
    status_changed = Signal(bool, str)
    # After ``dispose()``: the port is closed and the reader's threads have ended.
    stopped = Signal()

    def __init__(
        self,
        settings: ScannerSettings,
        open_reader: Callable[..., SerialScanner],
        status_area: StatusArea | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.connected = False
        self._disposed = False
        self.status_label: QLabel | None = None
        if status_area is not None:
            self.status_label = QLabel(status_area)
            status_area.add_status(self.status_label, "scannerStatus", "Scanner status")
        self.status_changed.connect(self._show_status)
        self._reader = open_reader(
            settings,
            on_scan=self._scanned,
            on_unreadable=self._unreadable,
            on_status=self._status,
            on_raw=self._raw,
        )

    def start(self) -> None:
        if not self._disposed:
            self._reader.start()

    def stop(self) -> None:
        """Close the port and join the reader (up to seconds): only when the window closes."""
        self._reader.stop()

    def dispose(self) -> None:
        """Stop reading and take this scanner's line out of the header (replaced). Joining the
        reader can take seconds, so it happens on a thread; ``stopped`` says when the port is
        free, and this object goes then. Scans read meanwhile are dropped."""
        self._disposed = True
        if self.status_label is not None:
            self.status_label.hide()
            self.status_label.deleteLater()
            self.status_label = None
        self.stopped.connect(self.deleteLater)
        threading.Thread(
            target=self._stop_then_say, name=f"stop scanner {self.settings.port}", daemon=True
        ).start()

    def _stop_then_say(self) -> None:
        self._reader.stop()
        self.stopped.emit()

    # On the reader's thread: only signals, nothing of the screen.
    def _scanned(self, code: str) -> None:
        if not self._disposed:
            self.scanned.emit(code)

    def _raw(self, data: bytes) -> None:
        if not self._disposed:
            self.raw.emit(data)

    def _unreadable(self, unreadable: Unreadable) -> None:
        if not self._disposed:
            self.unreadable.emit(unreadable.reason.value)

    def _status(self, status: ScannerStatus) -> None:
        self.status_changed.emit(status.connected, status.reason)

    # On the GUI thread.
    def _show_status(self, connected: bool, _reason: str) -> None:
        self.connected = connected and not self._disposed
        label = self.status_label
        if label is None:
            return
        if connected:
            label.clear()
            label.hide()
        else:
            label.setText(not_connected_message(self.settings.port))
            label.show()

    @property
    def status_text(self) -> str:
        """What the header says about the scanner; empty while it is connected."""
        return self.status_label.text() if self.status_label is not None else ""
