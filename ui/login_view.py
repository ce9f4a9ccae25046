"""The login screen: store name, PIN pad, and why the last attempt (or lock) happened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.widgets.banner import Banner
from ui.widgets.pin_pad import PinPad

if TYPE_CHECKING:
    # Types only: the login screen is drawn before the services' modules are loaded.
    from pos_desktop.domain.catalog import StoreRules
    from pos_desktop.services.results import Employee
    from ui.presenters.session import SessionPresenter

DEMO_HINT = "Demo: cashier PIN 1111, manager PIN 9999"
CHECKING_TEXT = "Checking PIN…"
STARTING_TEXT = "Starting the register…"


class LoginView(QWidget):
    """Shown before the register has connected: the PIN pad waits until ``bind``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loginView")
        self._session: SessionPresenter | None = None

        self.store_name = QLabel("POS Desktop", self)
        self.store_name.setObjectName("loginStoreName")
        self.store_name.setWordWrap(True)
        prompt = QLabel("Enter your PIN to start", self)
        prompt.setObjectName("loginPrompt")
        self.banner = Banner("errorBanner", "Login message", self)
        self.busy_label = QLabel(STARTING_TEXT, self)
        self.busy_label.setObjectName("loginBusy")
        self.demo_hint = QLabel(DEMO_HINT, self)
        self.demo_hint.setObjectName("demoHint")
        self.demo_hint.setWordWrap(True)
        self.demo_hint.hide()

        self.pin_pad = PinPad(self)
        self.pin_pad.setMaximumWidth(420)
        self.pin_pad.submitted.connect(self._submit)
        self.pin_pad.setEnabled(False)

        side = QVBoxLayout()
        side.setSpacing(18)
        side.addStretch(1)
        side.addWidget(self.store_name)
        side.addWidget(prompt)
        side.addWidget(self.banner)
        side.addWidget(self.busy_label)
        side.addStretch(1)
        side.addWidget(self.demo_hint)

        row = QHBoxLayout(self)
        row.setContentsMargins(48, 32, 48, 32)
        row.setSpacing(48)
        row.addLayout(side, 1)
        row.addWidget(self.pin_pad, 1, Qt.AlignmentFlag.AlignVCenter)

    def bind(self, session: SessionPresenter, *, demo: bool = False) -> None:
        """The register is connected: PINs go to ``session``."""
        self._session = session
        session.failed.connect(self._show_error)
        session.busy_changed.connect(self._set_busy)
        session.logged_in.connect(self._on_logged_in)
        self.demo_hint.setVisible(demo)
        self.busy_label.setText(CHECKING_TEXT)
        self._set_busy(False)

    def show_startup_error(self, message: str) -> None:
        """The register could not connect: the pad stays off and the screen says why."""
        self.busy_label.hide()
        self.banner.show_message(message, "error")

    def show_store(self, profile: StoreRules) -> None:
        self.store_name.setText(profile.name)

    def reset(self, message: str = "") -> None:
        """Back to an empty pad; ``message`` tells the next person why the register locked."""
        self.pin_pad.clear()
        if message:
            self.banner.show_message(message, "info")
        else:
            self.banner.clear()
        self.pin_pad.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.pin_pad.setFocus()

    def _submit(self, pin: str) -> None:
        if self._session is None:
            return
        self.banner.clear()
        self._session.log_in(pin)

    def _show_error(self, message: str) -> None:
        self.banner.show_message(message, "error")
        self.pin_pad.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.busy_label.setVisible(busy)
        self.pin_pad.setEnabled(not busy)
        if not busy:
            self.pin_pad.setFocus()

    def _on_logged_in(self, _employee: Employee) -> None:
        self.banner.clear()
        self.pin_pad.clear()
