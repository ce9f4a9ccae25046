"""Cashier actions a store may put behind a manager's PIN on the spot."""

from __future__ import annotations

from enum import StrEnum


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
