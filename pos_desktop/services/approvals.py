"""A manager's approval on the spot: their PIN checked on the register against the verifiers
it pulled (as a log-in while the server is away is), whatever the connection; and the check
the services make before an action the store puts behind one.

Blocking (argon2, SQLite): presenters call it on a worker.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from pos_desktop.db import catalog
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.approvals import (
    WRONG_PIN,
    Approval,
    ApprovalAction,
    ApprovalRefused,
    approval_for,
    check_approver,
)
from pos_desktop.domain.pin import validate_pin
from pos_desktop.services.results import Employee
from pos_desktop.services.session import WrongPinLimit, match_pin

NO_VERIFIERS = (
    "This register has not received its employees from the server yet, so it cannot check "
    "a manager's PIN."
)


class ApprovalService:
    def __init__(
        self,
        database: RegisterDatabase,
        clock: Callable[[], datetime],
        wrong_pins: WrongPinLimit,
    ) -> None:
        """``wrong_pins``: the register's one limit on wrong PINs, shared with its log-in."""
        self._database = database
        self._clock = clock
        self._wrong_pins = wrong_pins

    def check_pin(self, pin: str) -> str:
        """Refuse a malformed PIN at once (it costs no try)."""
        return validate_pin(pin)

    def approve(self, action: ApprovalAction, pin: str, cashier: Employee | None) -> Approval:
        """The approval of ``action`` by the manager whose PIN this is, for ``cashier`` (the
        employee at the register); ApprovalRefused for a wrong PIN or one that is not a
        manager's."""
        pin = self.check_pin(pin)
        over = self._wrong_pins.refusal()
        if over is not None:
            raise ApprovalRefused(over)
        with self._database.session() as db:
            verifiers = catalog.pin_verifiers(db)
        if not verifiers:
            raise ApprovalRefused(NO_VERIFIERS)
        verifier = match_pin(verifiers, pin)
        if verifier is None:
            self._wrong_pins.missed()
            raise ApprovalRefused(WRONG_PIN)
        check_approver(verifier.role)
        return Approval(
            id=uuid.uuid4(),
            action=action,
            manager_id=verifier.employee_id,
            manager_name=verifier.name,
            at=self._clock(),
            cashier_id=cashier.id if cashier is not None else None,
        )


def approval_to_record(
    db: Session, employee_id: uuid.UUID, action: ApprovalAction, approval: Approval | None
) -> Approval | None:
    """The approval to record with ``action`` by ``employee_id``, under the store's rules as
    this register last pulled them; ApprovalRefused when one was needed and not given."""
    rules = catalog.store_rules(db)
    required = rules.approvals if rules is not None else frozenset()
    return approval_for(required, action, catalog.employee_role(db, employee_id), approval)
