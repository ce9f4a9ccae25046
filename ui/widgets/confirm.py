"""A touch-sized yes/no question, opened window-modal and answered by signal (never exec())."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.widgets.touch import make_touchable, name_widget


class ConfirmDialog(QDialog):
    def __init__(
        self,
        parent: QWidget,
        question: str,
        yes_label: str,
        no_label: str = "Keep it",
    ) -> None:
        super().__init__(parent)
        name_widget(self, "confirmDialog", "Please confirm")
        self.setWindowTitle("Please confirm")
        self.setModal(True)
        text = QLabel(question, self)
        text.setObjectName("confirmQuestion")
        text.setWordWrap(True)
        self.yes_button = QPushButton(yes_label, self)
        name_widget(self.yes_button, "confirmYes", yes_label)
        self.yes_button.setProperty("role", "danger")
        self.no_button = QPushButton(no_label, self)
        name_widget(self.no_button, "confirmNo", no_label)
        for button in (self.yes_button, self.no_button):
            make_touchable(button, 1.25)
            button.setMinimumWidth(200)
        self.yes_button.clicked.connect(self.accept)
        self.no_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.no_button)
        buttons.addStretch(1)
        buttons.addWidget(self.yes_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(24)
        layout.addWidget(text)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)


def ask(
    parent: QWidget, question: str, yes_label: str, on_yes: Callable[[], None]
) -> ConfirmDialog:
    """Open the question; ``on_yes`` runs only if the cashier confirms."""
    dialog = ConfirmDialog(parent, question, yes_label)
    dialog.accepted.connect(on_yes)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
