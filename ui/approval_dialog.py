"""Manager approval on the spot: what the cashier is about to do, a PIN pad for a manager's PIN,
and Cancel, which leaves everything as it was. Opened window-modal, answered by signal.

``with_approval`` is the one road an action the store may put behind a manager's PIN takes:
straight on when none is asked (the store does not ask it, or a manager is at the register),
through this dialog when one is.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from pos_desktop.domain.approvals import Approval, ApprovalAction
from ui.presenters.approval import ApprovalPresenter
from ui.widgets.banner import Banner, message_room
from ui.widgets.pin_pad import PinPad
from ui.widgets.touch import name_widget, touch_button

TITLE = "Manager approval"
ASK = "A manager enters their PIN to approve."
CHECKING = "Checking PIN…"
# Side by side, under 800 px wide in all: the pad fits the smallest screen a register has.
PAD_WIDTH_PX = 340
SIDE_WIDTH_PX = 320


class ApprovalDialog(QDialog):
    """Approved: ``approved`` carries the approval, and the dialog closes."""

    approved = Signal(object)  # an Approval

    def __init__(
        self,
        parent: QWidget,
        presenter: ApprovalPresenter,
        action: ApprovalAction,
        what: str,
    ) -> None:
        """``what``: the action in the cashier's words ("Void ticket #12?")."""
        super().__init__(parent)
        name_widget(self, "approvalDialog", TITLE)
        self.setWindowTitle(TITLE)
        self.setModal(True)
        self._presenter = presenter
        self._action = action

        title = QLabel(TITLE, self)
        title.setProperty("heading", True)
        title.setObjectName("approvalTitle")
        self.what = QLabel(what, self)
        self.what.setObjectName("approvalWhat")
        self.what.setWordWrap(True)
        ask = QLabel(ASK, self)
        ask.setObjectName("approvalAsk")
        ask.setProperty("hint", True)
        ask.setWordWrap(True)
        self.banner = Banner("errorBanner", "Approval message", self)
        self.checking = QLabel(CHECKING, self)
        self.checking.setObjectName("approvalChecking")
        self.checking.setProperty("busy", True)
        self.checking.hide()
        self.cancel_button = touch_button(
            "Cancel",
            "approvalCancel",
            "Cancel: nothing is done",
            self,
            role="secondary",
            scale=1.25,
        )
        self.cancel_button.clicked.connect(self.reject)

        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(14)
        side.addWidget(title)
        side.addWidget(self.what)
        side.addWidget(ask)
        side.addWidget(message_room(self, "approvalMessageRoom", self.banner, self.checking))
        side.addStretch(1)
        side.addWidget(self.cancel_button)
        side_box = QWidget(self)
        side_box.setLayout(side)
        side_box.setFixedWidth(SIDE_WIDTH_PX)

        self.pin_pad = PinPad(self, enter_label="Approve", key_scale=1.3)
        self.pin_pad.setFixedWidth(PAD_WIDTH_PX)
        self.pin_pad.submitted.connect(self._submit)

        row = QHBoxLayout(self)
        row.setContentsMargins(28, 24, 28, 24)
        row.setSpacing(24)
        row.addWidget(side_box)
        row.addWidget(self.pin_pad, 0, Qt.AlignmentFlag.AlignVCenter)

        presenter.approved.connect(self._approved)
        presenter.refused.connect(self._refused)
        presenter.busy_changed.connect(self._set_busy)
        presenter.withdrawn.connect(self.reject)
        self.finished.connect(self._let_go)

    def _submit(self, pin: str) -> None:
        self.banner.clear()
        self._presenter.verify(self._action, pin)

    def _approved(self, approval: Approval) -> None:
        if approval.action is not self._action:
            return
        self.approved.emit(approval)
        self.accept()

    def _refused(self, message: str) -> None:
        self.banner.show_message(message)
        self.pin_pad.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.checking.setVisible(busy)
        self.pin_pad.setEnabled(not busy)
        if not busy:
            self.pin_pad.setFocus()

    def _let_go(self) -> None:
        """Closed: a PIN still being checked is forgotten, and the presenter's next answers
        are another dialog's."""
        presenter = self._presenter
        presenter.approved.disconnect(self._approved)
        presenter.refused.disconnect(self._refused)
        presenter.busy_changed.disconnect(self._set_busy)
        presenter.withdrawn.disconnect(self.reject)
        presenter.forget()


def with_approval(
    parent: QWidget,
    presenter: ApprovalPresenter | None,
    action: ApprovalAction,
    what: str,
    proceed: Callable[[Approval | None], None],
) -> ApprovalDialog | None:
    """Run ``proceed`` now (None: no approval was needed), or once a manager's PIN approved
    ``action`` (with the approval); Cancel runs nothing. The dialog, when one opened."""
    if presenter is None or not presenter.needed(action):
        proceed(None)
        return None
    dialog = ApprovalDialog(parent, presenter, action, what)
    dialog.approved.connect(proceed)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
