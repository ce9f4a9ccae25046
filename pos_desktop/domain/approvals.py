"""Cashier actions a store may put behind a manager's PIN on the spot, who may approve them, and
the approval recorded with the action.

The store chooses the actions (``StoreRules.approvals``). A cashier doing one of them is asked
for a manager's PIN; a manager doing it is not asked. Only a manager's PIN approves: a
cashier's (their own or another's) is refused. An approval given is recorded with the action
it allowed, in the action's own transaction: on the ticket for a ticket's action (void, a line
removed after a tender), in the register's approval outbox for the others (reprint, drawer);
both reach the server's audit log.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from pos_desktop.domain.errors import DomainError, ErrorCode
from pos_desktop.domain.roles import manages


class ApprovalAction(StrEnum):
    VOID_TICKET = "void_ticket"
    REMOVE_PAID_LINE = "remove_line_after_tender"
    REPRINT = "reprint"
    OPEN_DRAWER = "open_drawer"
    REFUND = "refund"


# How the Back Office names each action, in the order it lists them.
APPROVAL_LABELS: dict[ApprovalAction, str] = {
    ApprovalAction.VOID_TICKET: "Void a ticket",
    ApprovalAction.REMOVE_PAID_LINE: "Remove a line after a tender",
    ApprovalAction.REPRINT: "Reprint a receipt",
    ApprovalAction.OPEN_DRAWER: "Open the drawer without a sale",
    ApprovalAction.REFUND: "Refunds",
}

# Approvals of these travel on the ticket they changed; the others go to the server alone.
TICKET_ACTIONS = frozenset({ApprovalAction.VOID_TICKET, ApprovalAction.REMOVE_PAID_LINE})

WRONG_PIN = "Wrong PIN."
NOT_A_MANAGER = "That PIN is not a manager's."
MANAGER_NEEDED = "This needs a manager's approval."
OTHER_ACTION = "That approval was given for something else."
MAX_DETAIL_LENGTH = 200


class ApprovalRefused(DomainError):
    """No approval: a wrong PIN, a PIN that is not a manager's, or none given where needed."""

    code = ErrorCode.APPROVAL_REFUSED


def asks_manager(
    required: Collection[ApprovalAction], action: ApprovalAction, role: str | None
) -> bool:
    """Whether an employee of ``role`` must get a manager's PIN before ``action``: the store
    requires it, and they are not a manager themselves (an unknown employee is asked)."""
    return action in required and (role is None or not manages(role))


def check_approver(role: str) -> None:
    """Only a manager (or an owner) approves: any other employee's PIN is refused."""
    if not manages(role):
        raise ApprovalRefused(NOT_A_MANAGER)


@dataclass(frozen=True, slots=True)
class Approval:
    """A manager's PIN given on the spot for one action by the employee at the register.

    ``ticket_id``: the ticket the action was on (the voided ticket, the one a line left, the
    one whose receipt printed again); ``detail``: what else says which, in words ("Mug")."""

    id: uuid.UUID
    action: ApprovalAction
    manager_id: uuid.UUID
    manager_name: str
    at: datetime
    cashier_id: uuid.UUID | None = None
    ticket_id: uuid.UUID | None = None
    detail: str | None = None

    @property
    def on_ticket(self) -> bool:
        """Recorded on its ticket (else in the register's approval outbox)."""
        return self.action in TICKET_ACTIONS

    def of(self, ticket_id: uuid.UUID | None, detail: str | None = None) -> Approval:
        """This approval as recorded with its action: which ticket, and in words what."""
        return replace(
            self,
            ticket_id=ticket_id,
            detail=detail[:MAX_DETAIL_LENGTH] if detail else None,
        )


def approval_for(
    required: Collection[ApprovalAction],
    action: ApprovalAction,
    role: str | None,
    approval: Approval | None,
) -> Approval | None:
    """The approval to record with ``action`` by an employee of ``role`` (None: none was
    needed); refused when one was needed and none given, or the one given was for another
    action. The services check this again, whatever the screen asked."""
    if approval is not None:
        if approval.action is not action:
            raise ApprovalRefused(OTHER_ACTION)
        return approval
    if asks_manager(required, action, role):
        raise ApprovalRefused(MANAGER_NEEDED)
    return None
