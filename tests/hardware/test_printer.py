"""Printer connections against real endpoints: a loopback TCP server, a file and a pty."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from escpos.printer import Dummy

from hardware.printer import PrinterOffline, ReceiptPrinter, drawer_kick, printer_from_settings
from pos_desktop.config import PrinterAddress, Settings, parse_printer_address


class PrinterServer:
    """A TCP "printer" on loopback that keeps what each connection sent."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while chunk := conn.recv(65536):
                    data += chunk
                self.received.append(data)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def server() -> Iterator[PrinterServer]:
    server = PrinterServer()
    yield server
    server.close()


def tcp(port: int) -> ReceiptPrinter:
    return ReceiptPrinter(PrinterAddress("tcp", "127.0.0.1", port=port), timeout=2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_printer_sends_bytes_to_a_network_printer(server: PrinterServer) -> None:
    tcp(server.port).send(b"\x1b@receipt\n")
    server.thread.join(0.2)
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


def test_printer_kicks_the_drawer_with_escpos_cashdraw(server: PrinterServer) -> None:
    dummy = Dummy()
    dummy.cashdraw(2)
    tcp(server.port).kick_drawer()
    server.thread.join(0.2)
    assert server.received == [dummy.output] == [drawer_kick()]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("serial:/dev/ttyUSB0?baud=19200", PrinterAddress("serial", "/dev/ttyUSB0", baud=19200)),
        ("serial:COM3", PrinterAddress("serial", "COM3", baud=9600)),
        ("tcp:192.168.1.50:9100", PrinterAddress("tcp", "192.168.1.50", port=9100)),
        ("tcp:printer.local", PrinterAddress("tcp", "printer.local", port=9100)),
        ("file:/dev/usb/lp0", PrinterAddress("file", "/dev/usb/lp0")),
        ("  ", None),
    ],
)
def test_parse_printer_address_reads_each_form(text: str, address: PrinterAddress | None) -> None:
    assert parse_printer_address(text) == address


@pytest.mark.parametrize(
    "text", ["usb:1", "tcp:", "tcp:host:0", "tcp:host:x", "serial:/dev/x?speed=1", "lp0"]
)
def test_parse_printer_address_refuses_malformed_ones(text: str) -> None:
    with pytest.raises(ValueError, match="is not one of"):
        parse_printer_address(text)


def test_settings_refuse_a_malformed_printer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POS_PRINTER", "usb:0")
    with pytest.raises(ValueError, match="is not one of"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_printer_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POS_PRINTER", "tcp:10.0.0.9")
    monkeypatch.setenv("POS_PAPER_MM", "58")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    printer = printer_from_settings(settings)
    assert printer is not None
    assert printer.name == "tcp:10.0.0.9:9100"
    assert settings.paper_mm == 58
    monkeypatch.setenv("POS_PRINTER", "")
    assert printer_from_settings(Settings(_env_file=None)) is None  # type: ignore[call-arg]
