"""Whether the logged-in employee may stay: what the register's last pull says about them."""

from __future__ import annotations

from pos_desktop.db.database import RegisterDatabase
from pos_desktop.db.models import Employee as EmployeeRow
from pos_desktop.server.demo import CASHIER_PIN
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.services.session import SessionService
from pos_desktop.sync.catalog_sync import CatalogSync
from pos_desktop.sync.client import ServerClient


def test_still_active_for_an_employee_the_register_has_not_pulled_yet(
    demo_server: EmbeddedServer, register_db: RegisterDatabase
) -> None:
    """An employee the server let in, whom this register has not pulled yet (added since its
    last sync, or before its first), stays logged in; once a pull says they are deactivated,
    they are not."""
    enrolled = demo_server.enroll_local_register("New register")
    with ServerClient(demo_server.base_url, enrolled.token) as client:
        service = SessionService(client, register_db)
        service.log_in(CASHIER_PIN)

        assert service.still_active()

        CatalogSync(register_db, client).pull_once()
        assert service.still_active()
        with register_db.session() as db:
            for row in db.query(EmployeeRow).filter(EmployeeRow.role == "cashier"):
                row.active = False
            db.commit()
        assert not service.still_active()
