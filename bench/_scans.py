"""What the scan benches share: timing one scan to its ticket line painted, a run of scans over
the demo barcodes with tickets voided between them, and the report.

How a scan reaches the register is the bench's own (``Send``): keys typed into the window by
bench/scan_to_line.py, bytes written into a pty by bench/scan_pty.py. Not a benchmark.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import shiboken6
from _register import TAP, BenchError, button, wait_until
from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from pos_desktop.domain.sale import Sale
from pos_desktop.domain.ticket import MAX_LINES, MAX_QUANTITY
from pos_desktop.server.demo import DEMO_PRODUCTS
from ui.checkout_view import LineRow
from ui.main_window import MainWindow

# Generous: a scan that takes this long is a broken run, not a slow one.
SCAN_TIMEOUT_MS = 10_000
KINDS = ("new ticket", "new line", "more of a line")

Send = Callable[[str], None]  # hands one barcode to the register, as its scanner would


@dataclass(frozen=True)
class Scan:
    name: str
    barcode: str
    kind: str  # one of KINDS
    ms: float


def void_ticket(window: MainWindow) -> None:
    view = window.tab_frame.checkout_view
    if view.sale is None or not view.sale.lines:
        return
    QTest.mouseClick(button(view, "voidTicketButton"), TAP)
    wait_until(lambda: QApplication.activeModalWidget() is not None, "the void question")
    question = QApplication.activeModalWidget()
    assert question is not None
    QTest.mouseClick(button(question, "confirmYes"), TAP)
    wait_until(lambda: view.sale is None and not window.sale.busy, "the ticket voided")


class LineDrawn(QObject):
    """Notes when the repaint that shows ``quantity`` of ``name`` on the ticket arrives.

    A new line's row exists only once the new ticket reaches the view, so the row to watch is
    found then. Its quantity is what is timed.
    """

    def __init__(self, window: MainWindow, name: str, quantity: int, loop: QEventLoop) -> None:
        super().__init__()
        self._view = window.tab_frame.checkout_view
        self._name = name
        self._quantity = quantity
        self._loop = loop
        self._watched: list[QWidget] = []
        self.line_at: float | None = None
        self.refusal = ""

    def sale_changed(self, sale: object) -> None:
        # Connected after CheckoutView's own slot, so the rows of this ticket are there.
        if not isinstance(sale, Sale):
            return
        line = next((line for line in sale.lines if line.name == self._name), None)
        if line is None or line.quantity != self._quantity:
            return
        rows: list[LineRow] = self._view.line_rows
        row = next((row for row in rows if row.line_id == line.id), None)
        if row is not None:
            self._watch(row.quantity)

    def _watch(self, widget: QWidget) -> None:
        widget.installEventFilter(self)
        self._watched.append(widget)

    def stop_watching(self) -> None:
        for widget in self._watched:
            if shiboken6.isValid(widget):  # the row of a voided ticket is deleted by now
                widget.removeEventFilter(self)
        self._watched.clear()

    def refused(self, message: str) -> None:
        self.refusal = message
        self._loop.quit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            now = time.perf_counter()
            if self.line_at is None:
                self.line_at = now
                self._loop.quit()
        return False


def time_scan(
    window: MainWindow, send: Send, name: str, barcode: str, quantity: int, pause_ms: int
) -> float:
    """Milliseconds from ``send(barcode)`` to the line showing ``quantity`` of ``name``
    painted; then ``pause_ms`` of the event loop, untimed, before the next scan."""
    loop = QEventLoop()
    drawn = LineDrawn(window, name, quantity, loop)
    presenter = window.sale
    presenter.sale_changed.connect(drawn.sale_changed)
    presenter.scan_failed.connect(drawn.refused)
    presenter.failed.connect(drawn.refused)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    deadline.start(SCAN_TIMEOUT_MS)
    try:
        started = time.perf_counter()
        send(barcode)
        if drawn.line_at is None and not drawn.refusal:
            loop.exec()
        deadline.stop()
        # A cashier scans a few items a second at most; the pause lets each scan start on a
        # settled screen.
        QTest.qWait(pause_ms)
    finally:
        deadline.stop()
        presenter.sale_changed.disconnect(drawn.sale_changed)
        presenter.scan_failed.disconnect(drawn.refused)
        presenter.failed.disconnect(drawn.refused)
        drawn.stop_watching()
    painted_at = drawn.line_at
    if drawn.refusal:
        raise BenchError(f"scan of {name} ({barcode}) refused: {drawn.refusal}")
    if painted_at is None:
        search = window.tab_frame.checkout_view.search.text()
        typed = f"; the search field holds {search!r}" if search else ""
        raise BenchError(
            f"scan of {name} ({barcode}): no ticket with {quantity} of it drawn after "
            f"{SCAN_TIMEOUT_MS} ms{typed}"
        )
    return (painted_at - started) * 1000


def quantity_on_ticket(window: MainWindow, name: str) -> int:
    sale = window.tab_frame.checkout_view.sale
    if sale is None:
        return 0
    return next((line.quantity for line in sale.lines if line.name == name), 0)


def run_scans(
    window: MainWindow, send: Send, scans: int, per_ticket: int, pause_ms: int
) -> list[Scan]:
    """``scans`` scans cycling over the demo barcodes; the ticket is voided (untimed) after
    ``per_ticket`` scans and before it would reach its line or quantity limit."""
    products = [(name, barcode) for name, _, _, _, barcode in DEMO_PRODUCTS]
    view = window.tab_frame.checkout_view
    done: list[Scan] = []
    on_ticket = 0
    for index in range(scans):
        name, barcode = products[index % len(products)]
        sale = view.sale
        lines = len(sale.lines) if sale is not None else 0
        held = quantity_on_ticket(window, name)
        if on_ticket >= per_ticket or held >= MAX_QUANTITY or (held == 0 and lines >= MAX_LINES):
            void_ticket(window)
            on_ticket = 0
            sale, held = None, 0
        if sale is None or not sale.lines:
            kind = "new ticket"
        else:
            kind = "new line" if held == 0 else "more of a line"
        ms = time_scan(window, send, name, barcode, held + 1, pause_ms)
        done.append(Scan(name, barcode, kind, ms))
        on_ticket += 1
        wait_until(lambda: not window.sale.busy, "the ticket saved")
    return done


def warm_up_and_run(window: MainWindow, send: Send, args: argparse.Namespace) -> list[Scan]:
    """The ``--warm-up`` scans, untimed: the first scans load code and warm SQLite's caches,
    which a register does once a day, not on each item a cashier waits for. Then the timed
    ``--scans``."""
    if args.warm_up:
        run_scans(window, send, args.warm_up, args.per_ticket, args.pause_ms)
        void_ticket(window)
    return run_scans(window, send, args.scans, args.per_ticket, args.pause_ms)


# --------------------------------------------------------------------------------------------
# Command line and report
# --------------------------------------------------------------------------------------------


def parse_args(doc: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--scans", type=int, default=200, help="scans timed (default 200)")
    parser.add_argument(
        "--per-ticket",
        type=int,
        default=40,
        help="scans on a ticket before it is voided and a new one started (default 40)",
    )
    parser.add_argument(
        "--pause-ms", type=int, default=100, help="pause between scans (default 100 ms)"
    )
    parser.add_argument("--warm-up", type=int, default=3, help="untimed scans first (default 3)")
    args = parser.parse_args(argv)
    if args.scans < 1 or args.per_ticket < 1 or args.pause_ms < 0 or args.warm_up < 0:
        parser.error("--scans and --per-ticket must be >= 1, --pause-ms and --warm-up >= 0")
    return args


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: a value that was measured, not one interpolated."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def figures(values: Sequence[float]) -> str:
    return (
        f"{len(values):>5}{statistics.median(values):>9.1f}{percentile(values, 0.95):>9.1f}"
        f"{max(values):>9.1f}"
    )


def print_report(
    title: str, aim_p95_ms: float, scans: Sequence[Scan], args: argparse.Namespace, platform: str
) -> None:
    print(
        f"{title} ({len(scans)} scans, {args.per_ticket} a ticket, "
        f"{args.pause_ms} ms between scans, platform {platform}, CPUs {os.cpu_count()})"
    )
    header = f"{'':<18}{'scans':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
    print(header)
    print("-" * len(header))
    for kind in KINDS:
        values = [scan.ms for scan in scans if scan.kind == kind]
        if values:
            print(f"{kind:<18}{figures(values)}")
    every = [scan.ms for scan in scans]
    print(f"{'all':<18}{figures(every)}")
    slowest = sorted(scans, key=lambda scan: scan.ms, reverse=True)[:3]
    print("slowest: " + ", ".join(f"{s.ms:.1f} ms ({s.name}, {s.kind})" for s in slowest))
    p95 = percentile(every, 0.95)
    verdict = "met" if p95 <= aim_p95_ms else "MISSED"
    print(f"p95 = {p95:.1f} ms  (aim <= {aim_p95_ms:.0f} ms): {verdict}")
