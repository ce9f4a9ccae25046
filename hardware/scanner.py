"""A serial barcode scanner: pyserial's ``ReaderThread`` with a line protocol, reconnecting.

``SerialScanner`` opens the port (``serial.serial_for_url``: a device path such as
``/dev/ttyUSB0`` or ``COM3``, or a pyserial URL such as ``loop://``) and hands it to a
``serial.threaded.ReaderThread`` running ``ScanProtocol``, which cuts the bytes into lines with
``hardware.scan_lines``. Each line becomes ``on_scan(code)`` or ``on_unreadable(unreadable)``.

A ``ReaderThread`` ends for good when its port fails (it calls ``connection_lost`` and
returns), so a small supervisor thread owns the cycle: open, read until lost, report
``on_status(disconnected)``, try again every ``retry_seconds``, report connected when the
device is back. Unplugging the scanner, a USB adapter that vanishes and comes back, a port that
cannot be opened yet at start: all the same loop, no restart.

Callbacks are plain Python, called on the scanner's threads: a GUI must hand them over to its
own thread (``ui.serial_scans`` does, with queued Qt signals). A callback that raises is
logged and does not stop the reader.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import serial
import serial.threaded

from hardware.scan_lines import LineSplitter, ScanFormat, ScanResult, Unreadable
from hardware.scanner_settings import ScannerSettings, ScannerStatus

log = logging.getLogger(__name__)

ScanCallback = Callable[[str], None]
RawCallback = Callable[[bytes], None]
UnreadableCallback = Callable[[Unreadable], None]
StatusCallback = Callable[[ScannerStatus], None]


def _safely(callback: Callable[..., None], *args: object) -> None:
    try:
        callback(*args)
    except Exception:
        log.exception("scanner callback %r failed", callback)


class ScanProtocol(serial.threaded.Protocol):
    """pyserial's ``LineReader`` idea over ``LineSplitter``: ``LineReader`` keeps a line with
    no terminator without limit and decodes bytes with ``errors="replace"``, which would turn
    noise into a plausible code; here noise is reported as unreadable and memory is bounded."""

    def __init__(
        self,
        fmt: ScanFormat,
        on_result: Callable[[ScanResult], None],
        on_lost: Callable[[BaseException | None], None],
        on_raw: RawCallback | None = None,
    ) -> None:
        self._splitter = LineSplitter(fmt)
        self._on_result = on_result
        self._on_lost = on_lost
        self._on_raw = on_raw

    def data_received(self, data: bytes) -> None:
        if self._on_raw is not None:
            _safely(self._on_raw, data)
        for result in self._splitter.feed(data):
            self._on_result(result)

    def connection_lost(self, exc: BaseException | None) -> None:
        cut = self._splitter.flush()
        if cut is not None:
            self._on_result(cut)
        self._on_lost(exc)


class _ReaderThread(serial.threaded.ReaderThread):
    """pyserial's ``ReaderThread``, ending through ``connection_lost`` on every port failure.

    Its loop only catches ``SerialException``, but asking a vanished port how much is waiting
    (``in_waiting``, an ioctl) raises a bare ``OSError`` (EIO on a pty whose master closed, or
    a USB adapter pulled out): the thread would die without telling its protocol, and a half
    line would be lost silently.
    """

    protocol: serial.threaded.Protocol | None

    def run(self) -> None:
        try:
            super().run()
        except OSError as exc:
            self.alive = False
            protocol = self.protocol
            self.protocol = None
            if protocol is not None:
                protocol.connection_lost(serial.SerialException(f"port failed: {exc}"))


class SerialScanner:
    """Reads scans from one serial port until ``stop()``, reconnecting on its own."""

    def __init__(
        self,
        settings: ScannerSettings,
        *,
        on_scan: ScanCallback,
        on_unreadable: UnreadableCallback,
        on_status: StatusCallback,
        on_raw: RawCallback | None = None,
    ) -> None:
        """``on_raw`` sees every chunk of bytes as read, before framing (a "Test scan"
        screen shows them; tests know from it what the reader has consumed)."""
        self.settings = settings
        self._on_raw = on_raw
        self._on_scan = on_scan
        self._on_unreadable = on_unreadable
        self._on_status = on_status
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._reader: _ReaderThread | None = None
        self._last_status: ScannerStatus | None = None
        self._thread = threading.Thread(
            target=self._supervise, name=f"scanner {settings.port}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Close the port and join the threads; no callback runs after this returns."""
        with self._lock:
            self._stopping.set()
            reader = self._reader
        if reader is not None:
            reader.stop()  # cancels the blocking read and joins the reader thread
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("the scanner thread on %s did not stop", self.settings.port)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    # ---------------------------------------------------------------------------------------

    def _supervise(self) -> None:
        port = self.settings.port
        while not self._stopping.is_set():
            try:
                link = serial.serial_for_url(port, baudrate=self.settings.baudrate, timeout=None)
            except (serial.SerialException, OSError, ValueError) as exc:
                self._status(False, f"cannot open: {exc}")
                self._stopping.wait(self.settings.retry_seconds)
                continue
            try:
                reason = self._read(link)
            finally:
                link.close()
            if self._stopping.is_set():
                break
            self._status(False, reason)
            self._stopping.wait(self.settings.retry_seconds)

    def _read(self, link: serial.SerialBase) -> str:
        """Read until the port fails or ``stop()``; returns why it ended."""
        lost: list[BaseException | None] = []

        def protocol() -> ScanProtocol:
            return ScanProtocol(self.settings.format, self._deliver, lost.append, self._on_raw)

        reader = _ReaderThread(link, protocol)
        reader.name = f"scanner reader {self.settings.port}"
        with self._lock:
            if self._stopping.is_set():
                return "stopped"
            self._reader = reader
            reader.start()
        try:
            if reader.alive:
                self._status(True)
            reader.join()
        finally:
            with self._lock:
                self._reader = None
        exc = lost[0] if lost else None
        return f"connection lost: {exc}" if exc is not None else "connection closed"

    def _deliver(self, result: ScanResult) -> None:
        if isinstance(result, Unreadable):
            log.info(
                "unreadable scan on %s (%s, %d bytes)",
                self.settings.port,
                result.reason.value,
                len(result.raw),
            )
            _safely(self._on_unreadable, result)
        else:
            _safely(self._on_scan, result.code)

    def _status(self, connected: bool, reason: str = "") -> None:
        status = ScannerStatus(self.settings.port, connected, reason)
        last = self._last_status
        # Every retry fails the same way while a scanner is unplugged: say it once.
        if last is not None and last.connected == connected and last.reason == reason:
            return
        self._last_status = status
        if connected:
            log.info("scanner on %s connected", self.settings.port)
        else:
            log.warning("scanner on %s not connected: %s", self.settings.port, reason)
        _safely(self._on_status, status)
