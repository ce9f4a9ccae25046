"""The receipt of a finished ticket: its text for the screen and a PDF in the data folder."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.receipt import receipt_for, receipt_text
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.tender import TenderKind
from pos_desktop.services.printing import PrintService
from pos_desktop.services.results import ProducedReceipt

log = logging.getLogger(__name__)


class ReceiptService:
    def __init__(
        self,
        folder: Path,
        rules: Callable[[], StoreRules],
        register_name: str,
        printing: PrintService | None = None,
        *,
        demo: bool = False,
    ) -> None:
        """``demo``: the demo store's register, whose receipts say so."""
        self._folder = folder
        self._rules = rules
        self._register_name = register_name
        self.printing = printing  # None: no receipt printer
        self.demo = demo

    def prepare(self) -> None:
        """Load what the first receipt needs (reportlab and the fonts, about 0.15 s), off the
        screen's thread: once the register is up, so the PIN pad does not wait for it."""
        from pos_desktop.receipts.pdf import load_fonts

        load_fonts()

    def produce(self, sale: Sale) -> ProducedReceipt:
        receipt = receipt_for(sale, self._rules(), self._register_name, demo=self.demo)
        lines = tuple(receipt_text(receipt))
        if self.printing is not None:
            cash = any(p.kind is TenderKind.CASH for p in sale.visible_payments)
            try:
                # Stored now, printed by the print worker: this thread never waits on paper.
                self.printing.queue_receipt(receipt, sale.id, open_drawer=cash)
            except Exception:
                # The sale is complete whatever the printer queue says; the screen shows it.
                log.exception("could not queue the receipt of ticket %s", sale.id)
        from pos_desktop.receipts.pdf import render_pdf  # loaded by prepare() in the meantime

        path = self._folder / f"receipt-{sale.number:06d}-{sale.id.hex[:8]}.pdf"
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            pdf: Path | None = render_pdf(receipt, path)
        except OSError:
            # A full disk must not hide the receipt from the cashier: the text still shows.
            log.exception("could not write the receipt PDF %s", path)
            pdf = None
        return ProducedReceipt(lines, pdf)
