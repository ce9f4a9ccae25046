"""The receipt printer, in one place: python-escpos's connection classes behind ``send(bytes)``.

A ``ReceiptPrinter`` opens its connection for each job and closes it after, so a printer that
was switched off, unplugged or rebooted is simply reached again by the next attempt; any
failure to reach it or write to it is a ``PrinterOffline`` with the reason. The cash drawer
opens through the printer's kick pulse (``drawer_kick``, a print job of its own). Every call
blocks up to its timeout, a ``file:`` device included: call it from a worker thread
(pos_desktop.services.printing), never from the GUI thread.

python-escpos reads its whole printer database when imported (about 0.15 s), so it is imported
by the first job, on the print worker, not while the register starts.
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
from typing import Any

from pos_desktop.config import PrinterAddress

DEFAULT_TIMEOUT = 5.0  # seconds to connect or to write a receipt
DRAWER_PIN = 2  # most drawers are wired to the connector's pin 2
# A device that takes no more bytes is asked again this often until the timeout.
FILE_RETRY_SECONDS = 0.01


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
    from escpos.printer import Dummy

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
        from escpos.exceptions import Error as EscposError

        if self.address.kind == "file":
            try:
                _write_device(self.address.target, data, self.timeout)
            except OSError as exc:
                raise PrinterOffline(self.name, _reason(exc)) from exc
            return
        connection = self._connection()
        try:
            connection.open(raise_not_found=True)
            if self.address.kind == "serial":
                connection.device.write_timeout = self.timeout
            connection._raw(data)
        except (EscposError, OSError, ValueError) as exc:
            raise PrinterOffline(self.name, _reason(exc)) from exc
        finally:
            with contextlib.suppress(EscposError, OSError, ValueError, AttributeError):
                connection.close()

    def _connection(self) -> Any:
        from escpos.printer import Network, Serial

        address = self.address
        profile = {"profile": self.profile} if self.profile else {}
        if address.kind == "tcp":
            return Network(address.target, port=address.port, timeout=self.timeout, **profile)
        return Serial(
            address.target,
            baudrate=address.baud,
            timeout=self.timeout,
            dsrdtr=False,  # many USB-serial adapters never raise DSR
            **profile,
        )


def _write_device(path: str, data: bytes, timeout: float) -> None:
    """``data`` into a device file (``/dev/usb/lp0``) within ``timeout`` seconds.

    python-escpos's ``File`` writes with a plain blocking ``write``: a USB printer out of paper
    or switched off, or a pipe nobody reads, would hold the print worker for ever. Opened
    non-blocking, a device that takes no more bytes says so at once and is asked again until
    the deadline; a pipe with no reader fails at the open. (Windows has no non-blocking files:
    there the write blocks as python-escpos's does.)
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0)
    deadline = time.monotonic() + timeout
    fd = os.open(path, flags, 0o666)
    try:
        rest = memoryview(data)
        while rest:
            try:
                rest = rest[os.write(fd, rest) :]
                continue
            except BlockingIOError:
                pass
            left = deadline - time.monotonic()
            if left <= 0:
                sent = len(data) - len(rest)
                raise TimeoutError(
                    f"the device took no data for {timeout:g} s ({sent} of {len(data)} bytes sent)"
                )
            time.sleep(min(left, FILE_RETRY_SECONDS))
    finally:
        os.close(fd)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
