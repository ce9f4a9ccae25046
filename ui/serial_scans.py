"""A serial barcode scanner on the window: ``hardware.scanner`` behind queued Qt signals.

The reader runs on its own threads and calls back there; this object re-emits each callback as
a signal, which Qt queues to the GUI thread where this object lives. The GUI thread never
touches the port: ``stop()`` only asks the reader to close it and joins its thread.

``scanned(code)`` goes to the same routing as a keyboard-wedge scan (``MainWindow._scanned``);
``unreadable()`` asks the window to say "Unreadable scan. Scan again." where the cashier looks;
the scanner's state is a label in the window's status bar, shown while the port is away.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QStatusBar

from hardware.scan_lines import Unreadable
from hardware.scanner import ScannerSettings, ScannerStatus, SerialScanner
from pos_desktop.config import Settings

log = logging.getLogger(__name__)

UNREADABLE_SCAN = "Unreadable scan. Scan again."


def not_connected_message(port: str) -> str:
    return f"Scanner on {port} is not connected; retrying…"


def scanner_settings(settings: Settings) -> ScannerSettings | None:
    """The serial scanner the settings name (POS_SCANNER_*), or None for no serial scanner."""
    port = settings.scanner_port.strip()
    if not port:
        return None
    try:
        return ScannerSettings.parse(
            port,
            baudrate=settings.scanner_baud,
            terminator=settings.scanner_terminator,
            prefix=settings.scanner_prefix,
            suffix=settings.scanner_suffix,
        )
    except ValueError as exc:
        # A bad prefix must not keep the register from selling; the wedge scanner still works.
        log.error("serial scanner on %s not started: %s", port, exc)
        return None


class SerialScans(QObject):
    """Owns a ``SerialScanner``; its callbacks arrive here as signals on the GUI thread."""

    scanned = Signal(str)
    unreadable = Signal(str)  # the reason, for the log; the cashier sees UNREADABLE_SCAN
    # Connected, and why not; emitted from the reader's thread, delivered queued.
    status_changed = Signal(bool, str)

    def __init__(
        self,
        settings: ScannerSettings,
        status_bar: QStatusBar | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.connected = False
        self.status_label: QLabel | None = None
        if status_bar is not None:
            self.status_label = QLabel(status_bar)
            self.status_label.setObjectName("scannerStatus")
            self.status_label.setAccessibleName("Scanner status")
            self.status_label.hide()
            status_bar.addPermanentWidget(self.status_label)
        self.status_changed.connect(self._show_status)
        self._reader = SerialScanner(
            settings,
            on_scan=self.scanned.emit,
            on_unreadable=self._unreadable,
            on_status=self._status,
        )

    def start(self) -> None:
        self._reader.start()

    def stop(self) -> None:
        self._reader.stop()

    # On the reader's thread: only signals, nothing of the screen.
    def _unreadable(self, unreadable: Unreadable) -> None:
        self.unreadable.emit(unreadable.reason.value)

    def _status(self, status: ScannerStatus) -> None:
        self.status_changed.emit(status.connected, status.reason)

    # On the GUI thread.
    def _show_status(self, connected: bool, _reason: str) -> None:
        self.connected = connected
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
        """What the status bar says about the scanner; empty while it is connected."""
        return self.status_label.text() if self.status_label is not None else ""
