"""docs/printed-receipt.png: a receipt as the printer simulator prints it.

A sale paid partly by a gift card and partly by a card with a tip goes through the register's
own ESC/POS renderer (python-escpos), then through the simulator's decoder and paper renderer,
so the picture shows what the bytes really say. Run from the repository root:
``.venv/bin/python tools/simulated_receipt.py [--width 58|80]``.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hardware.simulate.escpos_decode import decode
from hardware.simulate.paper_png import save_job
from pos_desktop.domain.money import Money
from pos_desktop.domain.receipt import Receipt, ReceiptLine, ReceiptPayment
from pos_desktop.domain.tender import TenderKind
from pos_desktop.receipts.escpos import render_escpos

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "printed-receipt.png"


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def sample_receipt() -> Receipt:
    """Goods $30.25 with tax, a $5.00 tip; a gift card pays $20.00 and keeps $3.75."""
    return Receipt(
        store_name="Café Été",
        register_name="Register 2",
        locale="en_US",
        ticket_number=1042,
        short_id="3f9c21ab",
        employee_name="Dana",
        completed_at=datetime(2025, 3, 14, 15, 42, tzinfo=ZoneInfo("America/New_York")),
        lines=(
            ReceiptLine("Ethiopia Yirgacheffe beans, 340 g", 1, usd(1895), usd(1895)),
            ReceiptLine("Espresso", 3, usd(300), usd(900)),
        ),
        subtotal=usd(2795),
        tax=usd(230),
        tip=usd(500),
        total=usd(3525),
        payments=(
            ReceiptPayment(
                kind=TenderKind.GIFT_CARD,
                label="Gift Card",
                covered=usd(2000),
                masked_card="•••• 5184",
                balance_after=usd(375),
            ),
            ReceiptPayment(
                kind=TenderKind.CARD, label="Card", covered=usd(1525), reference="AUTH 482913"
            ),
        ),
        change=usd(0),
        prices_include_tax=False,
        note=None,
    )


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__)
    cli.add_argument("--width", type=int, choices=(58, 80), default=80)
    cli.add_argument("--out", type=Path, default=OUT)
    args = cli.parse_args()
    data = render_escpos(sample_receipt(), args.width)
    (job,) = decode(data)
    save_job(job, args.out, args.width)
    print("\n".join(job.text_lines()))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
