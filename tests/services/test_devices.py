"""Device settings: validated before anything is stored, stored over the environment's
defaults, and the print queue follows a saved printer at once (a real TCP printer on loopback)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from pos_desktop.config import KeyboardMode, Settings
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.receipts.escpos import DEFAULT_PROFILE
from pos_desktop.services.devices import (
    NO_PROFILE,
    DeviceService,
    printer_profiles,
    serial_ports,
    validate,
)
from pos_desktop.services.printing import PrintService
from pos_desktop.services.register_services import utc_now
from pos_desktop.services.results import DeviceSettings, InvalidDeviceSettings, NoPrinter
from tests.fixtures.ports import free_port
from tests.fixtures.printer import PrinterServer
from tests.fixtures.register import wait_until

DEFAULTS = DeviceSettings(scanner_port="/dev/ttyENV", printer="", paper_mm=80)


@pytest.fixture
def database(register_db: RegisterDatabase) -> RegisterDatabase:
    return register_db


@pytest.fixture
def changes() -> list[PrintService | None]:
    return []


@pytest.fixture
def devices(
    database: RegisterDatabase, changes: list[PrintService | None]
) -> Iterator[DeviceService]:
    service = DeviceService(
        database, DEFAULTS, utc_now, on_printing_changed=changes.append, retry_seconds=0.1
    )
    yield service
    service.close()


def test_validate_refuses_no_printer_profile_asking_to_pick_one() -> None:
    """No profile picked (the list had not come yet) is refused with what to do, not as an
    unknown profile called ''."""
    with pytest.raises(InvalidDeviceSettings) as refused:
        validate(replace(DeviceSettings(), printer_profile=""))
    assert (refused.value.field, refused.value.message) == ("printer_profile", NO_PROFILE)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"printer": "lpt:1"}, "printer"),
        ({"printer": "tcp:host:99999"}, "printer"),
        ({"scanner_baud": 12345}, "scanner_baud"),
        ({"scanner_terminator": "tab"}, "scanner_terminator"),
        ({"scanner_prefix": "€"}, "scanner_prefix"),
        ({"paper_mm": 60}, "paper_mm"),
        ({"printer_profile": "No Such Printer"}, "printer_profile"),
        ({"onscreen_keyboard": "sometimes"}, "onscreen_keyboard"),
    ],
)
def test_validate_refuses_a_bad_setting_by_name(change: dict[str, object], field: str) -> None:
    """Each bad value is refused with the field it is in and a message saying what to write."""
    with pytest.raises(InvalidDeviceSettings) as refused:
        validate(replace(DeviceSettings(), **change))  # type: ignore[arg-type]
    assert refused.value.field == field
    assert refused.value.message


def test_validate_tidies_what_was_typed() -> None:
    """Spaces around the port and printer go, the terminator is lower case."""
    tidy = validate(
        DeviceSettings(
            scanner_port=" /dev/ttyUSB0 ", scanner_terminator="CRLF", printer=" tcp:10.0.0.5 "
        )
    )
    assert (tidy.scanner_port, tidy.scanner_terminator, tidy.printer) == (
        "/dev/ttyUSB0",
        "crlf",
        "tcp:10.0.0.5",
    )


def test_printer_profiles_are_python_escpos_profiles() -> None:
    """The profile picker offers python-escpos's profiles, the default among them."""
    assert "TM-T88V" in printer_profiles()


def test_device_settings_default_profile_is_the_renderers_and_the_environments() -> None:
    """The Settings tab's default printer profile (named without loading python-escpos) is the
    one receipts are rendered for and ``POS_PRINTER_PROFILE`` defaults to."""
    assert DeviceSettings().printer_profile == DEFAULT_PROFILE
    assert Settings.model_fields["printer_profile"].default == DEFAULT_PROFILE


def test_serial_ports_lists_what_the_system_lists() -> None:
    """Listing ports never fails, whatever the machine has."""
    assert all(port.device for port in serial_ports())


def test_device_service_defaults_to_the_environment(devices: DeviceService) -> None:
    """Nothing stored: the environment's settings."""
    assert devices.load() == DEFAULTS
    assert not devices.is_stored()


def test_device_settings_from_settings_reads_pos_variables(tmp_path: Path) -> None:
    """POS_SCANNER_*, POS_PRINTER* and POS_ONSCREEN_KEYBOARD make the defaults."""
    settings = Settings(
        data_dir=tmp_path,
        scanner_port="/dev/ttyS1",
        scanner_baud=19200,
        printer="tcp:10.0.0.9:9100",
        paper_mm=58,
        onscreen_keyboard="Auto",  # type: ignore[arg-type]  # as written in pos.env
    )
    defaults = DeviceSettings.from_settings(settings)
    assert (defaults.scanner_port, defaults.scanner_baud) == ("/dev/ttyS1", 19200)
    assert (defaults.printer, defaults.paper_mm) == ("tcp:10.0.0.9:9100", 58)
    assert defaults.onscreen_keyboard is KeyboardMode.AUTO


def test_device_settings_keyboard_defaults_to_always() -> None:
    """A register is a touch register: the on-screen keyboard comes up for every tap."""
    assert DeviceSettings().onscreen_keyboard is KeyboardMode.ALWAYS


def test_device_service_saved_settings_win_and_persist(
    devices: DeviceService, database: RegisterDatabase
) -> None:
    """Saved settings are what a new service over the same database loads."""
    wanted = DeviceSettings(
        scanner_port="/dev/ttyUSB1",
        scanner_baud=19200,
        scanner_terminator="crlf",
        scanner_prefix=r"\x02",
        printer="file:/dev/null",
        printer_profile="TM-T20II",
        paper_mm=58,
        onscreen_keyboard=KeyboardMode.NEVER,
    )
    devices.save(wanted)
    again = DeviceService(database, DEFAULTS, utc_now)
    assert again.load() == wanted
    scanner = again.load().scanner()
    assert scanner is not None and scanner.prefix == b"\x02"


def test_device_service_bad_setting_stores_nothing(devices: DeviceService) -> None:
    """A refused save leaves the stored settings as they were."""
    with pytest.raises(InvalidDeviceSettings):
        devices.save(replace(DEFAULTS, printer="tcp:"))
    assert not devices.is_stored()
    assert devices.printing is None


def test_device_service_saved_printer_starts_a_queue_that_prints_a_test_page(
    devices: DeviceService, changes: list[PrintService | None]
) -> None:
    """No printer at start; a saved printer creates the print queue, and a test page reaches
    the printer; removing the printer stops the queue."""
    with pytest.raises(NoPrinter):
        devices.test_print()
    port = free_port()
    printer = PrinterServer(port)
    try:
        devices.save(replace(DEFAULTS, printer=f"tcp:127.0.0.1:{port}", paper_mm=58))
        assert changes == [devices.printing] and devices.printing is not None
        devices.test_print()
        wait_until(lambda: len(printer.received) == 1)
        assert b"Test page" in printer.received[0]
        assert b"58 mm" in printer.received[0]
    finally:
        printer.close()
    devices.save(DEFAULTS)
    assert devices.printing is None and changes[-1] is None


def test_device_service_swaps_the_printer_of_a_running_queue(
    database: RegisterDatabase,
) -> None:
    """With a queue from start-up, saving another printer prints there, in the same queue."""
    first, second = free_port(), free_port()
    devices = DeviceService(database, DEFAULTS, utc_now, retry_seconds=0.1)
    queue = devices.apply_printer(replace(DEFAULTS, printer=f"tcp:127.0.0.1:{first}"))
    assert queue is not None
    printer = PrinterServer(second)
    try:
        devices.save(replace(DEFAULTS, printer=f"tcp:127.0.0.1:{second}"))
        assert devices.printing is queue
        devices.test_print()
        wait_until(lambda: len(printer.received) == 1)
    finally:
        printer.close()
        devices.close()
