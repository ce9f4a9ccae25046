"""A completed ticket: the change to hand back, large, with what each tender paid; whether the
drawer opened and the receipt printed when the printer is away; then the receipt as the
printer prints it. It stays until the next sale starts ("New sale", or the first scan of the
next ticket, see ``MainWindow._scanned``)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.paid import PaidSummary
from ui.presenters.printing import PrinterNote
from ui.presenters.sale import Finished
from ui.widgets.banner import Banner
from ui.widgets.touch import enable_finger_scroll, make_touchable, name_widget

PDF_NOT_SAVED = "The receipt PDF could not be saved."


class ChangePanel(QFrame):
    """ "Change $0.76 out of $10.00" (or "No change") over one line per tender."""

    def __init__(self, paid: PaidSummary, parent: QWidget) -> None:
        super().__init__(parent)
        name_widget(self, "changePanel", "Change due")
        self.setProperty("hasChange", paid.change.is_positive())
        self.headline = QLabel(paid.headline, self)
        self.headline.setObjectName("changeHeadline")
        self.headline.setWordWrap(True)
        self.headline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccessibleDescription(paid.headline)
        tenders = QGridLayout()
        tenders.setHorizontalSpacing(24)
        self.tender_labels: list[tuple[QLabel, QLabel]] = []
        for row, tender in enumerate(paid.tenders):
            label = QLabel(tender.label, self)
            label.setObjectName("paidTenderLabel")
            amount = QLabel(tender.amount, self)
            amount.setObjectName("paidTenderAmount")
            amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tenders.addWidget(label, row, 0)
            tenders.addWidget(amount, row, 1)
            self.tender_labels.append((label, amount))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.headline)
        layout.addLayout(tenders)

    def tender_lines(self) -> list[tuple[str, str]]:
        return [(label.text(), amount.text()) for label, amount in self.tender_labels]


class ReceiptDialog(QDialog):
    reprint_requested = Signal()

    def __init__(
        self,
        finished: Finished,
        parent: QWidget,
        *,
        printer: bool = False,
    ) -> None:
        """``printer``: the register prints receipts, so "Print again" is offered."""
        super().__init__(parent)
        name_widget(self, "receiptDialog", "Receipt")
        self.setWindowTitle("Receipt")
        self.setModal(True)
        self.pdf = finished.receipt.pdf
        title = QLabel(f"Ticket #{finished.sale.number} paid", self)
        title.setProperty("heading", True)
        self.change_panel = ChangePanel(finished.paid, self)
        self.confirmation = QLabel(finished.confirmation, self)
        self.confirmation.setObjectName("paymentConfirmation")
        self.confirmation.setWordWrap(True)
        self.confirmation.setVisible(bool(finished.confirmation))
        # Below the change, above the preview: appearing, it shrinks the preview, and the
        # buttons at the bottom stay where the finger is.
        self.printer_note = Banner("printerNote", "Receipt printer", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(self.change_panel)
        layout.addWidget(self.confirmation)
        layout.addWidget(self.printer_note)
        layout.addWidget(self._build_preview(finished), 1)
        self._build_actions(layout, printer)
        self.resize(560, 720)

    def show_printer_note(self, note: PrinterNote) -> None:
        """The drawer did not open, the receipt waits for the printer; hidden when empty."""
        if note.text:
            self.printer_note.show_message(note.text, note.kind)
        else:
            self.printer_note.clear()

    def _build_preview(self, finished: Finished) -> QScrollArea:
        """The receipt as printed; where its PDF went is the register's business, not the
        cashier's (only a failure to save it is said)."""
        self.text = QLabel("\n".join(finished.receipt.lines), self)
        self.text.setObjectName("receiptText")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        scroll = QScrollArea(self)
        scroll.setObjectName("receiptPreview")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.text)
        enable_finger_scroll(scroll)
        self.pdf_label = QLabel(PDF_NOT_SAVED, self)
        self.pdf_label.setObjectName("receiptPdf")
        self.pdf_label.setWordWrap(True)
        self.pdf_label.setProperty("hint", True)
        self.pdf_label.setVisible(self.pdf is None)
        return scroll

    def _build_actions(self, layout: QVBoxLayout, printer: bool) -> None:
        self.new_sale = QPushButton("New sale", self)
        name_widget(self.new_sale, "newSaleButton", "Start a new sale")
        self.new_sale.setProperty("role", "primary")
        make_touchable(self.new_sale, 1.5)
        self.new_sale.clicked.connect(self.accept)
        self.print_again = QPushButton("Print again", self)
        name_widget(self.print_again, "printAgainButton", "Print this receipt again")
        self.print_again.setProperty("role", "secondary")
        make_touchable(self.print_again, 1.25)
        self.print_again.clicked.connect(self.reprint_requested)
        self.print_again.setVisible(printer)
        layout.addWidget(self.pdf_label)
        layout.addWidget(self.print_again)
        layout.addWidget(self.new_sale)
