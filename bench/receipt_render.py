"""Rendering one 40-line receipt to ESC/POS bytes and to PDF: median and p95 per render.

    .venv/bin/python bench/receipt_render.py [--runs 200]

The receipt has 40 lines (every fourth with a quantity, some names long enough to wrap, accents
and € in the names), a tip, a partial gift-card payment and a card. ESC/POS renders with
``render_escpos`` (80 mm); PDF with ``render_pdf`` into a temporary folder (it writes atomically
and fsyncs, as the register does; it has no in-memory form). The first render of each, which
loads fonts and code-page tables, is timed apart and left out of the figures.

Aims: ESC/POS p95 <= 5 ms, PDF p95 <= 50 ms. Missing one is reported, never failed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pos_desktop.domain.receipt import Receipt, receipt_for
from pos_desktop.receipts.escpos import render_escpos
from pos_desktop.receipts.pdf import render_pdf
from tests.fixtures.sales import card, completed_sale, gift_card, line, store

AIM_ESCPOS_MS = 5.0
AIM_PDF_MS = 50.0


def forty_line_receipt() -> Receipt:
    lines = tuple(
        line(
            f"Crème brûlée n°{n} €" if n % 5 else f"Single-origin beans, 340 g bag, lot {n}",
            100 + 37 * n,
            quantity=3 if n % 4 == 0 else 1,
        )
        for n in range(40)
    )
    goods = completed_sale(lines, ()).totals.total.minor
    payments = (gift_card(2000, 375), card(goods - 2000, tip=500))
    return receipt_for(completed_sale(lines, payments, tip=500), store(), "Register 2")


def measure(render: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    start = time.perf_counter()
    render()
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        times.append((time.perf_counter() - start) * 1000)
    return first, times


def report(name: str, first: float, times: list[float], aim: float) -> None:
    times = sorted(times)
    median = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    verdict = "meets" if p95 <= aim else "MISSES"
    print(
        f"{name:8} first {first:7.2f} ms  median {median:6.2f} ms  p95 {p95:6.2f} ms  "
        f"max {times[-1]:6.2f} ms  ({verdict} the aim p95 <= {aim:g} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    receipt = forty_line_receipt()
    print(f"{len(receipt.lines)}-line receipt, {args.runs} runs each")
    size = len(render_escpos(receipt))
    first, times = measure(lambda: render_escpos(receipt), args.runs)
    report("ESC/POS", first, times, AIM_ESCPOS_MS)
    print(f"         {size} bytes")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "receipt.pdf"
        first, times = measure(lambda: render_pdf(receipt, path), args.runs)
        report("PDF", first, times, AIM_PDF_MS)
        print(f"         {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
