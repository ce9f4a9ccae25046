"""Scan to line: a keyboard-wedge scan burst to the ticket line drawn, on the register's window.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/scan_to_line.py [--scans 200]

The register runs in this process as ``./dev run`` runs it: the embedded server with demo data
(uvicorn in a thread, SQLite in a temporary folder), an enrolled register with its own database
and the catalog pulled, and the real ``MainWindow`` with the demo cashier logged in by tapping
the PIN pad. Each scan types a demo product's barcode and Enter into the window the way a USB
wedge scanner does: key after key, back to back, through the window system (QTest on the
window), so the window's ``WedgeScanDetector`` sees what it sees from a real scanner (keys
the application posts to itself are not spontaneous, and the detector lets them through as
typing). The clock starts when the burst is handed to the window and stops when the paint
event reaches the quantity of the ticket line the scan added or raised: the cashier sees the
item counted. The ticket list shows seven rows at 1280 x 800 and scrolls to the line a scan
changed, so a line below the fold is timed to its paint after that scroll.

Scans cycle over the demo barcodes, so the first scans of a ticket add lines and the rest raise
quantities (the register adds another of an item on the ticket to its line); the report splits
the figures that way. Every ``--per-ticket`` scans, and before a ticket would reach its line or
quantity limit, the ticket is voided with the Void button and the next scan starts a new one;
voiding, like the ``--warm-up`` scans before the timed ones, is not timed.

Aim: p95 <= 50 ms. Missing it is reported, not failed (figures depend on the machine); the exit
status is 1 only when the run itself broke (a scan not shown, a refusal, a timeout).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from _register import BenchError, log_in, register_window, start_app
from _scans import Send, parse_args, print_report, warm_up_and_run
from PySide6.QtCore import Qt
from PySide6.QtGui import QWindow
from PySide6.QtTest import QTest

from pos_desktop.server.demo import CASHIER_PIN
from ui.main_window import MainWindow

AIM_P95_MS = 50.0


def send_burst(target: QWindow, code: str) -> None:
    """The keys of ``code`` and Enter, back to back, as a wedge scanner types them.

    Through QTest on the QWindow, not ``postEvent``: the detector only looks at spontaneous key
    events (those the window system delivers, as a scanner's are); keys the application posts
    to itself are typing to it, and would land in whatever field has focus.
    """
    for char in code:
        QTest.keyClick(target, Qt.Key(ord(char)))
    QTest.keyClick(target, Qt.Key.Key_Return)


def wedge(window: MainWindow) -> Send:
    """Each barcode typed into the window as a USB wedge scanner types it."""
    target = window.windowHandle()
    if target is None:
        raise BenchError("the window has no native window to type into")
    return lambda code: send_burst(target, code)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, argv)
    app = start_app()
    with tempfile.TemporaryDirectory(prefix="pos-scan-bench-") as tmp:
        try:
            with register_window(Path(tmp)) as register:
                window = register.window
                log_in(window, CASHIER_PIN)
                scans = warm_up_and_run(window, wedge(window), args)
        except BenchError as exc:
            print(f"scan_to_line: {exc}", file=sys.stderr)
            return 1
    print_report("Scan to line drawn", AIM_P95_MS, scans, args, app.platformName())
    return 0


if __name__ == "__main__":
    sys.exit(main())
