from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from pos_desktop import contracts as c
from pos_desktop.server import audit
from pos_desktop.server.deps import ClockDep, ManagerDep, SessionsDep
from pos_desktop.server.models import Store
from pos_desktop.server.provisioning import create_employee

router = APIRouter(prefix="/employees", tags=["employees"])


@router.post("", response_model=c.EmployeeOut, status_code=201)
def add_employee(
    body: c.CreateEmployeeRequest, manager: ManagerDep, sessions: SessionsDep, clock: ClockDep
) -> c.EmployeeOut:
    with sessions() as db:
        store = db.execute(select(Store).where(Store.id == manager.store.id)).scalar_one()
        employee = create_employee(db, store, body.name, body.role, body.pin, clock.now())
        audit.record(
            db,
            store_id=store.id,
            by=manager,
            action=audit.AuditAction.EMPLOYEE_CREATED,
            target=(audit.TargetKind.EMPLOYEE, employee.id),
            changes={
                "name": {"old": None, "new": employee.name},
                "role": {"old": None, "new": employee.role},
                "pin": audit.PIN_CHANGED,
            },
            at=clock.now(),
        )
        db.commit()
        return c.EmployeeOut(id=employee.id, name=employee.name, role=body.role)
