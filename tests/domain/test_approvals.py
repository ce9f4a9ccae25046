"""Who is asked for a manager's PIN, who may give it, and what an approval allows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from pos_desktop.domain.approvals import (
    MANAGER_NEEDED,
    NOT_A_MANAGER,
    OTHER_ACTION,
    Approval,
    ApprovalAction,
    ApprovalRefused,
    approval_for,
    asks_manager,
    check_approver,
)

VOID = ApprovalAction.VOID_TICKET
REPRINT = ApprovalAction.REPRINT


def approval(action: ApprovalAction) -> Approval:
    return Approval(uuid.uuid4(), action, uuid.uuid4(), "Morgan", datetime.now(UTC))


def test_approvals_ask_a_cashier_only_for_what_the_store_chose() -> None:
    assert asks_manager({VOID}, VOID, "cashier")
    assert not asks_manager({VOID}, REPRINT, "cashier")
    assert not asks_manager(set(), VOID, "cashier")


def test_approvals_never_ask_a_manager_and_always_ask_an_unknown_employee() -> None:
    assert not asks_manager(set(ApprovalAction), VOID, "manager")
    assert asks_manager({VOID}, VOID, None)


def test_approvals_only_a_manager_approves() -> None:
    check_approver("manager")
    with pytest.raises(ApprovalRefused, match=NOT_A_MANAGER):
        check_approver("cashier")


def test_approvals_needed_and_missing_is_refused_given_is_kept() -> None:
    given = approval(VOID)
    assert approval_for({VOID}, VOID, "cashier", given) is given
    assert approval_for({VOID}, VOID, "manager", None) is None
    with pytest.raises(ApprovalRefused, match=MANAGER_NEEDED):
        approval_for({VOID}, VOID, "cashier", None)


def test_approvals_of_one_action_allow_no_other() -> None:
    with pytest.raises(ApprovalRefused, match=OTHER_ACTION):
        approval_for({VOID}, VOID, "cashier", approval(REPRINT))


def test_approvals_recorded_name_the_ticket_and_a_short_detail() -> None:
    ticket = uuid.uuid4()
    recorded = approval(VOID).of(ticket, "x" * 500)
    assert recorded.ticket_id == ticket
    assert recorded.detail is not None and len(recorded.detail) == 200
    assert recorded.on_ticket
    assert not approval(REPRINT).of(None).on_ticket
