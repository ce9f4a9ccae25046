"""Scan to line through a serial port: a barcode written into a pty to the ticket line drawn.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/scan_pty.py [--scans 200]

The same register as ``bench/scan_to_line.py`` (embedded demo server, an enrolled register with
its own database and the catalog pulled, the real ``MainWindow``, the demo cashier logged in by
tapping the PIN pad), with a serial scanner set up as ``POS_SCANNER_PORT`` sets it up: the
window's ``SerialScans`` runs ``hardware.scanner.SerialScanner`` on the slave end of a pty in
raw mode. Each scan writes a demo product's barcode and CR into the master end, as a scanner
on a serial cable does. The clock starts just before that write and stops when the paint event
reaches the quantity of the ticket line the scan added or raised, so it holds the reader
thread, the queued signal to the GUI thread, the checkout's save on its worker and the repaint.

Scans cycle over the demo barcodes; tickets are voided every ``--per-ticket`` scans (untimed),
as in scan_to_line. Aim: p95 <= 30 ms; missing it is reported, not failed. The exit status is
1 only when the run itself broke.
"""

from __future__ import annotations

import os
import sys
import tempfile
import tty
from collections.abc import Sequence
from pathlib import Path

from _register import BenchError, log_in, register_window, start_app, wait_until
from _scans import parse_args, print_report, warm_up_and_run

from hardware.scanner import ScannerSettings
from pos_desktop.server.demo import CASHIER_PIN

AIM_P95_MS = 30.0


class PtyScanner:
    """A virtual serial scanner: the window reads the slave end, the bench writes the master."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.port = os.ttyname(self.slave)

    def send(self, code: str) -> None:
        """``code`` and CR, as a scanner on a serial cable sends them."""
        os.write(self.master, code.encode("ascii") + b"\r")

    def close(self) -> None:
        os.close(self.master)
        os.close(self.slave)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, argv)
    app = start_app()
    pty = PtyScanner()
    with tempfile.TemporaryDirectory(prefix="pos-scan-pty-bench-") as tmp:
        try:
            with register_window(Path(tmp)) as register:
                window = register.window
                window.use_serial_scanner(ScannerSettings.parse(pty.port))
                scans_on = window.serial_scans
                assert scans_on is not None
                wait_until(lambda: scans_on.connected, "the scanner connected")
                log_in(window, CASHIER_PIN)
                scans = warm_up_and_run(window, pty.send, args)
        except BenchError as exc:
            print(f"scan_pty: {exc}", file=sys.stderr)
            return 1
        finally:
            pty.close()
    title = "Serial scan through a pty to line drawn"
    print_report(title, AIM_P95_MS, scans, args, app.platformName())
    return 0


if __name__ == "__main__":
    sys.exit(main())
