"""The receipt of a completed ticket, as the printer would print it, and where its PDF is."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from ui.presenters.sale import Finished
from ui.widgets.touch import make_touchable, name_widget


class ReceiptDialog(QDialog):
    reprint_requested = Signal()

    def __init__(
        self,
        finished: Finished,
        confirmation: str,
        parent: QWidget,
        *,
        printer: bool = False,
    ) -> None:
        """``printer``: the register prints receipts, so "Print again" is offered."""
        super().__init__(parent)
        name_widget(self, "receiptDialog", "Receipt")
        self.setWindowTitle("Receipt")
        self.setModal(True)
        sale = finished.sale
        title = QLabel(f"Ticket #{sale.number} paid", self)
        title.setProperty("heading", True)
        self.confirmation = QLabel(confirmation, self)
        self.confirmation.setObjectName("paymentConfirmation")
        self.confirmation.setWordWrap(True)
        self.confirmation.setVisible(bool(confirmation))
        self.text = QLabel("\n".join(finished.receipt.lines), self)
        self.text.setObjectName("receiptText")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.text)
        pdf = finished.receipt.pdf
        self.pdf = pdf
        self.pdf_label = QLabel(
            f"Saved as {pdf}" if pdf else "The receipt PDF could not be saved.", self
        )
        self.pdf_label.setObjectName("receiptPdf")
        self.pdf_label.setWordWrap(True)
        self.pdf_label.setProperty("hint", True)
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(self.confirmation)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.pdf_label)
        layout.addWidget(self.print_again)
        layout.addWidget(self.new_sale)
        self.resize(560, 720)
