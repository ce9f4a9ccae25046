"""Printer connections against real endpoints: a loopback TCP server, a file and a pty."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from escpos.printer import Dummy

from hardware.printer import PrinterOffline, ReceiptPrinter, describe, drawer_kick
from pos_desktop.config import PrinterAddress, Settings, parse_printer_address
from tests.fixtures.ports import free_port
from tests.fixtures.printer import PrinterServer


@pytest.fixture
def server() -> Iterator[PrinterServer]:
    server = PrinterServer()
    yield server
    server.close()


def tcp(port: int) -> ReceiptPrinter:
    return ReceiptPrinter(PrinterAddress("tcp", "127.0.0.1", port=port), timeout=2)


def test_printer_sends_bytes_to_a_network_printer(server: PrinterServer) -> None:
    tcp(server.port).send(b"\x1b@receipt\n")
    assert server.wait_for(1) == [b"\x1b@receipt\n"]
    assert server.received == [b"\x1b@receipt\n"]


def test_printer_offline_when_nothing_listens() -> None:
    port = free_port()
    with pytest.raises(PrinterOffline) as raised:
        tcp(port).send(b"x")
    assert raised.value.printer == f"tcp:127.0.0.1:{port}"
    assert "refused" in raised.value.reason.lower()


def test_printer_writes_to_a_device_file(tmp_path: Path) -> None:
    path = tmp_path / "lp0"
    path.touch()
    ReceiptPrinter(PrinterAddress("file", str(path))).send(b"abc")
    assert path.read_bytes() == b"abc"


def test_printer_offline_when_the_device_file_is_missing(tmp_path: Path) -> None:
    printer = ReceiptPrinter(PrinterAddress("file", str(tmp_path / "none" / "lp0")))
    with pytest.raises(PrinterOffline, match="No such file"):
        printer.send(b"abc")


def test_printer_writes_to_a_serial_port_through_a_pty() -> None:
    master, slave = os.openpty()
    try:
        address = PrinterAddress("serial", os.ttyname(slave), baud=19200)
        ReceiptPrinter(address).send(b"\x1b@serial\n")
        assert os.read(master, 100) == b"\x1b@serial\n"
    finally:
        os.close(master)
        os.close(slave)


def test_drawer_kick_is_escpos_cashdraw_and_reaches_the_printer(server: PrinterServer) -> None:
    """The kick pulse is python-escpos's cashdraw on pin 2, sent like any job."""
    dummy = Dummy()
    dummy.cashdraw(2)
    tcp(server.port).send(drawer_kick())
    assert server.wait_for(1) == [dummy.output] == [drawer_kick()]


def test_printer_offline_when_a_pipe_has_no_reader(tmp_path: Path) -> None:
    """A ``file:`` pipe nobody reads fails at once instead of blocking the print worker."""
    pipe = tmp_path / "lp0"
    os.mkfifo(pipe)
    with pytest.raises(PrinterOffline, match="No such device"):
        ReceiptPrinter(PrinterAddress("file", str(pipe)), timeout=5).send(b"abc")


def test_printer_offline_when_a_device_file_stops_taking_data(tmp_path: Path) -> None:
    """A ``file:`` device that takes no more bytes (a USB printer out of paper; here a pipe
    whose reader never reads) is offline after the timeout, not a print worker hung for ever."""
    pipe = tmp_path / "lp0"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        printer = ReceiptPrinter(PrinterAddress("file", str(pipe)), timeout=0.3)
        started = time.monotonic()
        with pytest.raises(PrinterOffline, match=r"took no data for 0\.3 s"):
            printer.send(b"x" * 1_000_000)  # far more than a pipe holds
        assert time.monotonic() - started < 5  # a guard against a hang, not a measure
    finally:
        os.close(reader)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("serial:/dev/ttyUSB0?baud=19200", PrinterAddress("serial", "/dev/ttyUSB0", baud=19200)),
        ("serial:COM3", PrinterAddress("serial", "COM3", baud=9600)),
        ("tcp:192.168.1.50:9100", PrinterAddress("tcp", "192.168.1.50", port=9100)),
        ("tcp:printer.local", PrinterAddress("tcp", "printer.local", port=9100)),
        ("tcp:[fd00::5]:9101", PrinterAddress("tcp", "fd00::5", port=9101)),
        ("tcp:[::1]", PrinterAddress("tcp", "::1", port=9100)),
        ("file:/dev/usb/lp0", PrinterAddress("file", "/dev/usb/lp0")),
        ("  ", None),
    ],
)
def test_parse_printer_address_reads_each_form(text: str, address: PrinterAddress | None) -> None:
    assert parse_printer_address(text) == address


@pytest.mark.parametrize(
    "text",
    [
        "usb:1",
        "tcp:",
        "tcp:host:0",
        "tcp:host:x",
        "tcp:host:",
        "tcp:a b",
        "tcp:::1:9100",
        "tcp:[::1",
        "serial:/dev/x?speed=1",
        "serial:/dev/ttyUSB0?baud=0",
        "serial:/dev/ttyUSB0?baud=12345",
        "lp0",
    ],
)
def test_parse_printer_address_refuses_malformed_ones(text: str) -> None:
    with pytest.raises(ValueError, match="is not one of"):
        parse_printer_address(text)


def test_settings_refuse_a_malformed_printer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POS_PRINTER", "usb:0")
    with pytest.raises(ValueError, match="is not one of"):
        Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("tcp:10.0.0.9", "tcp:10.0.0.9:9100"),
        ("serial:COM3", "serial:COM3?baud=9600"),
        ("file:/dev/usb/lp0", "file:/dev/usb/lp0"),
    ],
)
def test_describe_names_a_printer_in_the_form_it_is_set(text: str, name: str) -> None:
    address = parse_printer_address(text)
    assert address is not None
    assert describe(address) == ReceiptPrinter(address).name == name


def test_settings_read_the_printer_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """POS_PRINTER and POS_PAPER_MM name the printer; an empty POS_PRINTER names none."""
    monkeypatch.setenv("POS_PRINTER", "tcp:10.0.0.9")
    monkeypatch.setenv("POS_PAPER_MM", "58")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.printer_address() == PrinterAddress("tcp", "10.0.0.9", port=9100)
    assert settings.paper_mm == 58
    monkeypatch.setenv("POS_PRINTER", "")
    assert Settings(_env_file=None).printer_address() is None  # type: ignore[call-arg]
