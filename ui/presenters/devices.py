"""The Settings tab's presenter: device settings loaded, saved and tested on a worker; and the
window's word on when the on-screen keyboard comes up, at start and after every save.

Loading reads the register database and lists the system's serial ports; saving validates,
stores and swaps the printer; a test page is stored as a print job. All of it runs on the
window's pool, and the answers come back as signals: the screen never waits.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.config import BAUD_RATES, KeyboardMode
from pos_desktop.domain.card_number import mask_card_numbers_in
from pos_desktop.services.results import (
    PAPER_WIDTHS,
    DeviceSettings,
    InvalidDeviceSettings,
    NoPrinter,
    SerialPort,
)
from ui.presenters.background import BackgroundPresenter

if TYPE_CHECKING:
    from pos_desktop.services.devices import DeviceService

log = logging.getLogger(__name__)

SAVED = "Settings saved. The scanner and printer use them now."
TEST_PAGE_QUEUED = "Test page sent to the printer."
NO_SCAN_YET = "Nothing scanned yet. Scan a barcode to see what the scanner sends."
KEYBOARD_CHOICES = (
    ("Automatic", KeyboardMode.AUTO),
    ("Always", KeyboardMode.ALWAYS),
    ("Never", KeyboardMode.NEVER),
)
KEYBOARD_HINT = (
    "Comes up when a text field is tapped. Automatic: for a finger on a touchscreen, not a "
    "mouse; a touchscreen that works as a mouse needs Always."
)


def show_raw(data: bytes) -> str:
    r"""Bytes as a manager can read them: printable ASCII as is, others as ``\xNN``
    (CR and LF as ``\r`` and ``\n``), so a terminator or prefix set wrong is visible; a card
    number masked, as everywhere else (``\x02•••• 5184\r``)."""
    # latin-1 maps each byte to the character of the same number; only the mask's bullets
    # are beyond it.
    text = mask_card_numbers_in(data.decode("latin-1"))
    parts: list[str] = []
    for char in text:
        code = ord(char)
        if char == "\r":
            parts.append("\\r")
        elif char == "\n":
            parts.append("\\n")
        elif char == "\\":
            parts.append("\\\\")
        elif 0x20 <= code < 0x7F or code > 0xFF:
            parts.append(char)
        else:
            parts.append(f"\\x{code:02x}")
    return "".join(parts)


def last_bytes(data: bytes, size: int) -> bytes:
    """The last ``size`` bytes of ``data``, less the digits of a run the cut went through: the
    tail of a card number, cut off from its head, would no longer be masked."""
    if len(data) <= size:
        return data
    kept = data[-size:]
    if data[-size - 1 : -size].isdigit():
        kept = kept.lstrip(b"0123456789")
    return kept


class DevicesPresenter(BackgroundPresenter):
    loaded = Signal(object)  # DeviceSettings
    ports_listed = Signal(list)  # list[SerialPort]
    profiles_listed = Signal(tuple)  # tuple[str, ...]: python-escpos's printer profiles
    saved = Signal(object)  # DeviceSettings, as stored and now in use
    said = Signal(str)  # a short answer: saved, test page sent
    refused = Signal(str, str)  # the field that is wrong (may be ""), and why
    keyboard_mode = Signal(object)  # KeyboardMode, as stored

    baud_rates = BAUD_RATES
    paper_widths = PAPER_WIDTHS
    keyboard_choices = KEYBOARD_CHOICES

    def __init__(
        self,
        devices: DeviceService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._devices = devices

    def load(self) -> None:
        """The stored settings and the system's serial ports; and in a job of their own, so a
        failed load still lists them, the printer profiles (python-escpos's database loads on
        the worker, not while the register starts)."""
        self._worker.submit(self._devices.profiles, self.profiles_listed.emit, self._failed)
        self._worker.submit(
            lambda: (self._devices.load(), self._devices.ports()), self._loaded, self._failed
        )

    def load_keyboard_mode(self) -> None:
        """The stored on-screen keyboard setting, for the window at start; a failed read
        leaves the keyboard as it is (the Settings tab says why when opened)."""
        self._worker.submit(
            self._devices.load,
            lambda settings: self.keyboard_mode.emit(settings.onscreen_keyboard),
            lambda error: log.warning("on-screen keyboard setting not read: %s", error),
        )

    def _loaded(self, result: tuple[DeviceSettings, list[SerialPort]]) -> None:
        settings, ports = result
        self.ports_listed.emit(ports)
        self.loaded.emit(settings)

    def save(self, settings: DeviceSettings) -> None:
        if self.busy:
            return
        self._worker.submit(lambda: self._devices.save(settings), self._saved, self._failed)

    def _saved(self, settings: DeviceSettings) -> None:
        self.saved.emit(settings)
        self.loaded.emit(settings)
        self.keyboard_mode.emit(settings.onscreen_keyboard)
        self.said.emit(SAVED)

    def test_print(self) -> None:
        self._worker.submit(
            self._devices.test_print, lambda _job: self.said.emit(TEST_PAGE_QUEUED), self._failed
        )

    def _failed(self, error: Exception) -> None:
        if isinstance(error, InvalidDeviceSettings):
            self.refused.emit(error.field, error.message)
        elif isinstance(error, NoPrinter):
            self.refused.emit("printer", error.message)
        else:
            self._on_failed(error, lambda message: self.refused.emit("", message))
