"""The receipt printer, in one place: python-escpos's connection classes behind ``send(bytes)``.

A ``ReceiptPrinter`` opens its connection for each job and closes it after, so a printer that
was switched off, unplugged or rebooted is simply reached again by the next attempt; any
failure to reach it or write to it is a ``PrinterOffline`` with the reason. The cash drawer
opens through the printer's kick pulse. Every call blocks up to its timeout: call it from a
worker thread (pos_desktop.services.printing), never from the GUI thread.
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any

from escpos.exceptions import Error as EscposError
from escpos.printer import Dummy, File, Network, Serial

from pos_desktop.config import PrinterAddress, Settings

DEFAULT_TIMEOUT = 5.0  # seconds to connect or to write a receipt
DRAWER_PIN = 2  # most drawers are wired to the connector's pin 2


class PrinterOffline(Exception):
    """The printer cannot be reached or refused the data; ``reason`` says why."""

    def __init__(self, printer: str, reason: str) -> None:
        super().__init__(f"printer {printer} is offline: {reason}")
        self.printer = printer
        self.reason = reason


def describe(address: PrinterAddress) -> str:
    if address.kind == "tcp":
        return f"tcp:{address.target}:{address.port}"
    if address.kind == "serial":
        return f"serial:{address.target}?baud={address.baud}"
    return f"file:{address.target}"


@functools.cache
def drawer_kick(pin: int = DRAWER_PIN) -> bytes:
    """The kick pulse that opens a cash drawer wired to the printer (ESC p, via python-escpos)."""
    dummy = Dummy()
    dummy.cashdraw(pin)
    return bytes(dummy.output)


class ReceiptPrinter:
    """One ESC/POS printer at ``address``; each ``send`` is one connection."""

    def __init__(
        self,
        address: PrinterAddress,
        *,
        profile: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.address = address
        self.profile = profile
        self.timeout = timeout
        self.name = describe(address)

    def send(self, data: bytes) -> None:
        """Write ``data`` whole to the printer, or raise ``PrinterOffline``."""
        connection = self._connection()
        try:
            connection.open(raise_not_found=True)
            if self.address.kind == "serial":
                connection.device.write_timeout = self.timeout
            connection._raw(data)
            if self.address.kind == "file":
                connection.flush()
        except (EscposError, OSError, ValueError) as exc:
            raise PrinterOffline(self.name, _reason(exc)) from exc
        finally:
            with contextlib.suppress(EscposError, OSError, ValueError, AttributeError):
                connection.close()

    def kick_drawer(self, pin: int = DRAWER_PIN) -> None:
        self.send(drawer_kick(pin))

    def _connection(self) -> Any:
        address = self.address
        profile = {"profile": self.profile} if self.profile else {}
        if address.kind == "tcp":
            return Network(address.target, port=address.port, timeout=self.timeout, **profile)
        if address.kind == "serial":
            return Serial(
                address.target,
                baudrate=address.baud,
                timeout=self.timeout,
                dsrdtr=False,  # many USB-serial adapters never raise DSR
                **profile,
            )
        return File(address.target, auto_flush=False, **profile)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def printer_from_settings(
    settings: Settings, timeout: float = DEFAULT_TIMEOUT
) -> ReceiptPrinter | None:
    """The printer ``POS_PRINTER`` names, or None when it names none."""
    address = settings.printer_address()
    if address is None:
        return None
    return ReceiptPrinter(address, profile=settings.printer_profile, timeout=timeout)
