"""A manager's Resend e-gift / Change e-mail: the reason (and the new address), typed on the
on-screen keyboard, then the server's answer. Opens window-modal and never blocks the loop."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from pos_desktop.services.egift_delivery import MAX_REASON_LENGTH
from pos_desktop.services.results import CardSummary, EgiftDelivered
from ui.presenters.egift_delivery import EgiftAction, EgiftDeliveryPresenter
from ui.widgets.banner import Banner, message_room
from ui.widgets.form_fields import caption
from ui.widgets.touch import make_touchable, name_widget, touch_button

TITLES = {EgiftAction.RESEND: "Resend e-gift", EgiftAction.CHANGE_EMAIL: "Change recipient e-mail"}
CONFIRM = {EgiftAction.RESEND: "Resend", EgiftAction.CHANGE_EMAIL: "Save e-mail"}
BUSY = {EgiftAction.RESEND: "Sending…", EgiftAction.CHANGE_EMAIL: "Saving…"}
DIALOG_WIDTH_PX = 620


class EgiftActionDialog(QDialog):
    def __init__(
        self,
        presenter: EgiftDeliveryPresenter,
        action: EgiftAction,
        card: CardSummary,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        name_widget(self, "egiftActionDialog", TITLES[action])
        self.setWindowTitle(TITLES[action])
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._presenter = presenter
        self._action = action
        self._card = card
        presenter.begin()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addLayout(self._build_heading())
        layout.addLayout(self._build_fields())
        self.banner = Banner("egiftActionBanner", f"{TITLES[action]} message", self)
        layout.addWidget(message_room(self, "egiftActionMessageRoom", self.banner))
        layout.addLayout(self._build_buttons())
        self.setMinimumWidth(DIALOG_WIDTH_PX)

        presenter.failed.connect(self._refused)
        presenter.busy_changed.connect(self._set_busy)
        presenter.done.connect(self._done)

    def _build_heading(self) -> QVBoxLayout:
        title = QLabel(TITLES[self._action], self)
        title.setProperty("heading", True)
        title.setObjectName("egiftActionTitle")
        card = self._card
        detail = QLabel(f"Card {card.number_masked} · e-gift to {card.recipient_email}", self)
        detail.setObjectName("egiftActionCard")
        detail.setWordWrap(True)
        heading = QVBoxLayout()
        heading.addWidget(title)
        heading.addWidget(detail)
        return heading

    def _build_fields(self) -> QVBoxLayout:
        fields = QVBoxLayout()
        fields.setSpacing(4)
        self.email_input: QLineEdit | None = None
        if self._action is EgiftAction.CHANGE_EMAIL:
            self.email_input = self._field("egiftEmailInput", "New e-mail", "name@example.com")
            self.email_input.setMaxLength(254)
            fields.addWidget(caption("New e-mail", self, wrap=False))
            fields.addWidget(self.email_input)
        self.reason_input = self._field(
            "egiftReasonInput", "Reason", "Why? (kept in the audit log)"
        )
        self.reason_input.setMaxLength(MAX_REASON_LENGTH)
        fields.addWidget(caption("Reason", self, wrap=False))
        fields.addWidget(self.reason_input)
        return fields

    def _field(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        field = QLineEdit(self)
        name_widget(field, name, accessible)
        field.setPlaceholderText(placeholder)
        make_touchable(field, 1.15)
        field.returnPressed.connect(self._submit)
        return field

    def _build_buttons(self) -> QHBoxLayout:
        self.cancel_button = touch_button(
            "Cancel", "egiftActionCancel", f"Cancel {TITLES[self._action]}", self, role="secondary"
        )
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button = touch_button(
            CONFIRM[self._action], "egiftActionConfirm", TITLES[self._action], self, role="primary"
        )
        self.confirm_button.setMinimumWidth(180)
        self.confirm_button.clicked.connect(self._submit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        return buttons

    def _submit(self) -> None:
        if self._presenter.busy:
            return
        self.banner.clear()
        reason = self.reason_input.text()
        if self.email_input is None:
            self._presenter.resend(self._card.id, reason)
        else:
            self._presenter.change_email(self._card.id, self.email_input.text(), reason)

    def _refused(self, message: str) -> None:
        self.banner.show_message(message, "error")

    def _set_busy(self, busy: bool) -> None:
        self.confirm_button.setEnabled(not busy)
        self.confirm_button.setText(BUSY[self._action] if busy else CONFIRM[self._action])

    def _done(self, _action: EgiftAction, _result: EgiftDelivered) -> None:
        self.accept()
