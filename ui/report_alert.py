"""The Back Office's alert: which registers are past a threshold right now, what and how many
("Front counter: 7 unknown card numbers in the last 10 minutes"), and a tap to the Exceptions
report. Shown over every Back Office page while the server lists an alert; ✕ puts it away
until the alerts change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from ui.widgets.banner import Banner
from ui.widgets.touch import touch_button

if TYPE_CHECKING:
    from ui.presenters.report_alerts import AlertsPresenter

HEADLINE = "Check these registers:"


class AlertBanner(Banner):
    open_requested = Signal()  # the manager tapped See exceptions

    def __init__(self, presenter: AlertsPresenter, parent: QWidget | None = None) -> None:
        super().__init__("backOfficeAlert", "Register alert", parent, dismissible=True)
        self.see_button = touch_button(
            "See exceptions", "backOfficeAlertOpen", "See the exceptions report", self
        )
        self.see_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.see_button.clicked.connect(self.open_requested)
        row = self.layout()
        if isinstance(row, QHBoxLayout):
            row.insertWidget(1, self.see_button, 0, Qt.AlignmentFlag.AlignTop)
        presenter.changed.connect(self._follow)

    def _follow(self, text: str) -> None:
        if text:
            self.show_message(f"{HEADLINE}\n{text}", "error")
        else:
            self.clear()
