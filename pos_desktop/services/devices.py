"""The register's devices as a manager sets them: serial scanner, receipt printer, and when
the on-screen keyboard comes up.

``DeviceSettings`` (``results``) is what the Settings tab edits. Stored settings (table
``device_settings``) win over the environment; the environment (``POS_SCANNER_*``,
``POS_PRINTER*``, ``POS_PAPER_MM``, ``POS_ONSCREEN_KEYBOARD``) is the default while nothing
is stored.
``DeviceService.save`` validates, stores, and swaps the printer of the print queue at once
(creating the queue when the register had no printer); the window restarts its scanner with
``DeviceSettings.scanner()`` and a reader from ``DeviceService.scanner_reader``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import asdict, fields, replace
from datetime import datetime

import serial.tools.list_ports
from sqlalchemy import select

from hardware.printer import ReceiptPrinter, describe
from hardware.scan_lines import parse_affix
from hardware.scanner import (
    RawCallback,
    ScanCallback,
    SerialScanner,
    StatusCallback,
    UnreadableCallback,
)
from hardware.scanner_settings import ScannerSettings
from pos_desktop.config import BAUD_RATES, PRINTER_FORMATS, KeyboardMode, parse_printer_address
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.db.models import DeviceSettingsRow
from pos_desktop.receipts.escpos import (
    render_escpos,
    render_slip_escpos,
    render_test_page,
)
from pos_desktop.services.printing import RETRY_SECONDS, PrintService
from pos_desktop.services.results import (
    PAPER_WIDTHS,
    DeviceSettings,
    InvalidDeviceSettings,
    NoPrinter,
    SerialPort,
)

log = logging.getLogger(__name__)

TERMINATORS = ("cr", "lf", "crlf")
MAX_PORT_LENGTH = 300
MAX_AFFIX_LENGTH = 40


NO_PROFILE = "Pick the printer's profile from the list."


def printer_profiles() -> tuple[str, ...]:
    """python-escpos's printer profiles, by name (its database loads on first use)."""
    from escpos.capabilities import CAPABILITIES

    return tuple(sorted(CAPABILITIES["profiles"], key=str.lower))


_FIELDS = tuple(field.name for field in fields(DeviceSettings))


def validate(settings: DeviceSettings) -> DeviceSettings:
    """``settings`` tidied (spaces trimmed, terminator in lower case), or InvalidDeviceSettings
    naming the first field that is wrong."""
    port = settings.scanner_port.strip()
    if len(port) > MAX_PORT_LENGTH:
        raise InvalidDeviceSettings("scanner_port", "The scanner port is too long.")
    if settings.scanner_baud not in BAUD_RATES:
        rates = ", ".join(str(rate) for rate in BAUD_RATES)
        raise InvalidDeviceSettings(
            "scanner_baud", f"Scanner speed {settings.scanner_baud} is not one of {rates}."
        )
    terminator = settings.scanner_terminator.strip().lower()
    if terminator not in TERMINATORS:
        raise InvalidDeviceSettings(
            "scanner_terminator", "The scanner terminator is CR, LF or CR LF."
        )
    for field, label, text in (
        ("scanner_prefix", "prefix", settings.scanner_prefix),
        ("scanner_suffix", "suffix", settings.scanner_suffix),
    ):
        if len(text) > MAX_AFFIX_LENGTH:
            raise InvalidDeviceSettings(field, f"The scanner {label} is too long.")
        try:
            parse_affix(text)
        except ValueError:
            raise InvalidDeviceSettings(
                field,
                f"The scanner {label} {text!r} is not bytes: use plain characters, "
                r"and \xNN for a control byte (STX is \x02).",
            ) from None
    printer = settings.printer.strip()
    try:
        parse_printer_address(printer)
    except ValueError:
        raise InvalidDeviceSettings(
            "printer",
            f"The printer connection {printer!r} is not valid. Write it like {PRINTER_FORMATS}.",
        ) from None
    if not settings.printer_profile:
        # The Settings tab's list fills from a worker: a Save in that moment has none picked.
        raise InvalidDeviceSettings("printer_profile", NO_PROFILE)
    if settings.printer_profile not in printer_profiles():
        raise InvalidDeviceSettings(
            "printer_profile", f"{settings.printer_profile!r} is not a known printer profile."
        )
    if settings.paper_mm not in PAPER_WIDTHS:
        raise InvalidDeviceSettings("paper_mm", "Receipt paper is 58 or 80 mm wide.")
    if settings.onscreen_keyboard not in tuple(KeyboardMode):
        raise InvalidDeviceSettings(
            "onscreen_keyboard", "The on-screen keyboard is Automatic, Always or Never."
        )
    return replace(
        settings,
        scanner_port=port,
        scanner_terminator=terminator,
        printer=printer,
        onscreen_keyboard=KeyboardMode(settings.onscreen_keyboard),
    )


def serial_ports() -> list[SerialPort]:
    """The serial ports the system lists (pyserial's ``comports``), by device name."""
    try:
        found = serial.tools.list_ports.comports()
    except OSError:
        log.exception("could not list the serial ports")
        return []
    return sorted(
        (SerialPort(port.device, port.description or "") for port in found),
        key=lambda port: port.device,
    )


def print_service_parts(
    settings: DeviceSettings,
) -> tuple[ReceiptPrinter, Callable[..., bytes], Callable[..., bytes]] | None:
    """The printer and its renderers (receipt, slip) for ``settings``; None without a printer."""
    address = settings.printer_address()
    if address is None:
        return None
    paper_mm, profile = settings.paper_mm, settings.printer_profile
    return (
        ReceiptPrinter(address, profile=profile),
        functools.partial(render_escpos, paper_mm=paper_mm, profile=profile),
        functools.partial(render_slip_escpos, paper_mm=paper_mm, profile=profile),
    )


class DeviceService:
    """Loads and saves the register's device settings and keeps the print queue in step."""

    def __init__(
        self,
        database: RegisterDatabase,
        defaults: DeviceSettings,
        clock: Callable[[], datetime],
        *,
        printing: PrintService | None = None,
        on_printing_changed: Callable[[PrintService | None], None] | None = None,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        """``printing``: the print queue the register started with (None: no printer yet);
        ``on_printing_changed`` hears of a queue created or stopped by ``save``."""
        self._database = database
        self._defaults = defaults
        self._clock = clock
        self._printing = printing
        self._owned: PrintService | None = None  # a queue this service started, to stop
        self._on_printing_changed = on_printing_changed
        self._retry_seconds = retry_seconds

    @property
    def printing(self) -> PrintService | None:
        return self._printing

    def load(self) -> DeviceSettings:
        """The stored settings, or the environment's while nothing is stored."""
        with self._database.session() as db:
            row = db.get(DeviceSettingsRow, 1)
            if row is None:
                return self._defaults
            # The row has one column per field of DeviceSettings (and its id and updated_at).
            stored = DeviceSettings(**{name: getattr(row, name) for name in _FIELDS})
            return replace(stored, onscreen_keyboard=KeyboardMode(stored.onscreen_keyboard))

    def is_stored(self) -> bool:
        with self._database.session() as db:
            return db.execute(select(DeviceSettingsRow.id)).first() is not None

    def save(self, settings: DeviceSettings) -> DeviceSettings:
        """Validate and store ``settings`` (nothing is stored when one is invalid), then put
        the printer to work; the settings as stored."""
        settings = validate(settings)
        with self._database.session() as db, db.begin():
            row = db.get(DeviceSettingsRow, 1)
            if row is None:
                row = DeviceSettingsRow(id=1)
                db.add(row)
            for name, value in asdict(settings).items():
                setattr(row, name, value)
            row.updated_at = self._clock()
        self.apply_printer(settings)
        return settings

    def apply_printer(self, settings: DeviceSettings) -> PrintService | None:
        """Print on the printer ``settings`` name from now on: swap the queue's printer,
        start a queue if there was none, stop it when the printer was removed."""
        parts = print_service_parts(settings)
        current = self._printing
        if parts is None:
            if current is not None:
                current.stop()
                self._printing = self._owned = None
                self._changed(None)
            return None
        printer, render, render_slip = parts
        if current is not None:
            current.set_printer(printer, render, render_slip)
            current.start()
            return current
        service = PrintService(
            self._database,
            printer,
            render,
            self._clock,
            render_slip=render_slip,
            retry_seconds=self._retry_seconds,
        )
        service.start()
        self._printing = self._owned = service
        self._changed(service)
        return service

    def _changed(self, printing: PrintService | None) -> None:
        if self._on_printing_changed is not None:
            self._on_printing_changed(printing)

    def test_print(self) -> int:
        """Queue a test page for the current printer; its job id (NoPrinter without one)."""
        printing = self._printing
        settings = self.load()
        address = settings.printer_address()
        if printing is None or address is None:
            raise NoPrinter
        page = render_test_page(
            describe(address), settings.paper_mm, profile=settings.printer_profile
        )
        return printing.queue(page, "test")

    def ports(self) -> list[SerialPort]:
        return serial_ports()

    @staticmethod
    def profiles() -> tuple[str, ...]:
        """The printer profiles the Settings tab offers (python-escpos's)."""
        return printer_profiles()

    @staticmethod
    def scanner_reader(
        settings: ScannerSettings,
        *,
        on_scan: ScanCallback,
        on_unreadable: UnreadableCallback,
        on_status: StatusCallback,
        on_raw: RawCallback | None = None,
    ) -> SerialScanner:
        """A reader of the serial scanner ``settings`` name, not started: the window gets its
        reader here, so the screens never load pyserial."""
        return SerialScanner(
            settings,
            on_scan=on_scan,
            on_unreadable=on_unreadable,
            on_status=on_status,
            on_raw=on_raw,
        )

    def close(self) -> None:
        """Stop the print queue this service started (the one from start-up is not its own)."""
        owned, self._owned = self._owned, None
        if owned is not None and not owned.stop():
            log.warning("the print worker was still printing at shutdown")
